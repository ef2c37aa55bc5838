import { randomUUID } from 'node:crypto';
import { mac2, macEquals, type OpaqueLibrary } from '../../electron/engine/registration/registration-crypto';
import type { OpaqueCredentials } from '../../electron/engine/registration/registration-crypto';
import {
  loginStartRequestSchema,
  OPAQUE_USER_IDENTIFIER,
  PROTOCOL_VERSION,
  registeredProofInput,
  registerProofInput,
  registerRequestSchema,
  unregisteredProofInput,
  unregisterProofInput,
  unregisterRequestSchema,
} from '../../shared/registration-protocol';
import type {
  LoginStartResponse,
  RegisterRequest,
  RegisterResponse,
  UnregisterResponse,
} from '../../shared/registration-protocol';
import type * as z from 'zod/mini';
import type { CsState, RegisteredHost } from './cs-state';
import { HttpError, describeIssue, parseJson } from './http-error';
import type { LoginBook } from './login-book';
import type { RateLimiter } from './rate-limiter';

// The three endpoints of docs/protocol.md as plain functions of a request body: the router has already checked
// method, content type and size, so what is left here is the protocol itself, testable without sockets.

export interface HandlerContext {
  opaque: OpaqueLibrary;
  /** The server setup and the record for OPAQUE_USER_IDENTIFIER; the passphrase itself is not known here. */
  credentials: OpaqueCredentials;
  /** Of this server's own certificate: binds every proof to the TLS session the client saw. */
  fingerprint: string;
  now: () => number;
  logins: LoginBook;
  limiter: RateLimiter;
  state: CsState;
}

export interface RegisterOutcome {
  response: RegisterResponse;
  /** For the log line only. */
  hostName: string;
}

export interface UnregisterOutcome {
  response: UnregisterResponse;
  /** For the log line only. */
  hostId: string;
}

export function handleLoginStart(ctx: HandlerContext, body: Buffer, address: string): LoginStartResponse {
  const at = ctx.now();
  purgeExpired(ctx, at);
  // Checked again here: concurrent starts admitted before the limit was reached must not get extra guesses.
  const limited = ctx.limiter.check(address, at);
  if (limited !== undefined) throw limited;
  const parsed = loginStartRequestSchema.safeParse(parseJson(body));
  if (!parsed.success)
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `the login start does not match the protocol: ${describeIssue(parsed.error)}`,
    );
  let started: { serverLoginState: string; loginResponse: string };
  try {
    started = ctx.opaque.server.startLogin({
      serverSetup: ctx.credentials.serverSetup,
      registrationRecord: ctx.credentials.registrationRecord,
      startLoginRequest: parsed.data.startLoginRequest,
      userIdentifier: OPAQUE_USER_IDENTIFIER,
    });
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'startLoginRequest is not an OPAQUE login request');
  }
  const loginId = ctx.logins.open(started.serverLoginState, address, at);
  // Counted once the caller holds an answer it can test one guess against.
  ctx.limiter.started(address, loginId, at);
  return { protocol: PROTOCOL_VERSION, loginId, loginResponse: started.loginResponse };
}

export function handleRegister(ctx: HandlerContext, body: Buffer): RegisterOutcome {
  const { request, finish } = finishLogin(ctx, body, registerRequestSchema, 'register', (req, sessionKey) =>
    mac2(sessionKey, registerProofInput(req.loginId, ctx.fingerprint, req.host.hostName)),
  );
  const record = hostRecord(ctx.state, request, ctx.now());
  // Written before the reply: a host told it is registered must survive a restart.
  ctx.state.save(record);
  const serverProof = finish(registeredProofInput(request.loginId, ctx.fingerprint, record.hostId));
  return { response: { hostId: record.hostId, serverProof }, hostName: record.hostName };
}

export function handleUnregister(ctx: HandlerContext, body: Buffer): UnregisterOutcome {
  const { request, finish } = finishLogin(ctx, body, unregisterRequestSchema, 'unregister', (req, sessionKey) =>
    mac2(sessionKey, unregisterProofInput(req.loginId, ctx.fingerprint, req.hostId)),
  );
  if (ctx.state.get(request.hostId) === undefined)
    throw new HttpError(404, 'HOST_UNKNOWN', `host ${request.hostId} is not registered here`);
  // Removed before the reply, as a registration is saved before it.
  ctx.state.remove(request.hostId);
  const serverProof = finish(unregisteredProofInput(request.loginId, ctx.fingerprint, request.hostId));
  return { response: { serverProof }, hostId: request.hostId };
}

function purgeExpired(ctx: HandlerContext, at: number): void {
  ctx.logins.purge(at);
  ctx.limiter.purge(at);
}

/**
 * What register and unregister share: spend the login the body names, validate the body, finish the OPAQUE
 * login and check the client's proof under its session key. Returns the request and a way to make the
 * server's proof; throws the protocol's error when anything is wrong.
 */
function finishLogin<T extends { loginId: string; finishLoginRequest: string; proof: string }>(
  ctx: HandlerContext,
  body: Buffer,
  schema: z.ZodMiniType<T>,
  what: string,
  expectedProof: (request: T, sessionKey: string) => string,
): { request: T; finish: (input: string) => string } {
  const at = ctx.now();
  purgeExpired(ctx, at);
  const json = parseJson(body);
  // The login is spent by any attempt that names it, so a failed or malformed try cannot be repeated with it.
  const named = typeof json === 'object' && json !== null && 'loginId' in json ? json.loginId : undefined;
  const login = typeof named === 'string' ? ctx.logins.take(named, at) : undefined;
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `the ${what} body does not match the protocol: ${describeIssue(parsed.error)}`,
    );
  const request = parsed.data;
  if (login === undefined)
    throw new HttpError(400, 'LOGIN_INVALID', 'the login is unknown, already used or expired; log in again');

  let sessionKey: string;
  try {
    ({ sessionKey } = ctx.opaque.server.finishLogin({
      serverLoginState: login.serverLoginState,
      finishLoginRequest: request.finishLoginRequest,
    }));
  } catch {
    throw new HttpError(401, 'AUTH_FAILED', 'the login does not finish: check the passphrase');
  }
  // A relayed login finishes, but its proof names the certificate the client saw, not ours.
  if (!macEquals(expectedProof(request, sessionKey), request.proof))
    throw new HttpError(401, 'AUTH_FAILED', 'the proof does not match this server (a man in the middle?)');
  ctx.limiter.finished(login.address, request.loginId);
  return { request, finish: (input) => mac2(sessionKey, input) };
}

/** A known hostId keeps its id and first registration time; anything else is a new host. */
function hostRecord(state: CsState, request: RegisterRequest, at: number): RegisteredHost {
  const known = request.host.hostId !== undefined ? state.get(request.host.hostId) : undefined;
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
