import { z } from 'zod';
import type { InvokeChannel } from './ipc-contract';
import { AGENT_PLATFORMS, ROLES } from './agent-kinds';

// Runtime schemas for every invoke channel's argument. Main (and the e2e bridge) parse each argument with
// these before anything else happens; the renderer imports only the types, so zod stays out of its bundle.

const role = z.enum(ROLES);
const agentPlatform = z.enum(AGENT_PLATFORMS);
const logName = z.enum(['installer', 'configurator', 'push']);
const jobId = z.string().regex(/^[0-9a-f-]{36}$/);

export const installOptionsSchema = z.strictObject({
  role,
  platform: agentPlatform,
  installLocation: z.string().min(1).max(1024),
});

export const logQuerySchema = z.strictObject({
  log: logName,
  level: z.enum(['all', 'debug', 'info', 'warn', 'error']),
  text: z.string().max(256),
});

// The servers arrive as the admin's lines; main parses them with the push CLI's own rules.
const serverLines = z.array(z.string().max(300)).max(1000);
const hostSpec = z.string().min(1).max(300);
const sshUser = z.string().min(1).max(64);
const pushId = jobId;

export const pushRequestSchema = z.strictObject({
  hosts: z.array(hostSpec).min(1).max(1000),
  user: sshUser,
  credentials: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('key'), keyFile: z.string().min(1).max(1024) }),
    z.strictObject({ kind: z.literal('password'), password: z.string().min(1).max(1024) }),
  ]),
  role,
  platform: agentPlatform,
  installLocation: z.string().min(1).max(1024),
  cs: z.strictObject({ endpoint: z.string().min(1).max(64), passphrase: z.string().min(1).max(1024) }).nullable(),
  parallel: z.number().int().min(1).max(256),
  acceptedHostKeys: z
    .array(z.strictObject({ host: hostSpec, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/) }))
    .max(1000),
});

export const INVOKE_SCHEMAS = {
  'app:get-state': z.undefined(),
  'app:close': z.undefined(),
  'setup:preflight': installOptionsSchema,
  'setup:browse-location': z.strictObject({ current: z.string().max(1024) }),
  'setup:start-install': installOptionsSchema,
  'setup:register': z.strictObject({ endpoint: z.string().min(1).max(64), passphrase: z.string().min(1).max(1024) }),
  'setup:start-uninstall': z.strictObject({ passphrase: z.string().min(1).max(1024).nullable() }),
  'setup:cancel': z.strictObject({ jobId }),
  'logs:info': z.strictObject({ log: logName }),
  'logs:read': z.strictObject({
    query: logQuerySchema,
    first: z.number().int().min(0).max(100_000_000),
    count: z.number().int().min(1).max(2000),
  }),
  'logs:copy': z.strictObject({ query: logQuerySchema, run: z.number().int().min(0).max(100_000_000).nullable() }),
  'logs:open-folder': z.strictObject({ log: logName }),
  'logs:save-diagnostics': z.undefined(),
  'push:check-servers': z.strictObject({ lines: serverLines, user: sshUser }),
  'push:browse-key-file': z.strictObject({ current: z.string().max(1024) }),
  'push:scan-host-keys': z.strictObject({ hosts: z.array(hostSpec).min(1).max(1000) }),
  'push:start': pushRequestSchema,
  'push:cancel': z.strictObject({ pushId }),
  'push:save-results-csv': z.strictObject({ pushId }),
} as const satisfies Record<InvokeChannel, z.ZodType>;
