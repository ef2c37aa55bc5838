import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { mac, macEquals } from '../../electron/engine/registration/registration-crypto';
import {
  PROTOCOL_VERSION,
  registerProofInput,
  registerRequestSchema,
  serverProofInput,
} from '../../shared/registration-protocol';
import type { ChallengeResponse, RegisterRequest, RegisterResponse } from '../../shared/registration-protocol';
import type { HostStore, RegisteredHost } from './cs-state';
import { HttpError, describeIssue, parseJson } from './http-error';
import type { NonceBook } from './nonce-book';
import type { RateLimiter } from './rate-limiter';

// The two endpoints of docs/protocol.md as plain functions of a request body: the router has already checked method,
// content type and size, so what is left here is the protocol itself, testable without sockets.

export interface HandlerContext {
  /** The MAC key derived from the passphrase. */
  key: Buffer;
  /** Of this server's own certificate: binds every proof to the TLS session the client saw. */
  fingerprint: string;
  now: () => number;
  nonces: NonceBook;
  limiter: RateLimiter;
  hosts: HostStore;
}

export interface RegisterOutcome {
  response: RegisterResponse;
  /** For the log line only. */
  hostName: string;
}

export function handleChallenge(ctx: HandlerContext, body: Buffer): ChallengeResponse {
  const at = ctx.now();
  purgeExpired(ctx, at);
  if (!z.object({}).safeParse(parseJson(body)).success)
    throw new HttpError(400, 'BAD_REQUEST', 'the challenge body must be a JSON object ({})');
  return { protocol: PROTOCOL_VERSION, serverNonce: ctx.nonces.issue(at) };
}

export function handleRegister(ctx: HandlerContext, body: Buffer, address: string): RegisterOutcome {
  const at = ctx.now();
  purgeExpired(ctx, at);
  // Checked again here: concurrent attempts admitted before the fifth failure must not get extra guesses.
  const limited = ctx.limiter.check(address, at);
  if (limited !== undefined) throw limited;
  const request = parseRegisterRequest(ctx.nonces, parseJson(body), at);

  const expected = mac(
    ctx.key,
    registerProofInput(request.serverNonce, request.clientNonce, ctx.fingerprint, request.host.hostName),
  );
  if (!macEquals(expected, request.proof)) {
    ctx.limiter.recordFailure(address, at);
    throw new HttpError(401, 'AUTH_FAILED', 'the proof does not match: check the passphrase');
  }

  const record = hostRecord(ctx.hosts, request, at);
  // Written before the reply: a host told it is registered must survive a restart.
  ctx.hosts.save(record);
  const serverProof = mac(
    ctx.key,
    serverProofInput(request.clientNonce, request.serverNonce, ctx.fingerprint, record.hostId),
  );
  return { response: { hostId: record.hostId, serverProof }, hostName: record.hostName };
}

function purgeExpired(ctx: HandlerContext, at: number): void {
  ctx.nonces.purge(at);
  ctx.limiter.purge(at);
}

/** Validates the body and spends its nonce; throws the protocol's error when either is wrong. */
function parseRegisterRequest(nonces: NonceBook, json: unknown, at: number): RegisterRequest {
  // The nonce is spent by any attempt that names it, so a failed or malformed try cannot be replayed.
  const named = typeof json === 'object' && json !== null && 'serverNonce' in json ? json.serverNonce : undefined;
  const live = typeof named === 'string' && nonces.spend(named, at);
  const parsed = registerRequestSchema.safeParse(json);
  if (!parsed.success)
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `the register body does not match the protocol: ${describeIssue(parsed.error)}`,
    );
  if (!live)
    throw new HttpError(
      400,
      'NONCE_INVALID',
      'the server nonce is unknown, already used or expired; ask for a new challenge',
    );
  return parsed.data;
}

/** A known hostId keeps its id and first registration time; anything else is a new host. */
function hostRecord(hosts: HostStore, request: RegisterRequest, at: number): RegisteredHost {
  const known = request.host.hostId !== undefined ? hosts.get(request.host.hostId) : undefined;
  const stamp = new Date(at).toISOString();
  const { hostName, os, agentVersion, role, platform, ipAddresses } = request.host;
  return {
    hostId: known?.hostId ?? randomUUID(),
    hostName,
    os,
    agentVersion,
    role,
    platform,
    ipAddresses: [...ipAddresses],
    registeredAt: known?.registeredAt ?? stamp,
    lastSeenAt: stamp,
  };
}
