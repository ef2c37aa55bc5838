import { setupError, type SetupError } from '../../../shared/error-catalog';
import type { CsEndpoint } from '../../../shared/cs-endpoint';
import '../../../shared/zod-english';
import {
  LOGIN_START_PATH,
  loginStartResponseSchema,
  PROTOCOL_VERSION,
  REGISTER_PATH,
  registeredProofInput,
  registerProofInput,
  registerResponseSchema,
  REQUEST_TIMEOUT_MS,
  UNREGISTER_PATH,
  unregisteredProofInput,
  unregisterProofInput,
  unregisterResponseSchema,
  type HostInfo,
} from '../../../shared/registration-protocol';
import { loadOpaque, mac2, macEquals } from './registration-crypto';

import { errorCode, ExchangeFailure, failureFromError, post, protocolError, type HttpAnswer } from './cs-transport';

// The client half of registration protocol v2. TLS is used for privacy, not for identity: configuration
// servers use self-signed certificates, so the chain is not checked. Identity comes from an OPAQUE login,
// which succeeds only against a server holding the record made from this passphrase (anyone else learns
// nothing to test guesses against, and we send nothing after a failed login), and from proofs under the
// login's session key bound to the fingerprint of the certificate on the very connection a request is sent
// on: a man in the middle with his own certificate can relay the login but not the proofs.

export interface RegistrationSuccess {
  readonly ok: true;
  readonly hostId: string;
  readonly fingerprint: string;
}

export type RegistrationResult = RegistrationSuccess | { readonly ok: false; readonly error: SetupError };

export interface UnregistrationSuccess {
  readonly ok: true;
  /**
   * 'unregistered': the server proved it removed the host. 'already-gone': after the login the server said
   * HOST_UNKNOWN, which carries no proof (docs/protocol.md "Security properties and limits").
   */
  readonly outcome: 'unregistered' | 'already-gone';
  readonly fingerprint: string;
}

export type UnregistrationResult = UnregistrationSuccess | { readonly ok: false; readonly error: SetupError };

export interface ExchangeOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

interface Login {
  readonly loginId: string;
  readonly finishLoginRequest: string;
  readonly sessionKey: string;
}

/**
 * login/start, then the client's half of the OPAQUE login. A server that does not hold this passphrase's
 * record (or a wrong passphrase) fails here, before anything that depends on the passphrase is sent.
 */
async function logIn(
  endpoint: CsEndpoint,
  passphrase: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Login> {
  const { client } = await loadOpaque();
  const { clientLoginState, startLoginRequest } = client.startLogin({ password: passphrase });
  const answer = await post(endpoint, LOGIN_START_PATH, () => ({ startLoginRequest }), timeoutMs, signal);
  if (answer.status === 404)
    throw new ExchangeFailure(
      setupError(
        'CS_PROTOCOL_ERROR',
        `the configuration server at ${endpoint.display} does not speak registration protocol version ${PROTOCOL_VERSION} (HTTP 404 on ${LOGIN_START_PATH}); this configurator speaks only version ${PROTOCOL_VERSION} and does not fall back to version 1`,
        `Update the configuration server to a version that supports registration protocol ${PROTOCOL_VERSION}, then try again.`,
      ),
    );
  if (answer.status !== 200) {
    if (errorCode(answer) === 'LOGIN_INVALID')
      throw protocolError(endpoint, 'LOGIN_INVALID in answer to a login start');
    throw failureFromError(endpoint, answer);
  }
  const parsed = loginStartResponseSchema.safeParse(answer.body);
  if (!parsed.success) {
    const spoken = (answer.body as { protocol?: unknown } | null)?.protocol;
    if (typeof spoken === 'number' && spoken !== PROTOCOL_VERSION)
      throw protocolError(
        endpoint,
        `it speaks registration protocol version ${spoken}; this configurator speaks only version ${PROTOCOL_VERSION}`,
      );
    throw protocolError(endpoint, `its login answer is malformed (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  let finished: ReturnType<typeof client.finishLogin>;
  try {
    finished = client.finishLogin({ clientLoginState, loginResponse: parsed.data.loginResponse, password: passphrase });
  } catch {
    throw protocolError(endpoint, 'its OPAQUE login response cannot be read');
  }
  if (finished === undefined)
    throw new ExchangeFailure(
      setupError(
        'CS_AUTH_FAILED',
        `the login with the configuration server at ${endpoint.display} failed: the passphrase is wrong, or the server is not the configuration server set up with it; nothing further was sent`,
        'Check the passphrase on the configuration server (genpassphrase.exe -v) and that the IP address is your configuration server, then try again.',
      ),
    );
  return {
    loginId: parsed.data.loginId,
    finishLoginRequest: finished.finishLoginRequest,
    sessionKey: finished.sessionKey,
  };
}

/**
 * A login and the request that finishes it. A login the server no longer knows (LOGIN_INVALID: expired,
 * used, or the CS restarted in between) earns one fresh exchange (docs/protocol.md).
 */
async function loginAndFinish(
  endpoint: CsEndpoint,
  passphrase: string,
  path: string,
  makeFields: (login: Login, fingerprint: string) => Record<string, unknown>,
  options: ExchangeOptions,
  firstLogin?: Promise<Login>,
): Promise<{ login: Login; answer: HttpAnswer }> {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    const login =
      attempt === 1 && firstLogin ? await firstLogin : await logIn(endpoint, passphrase, timeoutMs, options.signal);
    const answer = await post(
      endpoint,
      path,
      (fingerprint) => ({
        loginId: login.loginId,
        finishLoginRequest: login.finishLoginRequest,
        ...makeFields(login, fingerprint),
      }),
      timeoutMs,
      options.signal,
    );
    if (answer.status !== 400 || errorCode(answer) !== 'LOGIN_INVALID') return { login, answer };
    if (attempt === 2) throw protocolError(endpoint, 'it refused two fresh logins in a row (LOGIN_INVALID)');
  }
}

function impostor(endpoint: CsEndpoint, nothingDone: string): ExchangeFailure {
  return new ExchangeFailure(
    setupError(
      'CS_AUTH_FAILED',
      `the server at ${endpoint.display} could not prove it took part in this login over this certificate (an impostor, or a man in the middle); ${nothingDone}`,
      'Check that the IP address is your configuration server and that nothing intercepts HTTPS between this machine and it; then check the passphrase.',
    ),
  );
}

async function settle<T extends { ok: true }>(
  exchange: () => Promise<T>,
): Promise<T | { readonly ok: false; readonly error: SetupError }> {
  try {
    return await exchange();
  } catch (error) {
    if (error instanceof ExchangeFailure) return { ok: false, error: error.error };
    throw error;
  }
}

/** Logs in, registers and checks the server's proof. Nothing is stored here. */
export function registerWithCs(
  endpoint: CsEndpoint,
  passphrase: string,
  host: HostInfo,
  options: ExchangeOptions = {},
): Promise<RegistrationResult> {
  return loginForRegistration(endpoint, passphrase, options).register(host);
}

export interface PendingRegistration {
  /** Finishes the login with the registration of `host`, and checks the server's proof. */
  register(host: HostInfo): Promise<RegistrationResult>;
}

/**
 * Starts the login now and registers later: the login's key stretching (most of a registration's CPU) runs
 * while the caller finishes something else. A login that has expired by then earns one fresh login.
 */
export function loginForRegistration(
  endpoint: CsEndpoint,
  passphrase: string,
  options: ExchangeOptions = {},
): PendingRegistration {
  const firstLogin = logIn(endpoint, passphrase, options.timeoutMs ?? REQUEST_TIMEOUT_MS, options.signal);
  // Its failure is reported by register(); until then it must not count as unhandled.
  firstLogin.catch(() => undefined);
  return { register: (host) => finishRegistration(endpoint, passphrase, host, options, firstLogin) };
}

function finishRegistration(
  endpoint: CsEndpoint,
  passphrase: string,
  host: HostInfo,
  options: ExchangeOptions,
  firstLogin: Promise<Login>,
): Promise<RegistrationResult> {
  return settle(async () => {
    const { login, answer } = await loginAndFinish(
      endpoint,
      passphrase,
      REGISTER_PATH,
      ({ loginId, sessionKey }, fingerprint) => ({
        host,
        proof: mac2(sessionKey, registerProofInput(loginId, fingerprint, host.hostName)),
      }),
      options,
      firstLogin,
    );
    if (answer.status !== 200) throw failureFromError(endpoint, answer);
    const parsed = registerResponseSchema.safeParse(answer.body);
    if (!parsed.success)
      throw protocolError(
        endpoint,
        `its registration answer is malformed (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    const { hostId, serverProof } = parsed.data;
    const expected = mac2(login.sessionKey, registeredProofInput(login.loginId, answer.fingerprint, hostId));
    if (!macEquals(expected, serverProof)) throw impostor(endpoint, 'nothing was stored');
    return { ok: true, hostId, fingerprint: answer.fingerprint };
  });
}

/**
 * Logs in and asks the server to forget `hostId`, checking its proof. Removing the local registration is the
 * caller's business, once this succeeds.
 */
export function unregisterFromCs(
  endpoint: CsEndpoint,
  passphrase: string,
  hostId: string,
  options: ExchangeOptions = {},
): Promise<UnregistrationResult> {
  return settle(async () => {
    const { login, answer } = await loginAndFinish(
      endpoint,
      passphrase,
      UNREGISTER_PATH,
      ({ loginId, sessionKey }, fingerprint) => ({
        hostId,
        proof: mac2(sessionKey, unregisterProofInput(loginId, fingerprint, hostId)),
      }),
      options,
    );
    // HOST_UNKNOWN by its code, not its status: a 404 alone may be a server without this path.
    if (answer.status === 404 && errorCode(answer) === 'HOST_UNKNOWN')
      return { ok: true, outcome: 'already-gone', fingerprint: answer.fingerprint };
    if (answer.status !== 200) throw failureFromError(endpoint, answer);
    const parsed = unregisterResponseSchema.safeParse(answer.body);
    if (!parsed.success)
      throw protocolError(
        endpoint,
        `its unregistration answer is malformed (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      );
    const expected = mac2(login.sessionKey, unregisteredProofInput(login.loginId, answer.fingerprint, hostId));
    if (!macEquals(expected, parsed.data.serverProof))
      throw impostor(endpoint, 'the host may still be registered there');
    return { ok: true, outcome: 'unregistered', fingerprint: answer.fingerprint };
  });
}
