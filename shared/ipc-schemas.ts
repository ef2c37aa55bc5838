import * as z from 'zod/mini';
import type { InvokeChannel } from './ipc-contract';
import { AGENT_PLATFORMS, ROLES } from './agent-kinds';

// Runtime schemas for every invoke channel's argument. Main (and the e2e bridge) parse each argument with
// these before anything else happens; the renderer imports only the types, so zod stays out of its bundle.

const role = z.enum(ROLES);
const agentPlatform = z.enum(AGENT_PLATFORMS);
const logName = z.enum(['installer', 'configurator', 'push']);
const jobId = z.string().check(z.regex(/^[0-9a-f-]{36}$/));

export const installOptionsSchema = z.strictObject({
  role,
  platform: agentPlatform,
  installLocation: z.string().check(z.minLength(1), z.maxLength(1024)),
});

export const logQuerySchema = z.strictObject({
  log: logName,
  level: z.enum(['all', 'debug', 'info', 'warn', 'error']),
  text: z.string().check(z.maxLength(256)),
});

// The servers arrive as the admin's lines; main parses them with the push CLI's own rules.
const serverLines = z.array(z.string().check(z.maxLength(300))).check(z.maxLength(1000));
const hostSpec = z.string().check(z.minLength(1), z.maxLength(300));
const sshUser = z.string().check(z.minLength(1), z.maxLength(64));
const pushId = jobId;

const pushHosts = z.array(hostSpec).check(z.minLength(1), z.maxLength(1000));
const credentials = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('key'), keyFile: z.string().check(z.minLength(1), z.maxLength(1024)) }),
  z.strictObject({ kind: z.literal('password'), password: z.string().check(z.minLength(1), z.maxLength(1024)) }),
]);
const parallel = z.int().check(z.minimum(1), z.maximum(256));
const jump = z.string().check(z.maxLength(600));
const acceptedHostKeys = z
  .array(z.strictObject({ host: hostSpec, fingerprint: z.string().check(z.regex(/^SHA256:[A-Za-z0-9+/]{43}$/)) }))
  .check(z.maxLength(1000));

export const pushRequestSchema = z.strictObject({
  hosts: pushHosts,
  user: sshUser,
  credentials,
  role,
  platform: agentPlatform,
  installLocation: z.string().check(z.minLength(1), z.maxLength(1024)),
  cs: z.nullable(
    z.strictObject({
      endpoint: z.string().check(z.minLength(1), z.maxLength(64)),
      passphrase: z.string().check(z.minLength(1), z.maxLength(1024)),
    }),
  ),
  parallel,
  jump,
  canary: z.nullable(z.int().check(z.minimum(1), z.maximum(10_000))),
  maxFailures: z.nullable(z.string().check(z.regex(/^\d{1,5}%?$/))),
  retryOf: z.nullable(pushId),
  acceptedHostKeys,
});

export const fleetStatusSchema = z.strictObject({
  hosts: pushHosts,
  user: sshUser,
  credentials,
  parallel,
  jump,
  acceptedHostKeys,
});

// An inventory is read by main from the text the page loaded: a file's name, at most 1 MiB of text.
export const inventorySchema = z.strictObject({
  name: z.string().check(z.maxLength(255)),
  text: z.string().check(z.maxLength(1_048_576)),
  limit: z.string().check(z.maxLength(1024)),
});

/** A language tag as --lang and app.getLocale() give it (de, de-AT, en_US); nothing else reaches the page. */
export const localeTagSchema = z.string().check(z.maxLength(35), z.regex(/^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$/));

/** The tag when it is one, else English: the system's locale is not ours to refuse, only to ignore. */
export function localeTagOrEnglish(tag: string | undefined): string {
  const parsed = localeTagSchema.safeParse(tag);
  return parsed.success ? parsed.data : 'en';
}

export const INVOKE_SCHEMAS = {
  'app:get-state': z.undefined(),
  'app:close': z.undefined(),
  // Copy details, a host id, a command line: small; a whole log goes through logs:copy, read by main itself.
  'app:copy-text': z.strictObject({ text: z.string().check(z.minLength(1), z.maxLength(65_536)) }),
  'setup:preflight': installOptionsSchema,
  'setup:browse-location': z.strictObject({ current: z.string().check(z.maxLength(1024)) }),
  'setup:start-install': installOptionsSchema,
  'setup:register': z.strictObject({
    endpoint: z.string().check(z.minLength(1), z.maxLength(64)),
    passphrase: z.string().check(z.minLength(1), z.maxLength(1024)),
  }),
  'setup:start-uninstall': z.strictObject({
    passphrase: z.nullable(z.string().check(z.minLength(1), z.maxLength(1024))),
  }),
  'setup:cancel': z.strictObject({ jobId }),
  'logs:info': z.strictObject({ log: logName }),
  'logs:read': z.strictObject({
    query: logQuerySchema,
    first: z.int().check(z.minimum(0), z.maximum(100_000_000)),
    count: z.int().check(z.minimum(1), z.maximum(2000)),
  }),
  'logs:copy': z.strictObject({
    query: logQuerySchema,
    run: z.nullable(z.int().check(z.minimum(0), z.maximum(100_000_000))),
  }),
  'logs:open-folder': z.strictObject({ log: logName }),
  'logs:save-diagnostics': z.undefined(),
  'push:check-servers': z.strictObject({ lines: serverLines, user: sshUser }),
  'push:browse-key-file': z.strictObject({ current: z.string().check(z.maxLength(1024)) }),
  'push:scan-host-keys': z.strictObject({
    hosts: z.array(hostSpec).check(z.minLength(1), z.maxLength(1000)),
    jump: z.string().check(z.maxLength(600)),
  }),
  'push:start': pushRequestSchema,
  'push:cancel': z.strictObject({ pushId }),
  'push:save-results-csv': z.strictObject({ pushId }),
  'push:read-inventory': inventorySchema,
  'push:fleet-status': fleetStatusSchema,
} as const satisfies Record<InvokeChannel, z.ZodMiniType>;
