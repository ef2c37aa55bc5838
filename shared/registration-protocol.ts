import { z } from 'zod';
import { AGENT_PLATFORMS, ROLES } from './agent-kinds';

// Registration protocol v1 between the configurator and a configuration server (docs/protocol.md). The
// message shapes live here so the client, the reference server and the wizard agree.
// The passphrase never crosses the wire: both sides prove they know it with HMACs over fresh nonces bound
// to the CS certificate's fingerprint (the crypto is in electron/engine/registration/registration-crypto.ts).

export const PROTOCOL_VERSION = 1;
export const CHALLENGE_PATH = '/mobility/v1/challenge';
export const REGISTER_PATH = '/mobility/v1/register';
export { DEFAULT_CS_PORT } from './protocol-constants';
export const MAX_MESSAGE_BYTES = 64 * 1024;
export const REQUEST_TIMEOUT_MS = 15_000;
export const SERVER_NONCE_TTL_MS = 120_000;
export const RATE_LIMIT_FAILURES = 5;
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** 32 random bytes, base64url without padding. */
export const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a nonce is 32 bytes in base64url');
const hexMac = z.string().regex(/^[0-9a-f]{64}$/, 'an HMAC-SHA256 in lower-case hex');
const hostIdSchema = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'a UUID');

export const challengeResponseSchema = z.object({ protocol: z.literal(PROTOCOL_VERSION), serverNonce: nonceSchema });
export type ChallengeResponse = z.infer<typeof challengeResponseSchema>;

export const hostInfoSchema = z.object({
  hostName: z.string().min(1).max(255),
  hostId: hostIdSchema.optional(),
  os: z.string().min(1).max(64),
  agentVersion: z.string().min(1).max(32),
  role: z.enum(ROLES),
  platform: z.enum(AGENT_PLATFORMS),
  ipAddresses: z.array(z.string().max(64)).max(64),
});
export type HostInfo = z.infer<typeof hostInfoSchema>;

export const registerRequestSchema = z.object({
  serverNonce: nonceSchema,
  clientNonce: nonceSchema,
  host: hostInfoSchema,
  proof: hexMac,
});
export type RegisterRequest = z.infer<typeof registerRequestSchema>;

export const registerResponseSchema = z.object({ hostId: hostIdSchema, serverProof: hexMac });
export type RegisterResponse = z.infer<typeof registerResponseSchema>;

export const protocolErrorSchema = z.object({ error: z.string(), message: z.string().optional() });

export type ServerErrorCode = 'BAD_REQUEST' | 'NONCE_INVALID' | 'AUTH_FAILED' | 'RATE_LIMITED';

/** The strings both proofs are computed over (docs/protocol.md section 2). */
export function registerProofInput(
  serverNonce: string,
  clientNonce: string,
  fingerprint: string,
  hostName: string,
): string {
  return `register|${serverNonce}|${clientNonce}|${fingerprint}|${hostName}`;
}

export function serverProofInput(
  clientNonce: string,
  serverNonce: string,
  fingerprint: string,
  hostId: string,
): string {
  return `registered|${clientNonce}|${serverNonce}|${fingerprint}|${hostId}`;
}
