import * as z from 'zod/mini';
import { AGENT_PLATFORMS, ROLES } from './agent-kinds';

// Registration protocol v2 between the configurator and a configuration server (docs/protocol.md). The
// message shapes live here so the client, the reference server and the wizard agree.
// The passphrase never crosses the wire, and nothing that crosses it lets anyone test guesses offline: each
// exchange starts with an OPAQUE login (an asymmetric PAKE), and the request that finishes it carries a proof
// under the login's session key bound to the CS certificate's fingerprint (the crypto is in
// electron/engine/registration/registration-crypto.ts). There is no fallback to v1.

export const PROTOCOL_VERSION = 2;
export const LOGIN_START_PATH = '/mobility/v2/login/start';
export const REGISTER_PATH = '/mobility/v2/register';
export const UNREGISTER_PATH = '/mobility/v2/unregister';
export { DEFAULT_CS_PORT } from './protocol-constants';
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const REQUEST_TIMEOUT_MS = 15_000;
/** The server keeps a login's state for one finishing call within this long. */
export const LOGIN_TTL_MS = 120_000;
/** Login starts from one address within the window that did not end in a successful finish. */
export const RATE_LIMIT_UNFINISHED_LOGINS = 5;
export const RATE_LIMIT_WINDOW_MS = 60_000;
/** OPAQUE's user identifier: one record per CS, for the agents as a whole. */
export const OPAQUE_USER_IDENTIFIER = 'mobility-agent';

/** 32 random bytes, base64url without padding. */
export const loginIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'a login id is 32 bytes in base64url'));
/** An OPAQUE message as @serenity-kit/opaque writes it: base64url without padding. */
const opaqueMessage = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,4096}$/, 'an OPAQUE message in base64url'));
const hexMac = z.string().check(z.regex(/^[0-9a-f]{64}$/, 'an HMAC-SHA256 in lower-case hex'));
const hostIdSchema = z
  .string()
  .check(z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a UUID'));

export const loginStartRequestSchema = z.object({ startLoginRequest: opaqueMessage });
export type LoginStartRequest = z.infer<typeof loginStartRequestSchema>;

export const loginStartResponseSchema = z.object({
  protocol: z.literal(PROTOCOL_VERSION),
  loginId: loginIdSchema,
  loginResponse: opaqueMessage,
});
export type LoginStartResponse = z.infer<typeof loginStartResponseSchema>;

export const hostInfoSchema = z.object({
  hostName: z.string().check(z.minLength(1), z.maxLength(255)),
  hostId: z.optional(hostIdSchema),
  os: z.string().check(z.minLength(1), z.maxLength(64)),
  agentVersion: z.string().check(z.minLength(1), z.maxLength(32)),
  role: z.enum(ROLES),
  platform: z.enum(AGENT_PLATFORMS),
  ipAddresses: z.array(z.string().check(z.maxLength(64))).check(z.maxLength(64)),
});
export type HostInfo = z.infer<typeof hostInfoSchema>;

/** What every request that finishes a login carries besides its own fields. */
const loginFinish = { loginId: loginIdSchema, finishLoginRequest: opaqueMessage };

export const registerRequestSchema = z.object({ ...loginFinish, host: hostInfoSchema, proof: hexMac });
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const registerResponseSchema = z.object({ hostId: hostIdSchema, serverProof: hexMac });
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

export const unregisterRequestSchema = z.object({ ...loginFinish, hostId: hostIdSchema, proof: hexMac });
export type UnregisterRequest = z.infer<typeof unregisterRequestSchema>;

export const unregisterResponseSchema = z.object({ serverProof: hexMac });
export type UnregisterResponse = z.infer<typeof unregisterResponseSchema>;

export const protocolErrorSchema = z.object({ error: z.string(), message: z.optional(z.string()) });

export type ServerErrorCode = 'BAD_REQUEST' | 'LOGIN_INVALID' | 'AUTH_FAILED' | 'RATE_LIMITED' | 'HOST_UNKNOWN';

// The strings the proofs are computed over (docs/protocol.md). Each direction and each operation has its own
// prefix, so no proof is ever valid as another.

export function registerProofInput(loginId: string, fingerprint: string, hostName: string): string {
  return `register|${loginId}|${fingerprint}|${hostName}`;
}

export function registeredProofInput(loginId: string, fingerprint: string, hostId: string): string {
  return `registered|${loginId}|${fingerprint}|${hostId}`;
}

export function unregisterProofInput(loginId: string, fingerprint: string, hostId: string): string {
  return `unregister|${loginId}|${fingerprint}|${hostId}`;
}

export function unregisteredProofInput(loginId: string, fingerprint: string, hostId: string): string {
  return `unregistered|${loginId}|${fingerprint}|${hostId}`;
}
