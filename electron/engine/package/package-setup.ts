import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod/mini';
import '../../../shared/zod-english';
import { checkArchivePath } from './archive-path';
import { readRegularFile } from '../system/atomic-file';
import { AGENT_PLATFORMS, ROLES, type AgentPlatform, type Role } from '../../../shared/agent-kinds';

// What a package asks setup to do beyond laying files down: components (setup/components.json, e.g. the
// VSS provider) and the agent service (setup/service.json). Both are read from the verified staging tree
// and checked before anything on the system changes, so a bad declaration fails the install cleanly.

export const COMPONENTS_FILE = 'setup/components.json';
export const SERVICE_FILE = 'setup/service.json';

const caseless = <T extends string>(values: readonly [T, ...T[]]) =>
  z.pipe(
    z.transform((v: unknown) =>
      typeof v === 'string' ? (values.find((x) => x.toLowerCase() === v.toLowerCase()) ?? v) : v,
    ),
    z.enum(values),
  );

const relativeScript = z.string().check(
  z.refine((value) => {
    const checked = checkArchivePath(value);
    return checked.ok && checked.path === value;
  }, 'must be a plain relative path inside the package'),
);

// Package strings end up in a unit file, sc.exe's arguments, the log and the terminal: one line each.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const NO_CONTROLS = /^[^\u0000-\u001f\u007f]*$/;
const plainText = (max: number) =>
  z.string().check(z.minLength(1), z.maxLength(max), z.regex(NO_CONTROLS, 'no control characters'));
const argument = z.string().check(z.maxLength(4096), z.regex(NO_CONTROLS, 'no control characters'));

const componentSchema = z.object({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes')),
  title: plainText(200),
  optional: z._default(z.boolean(), false),
  run: relativeScript,
  args: z._default(z.array(argument).check(z.maxLength(64)), []),
  roles: z.optional(z.array(caseless(ROLES))),
  platforms: z.optional(z.array(caseless(AGENT_PLATFORMS))),
  /** Support-matrix labels, or "linux" / "windows". */
  os: z.optional(z.array(z.string())),
  timeoutSeconds: z._default(z.int().check(z.positive(), z.maximum(3600)), 600),
});

export type ComponentSpec = z.infer<typeof componentSchema>;

const componentsSchema = z.array(componentSchema).check(
  z.maxLength(64),
  z.superRefine((list, context) => {
    const ids = new Set<string>();
    for (const component of list) {
      if (ids.has(component.id))
        context.addIssue({ code: 'custom', message: `component id "${component.id}" is used twice` });
      ids.add(component.id);
    }
  }),
);

/**
 * Agent services are named from a reserved prefix, so a package can never name (and so overwrite, stop or,
 * on rollback, disable) a service of the system such as ssh.
 */
export const SERVICE_NAME_PREFIX = 'asr-';

const serviceSchema = z.object({
  name: z
    .string()
    .check(
      z.regex(
        /^asr-[a-z0-9][a-z0-9_.-]{0,59}$/,
        `"${SERVICE_NAME_PREFIX}" followed by lower-case letters, digits, _ . - (agent services use a reserved prefix)`,
      ),
    ),
  description: plainText(200),
  exec: relativeScript,
  args: z._default(z.array(argument).check(z.maxLength(64)), []),
});

export type ServiceSpec = z.infer<typeof serviceSchema>;

export class PackageSetupError extends Error {}

function readDeclaration<T>(tree: string, file: string, schema: z.ZodMiniType<T>): T | undefined {
  const full = path.join(tree, file);
  let text: string;
  try {
    const data = readRegularFile(full, 1024 * 1024);
    if (data === undefined) return undefined;
    text = data.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PackageSetupError(`${file} cannot be read: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PackageSetupError(`${file} is not valid JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new PackageSetupError(
      `${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

function checkRunnable(tree: string, relative: string, what: string): void {
  const full = path.join(tree, relative);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(full);
  } catch {
    throw new PackageSetupError(`${what} "${relative}" is not in the package`);
  }
  if (!stat.isFile()) throw new PackageSetupError(`${what} "${relative}" is not a regular file`);
  if (process.platform !== 'win32' && (stat.mode & 0o111) === 0)
    throw new PackageSetupError(`${what} "${relative}" is not executable (mode ${(stat.mode & 0o777).toString(8)})`);
}

export interface PackageSetup {
  readonly components: readonly ComponentSpec[];
  readonly service: ServiceSpec | undefined;
}

export function readPackageSetup(tree: string): PackageSetup {
  const components = readDeclaration(tree, COMPONENTS_FILE, componentsSchema) ?? [];
  for (const component of components) checkRunnable(tree, component.run, `component ${component.id}: run`);
  const service = readDeclaration(tree, SERVICE_FILE, serviceSchema);
  if (service) checkRunnable(tree, service.exec, 'service exec');
  return { components, service };
}

export interface ComponentContext {
  readonly role: Role;
  readonly platform: AgentPlatform;
  readonly osLabel: string;
  readonly family: 'linux' | 'windows';
}

/** Why a component does not apply here, or undefined when it does. */
export function componentSkipReason(component: ComponentSpec, context: ComponentContext): string | undefined {
  if (component.roles && !component.roles.includes(context.role)) return `only for role ${component.roles.join('/')}`;
  if (component.platforms && !component.platforms.includes(context.platform))
    return `only for platform ${component.platforms.join('/')}`;
  if (component.os) {
    const wanted = component.os.map((o) => o.toUpperCase());
    if (!wanted.includes(context.osLabel.toUpperCase()) && !wanted.includes(context.family.toUpperCase()))
      return `only for ${component.os.join(', ')}`;
  }
  return undefined;
}
