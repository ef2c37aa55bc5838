import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import type { CsEndpoint } from '../../../shared/cs-endpoint';
import {
  CHALLENGE_PATH,
  challengeResponseSchema,
  MAX_MESSAGE_BYTES,
  protocolErrorSchema,
  REGISTER_PATH,
  registerProofInput,
  registerResponseSchema,
  REQUEST_TIMEOUT_MS,
  serverProofInput,
  type HostInfo,
} from '../../../shared/registration-protocol';
import { certificateFingerprint, mac, macEquals, newNonce } from './registration-crypto';

// The client half of registration protocol v1. TLS is used for privacy, not for identity: configuration
// servers use self-signed certificates, so the chain is not checked. Identity comes from the proofs, which
// are bound to the fingerprint of the certificate on the very connection a request is sent on; a man in the
// middle with his own certificate therefore cannot make or relay a proof, and the passphrase never travels.

export interface RegistrationSuccess {
  readonly ok: true;
  readonly hostId: string;
  readonly fingerprint: string;
}

export type RegistrationResult = RegistrationSuccess | { readonly ok: false; readonly error: SetupError };

interface HttpAnswer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: unknown;
  readonly fingerprint: string;
}

class ExchangeFailure extends Error {
  constructor(readonly error: SetupError) {
    super(error.message);
  }
}

function unreachable(endpoint: CsEndpoint, why: string): ExchangeFailure {
  return new ExchangeFailure(
    setupError('CS_UNREACHABLE', `the configuration server at ${endpoint.display} cannot be reached: ${why}`),
  );
}

function protocolError(endpoint: CsEndpoint, why: string): ExchangeFailure {
  return new ExchangeFailure(
    setupError('CS_PROTOCOL_ERROR', `the configuration server at ${endpoint.display} answered unexpectedly: ${why}`),
  );
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens on that port)';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no route to the address (${error.code})`;
    case 'ECONNRESET':
      return "the connection was reset (is this the configuration server's HTTPS port?)";
    case 'EADDRNOTAVAIL':
      return 'the address is not available from this machine';
    default:
      if (error.code?.startsWith('ERR_SSL') || error.code === 'EPROTO' || /SSL|TLS/i.test(error.message)) {
        return `the TLS handshake failed (${error.message.split('\n')[0]}); is this the configuration server's HTTPS port?`;
      }
      return `${error.code ?? 'error'}: ${error.message}`;
  }
}

/**
 * POSTs JSON on a fresh connection. The body is made only once the TLS handshake is done, from the
 * fingerprint of the certificate this connection presented.
 */
function post(
  endpoint: CsEndpoint,
  path: string,
  makeBody: (fingerprint: string) => unknown,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    let fingerprint = '';
    let settled = false;
    const finish = (error: Error | undefined, answer?: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(answer as HttpAnswer);
    };
    const request = https.request({
      host: endpoint.host,
      port: endpoint.port,
      family: endpoint.family,
      method: 'POST',
      path,
      agent: false,
      minVersion: 'TLSv1.2',
      // eslint-disable-next-line no-restricted-syntax -- identity is proven by the passphrase-bound proofs over this connection's certificate (docs/protocol.md)
      rejectUnauthorized: false,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    const deadline = setTimeout(() => {
      request.destroy();
      finish(unreachable(endpoint, `no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const onAbort = (): void => {
      request.destroy();
      finish(new ExchangeFailure(setupError('CANCELLED', 'registration was cancelled; nothing was stored')));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('socket', (socket) => {
      (socket as TLSSocket).once('secureConnect', () => {
        const certificate = (socket as TLSSocket).getPeerCertificate();
        if (!certificate?.raw) {
          request.destroy();
          finish(protocolError(endpoint, 'it presented no certificate'));
          return;
        }
        fingerprint = certificateFingerprint(certificate.raw);
        const body = Buffer.from(JSON.stringify(makeBody(fingerprint)), 'utf8');
        request.setHeader('content-length', body.length);
        request.end(body);
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => finish(unreachable(endpoint, describeNetworkError(error))));
    request.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_MESSAGE_BYTES) {
          request.destroy();
          finish(protocolError(endpoint, `its answer is larger than ${MAX_MESSAGE_BYTES / 1024} KiB`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', (error: NodeJS.ErrnoException) =>
        finish(unreachable(endpoint, describeNetworkError(error))),
      );
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          finish(protocolError(endpoint, `HTTP ${response.statusCode} with a body that is not JSON`));
          return;
        }
        const retry = response.headers['retry-after'];
        finish(undefined, {
          status: response.statusCode ?? 0,
          retryAfter: Array.isArray(retry) ? retry[0] : retry,
          body,
          fingerprint,
        });
      });
    });
  });
}

function failureFromError(endpoint: CsEndpoint, answer: HttpAnswer): ExchangeFailure | 'nonce-invalid' {
  const parsed = protocolErrorSchema.safeParse(answer.body);
  const code = parsed.success ? parsed.data.error : undefined;
  if (answer.status === 429 || code === 'RATE_LIMITED') {
    const seconds = Number(answer.retryAfter);
    const wait = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 60;
    return new ExchangeFailure(
      setupError(
        'CS_RATE_LIMITED',
        `the configuration server at ${endpoint.display} refuses registrations from this machine for ${wait} s after repeated failed attempts`,
        `Wait ${wait} seconds, check the passphrase (genpassphrase.exe -v on the CS), then try again.`,
      ),
    );
  }
  if (answer.status === 401 || code === 'AUTH_FAILED') {
    return new ExchangeFailure(
      setupError('CS_AUTH_FAILED', `the configuration server at ${endpoint.display} rejected the passphrase`),
    );
  }
  if (answer.status === 400 && code === 'NONCE_INVALID') return 'nonce-invalid';
  const detail = parsed.success
    ? `${parsed.data.error}${parsed.data.message ? `: ${parsed.data.message}` : ''}`
    : 'no error code';
  return protocolError(endpoint, `HTTP ${answer.status} (${detail})`);
}

/** Runs challenge + register and checks the server's proof. Nothing is stored here. */
export async function registerWithCs(
  endpoint: CsEndpoint,
  key: Buffer,
  host: HostInfo,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<RegistrationResult> {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  try {
    // A server nonce that expired or was used in between earns one fresh attempt (docs/protocol.md).
    for (let attempt = 1; attempt <= 2; attempt++) {
      const challenge = await post(endpoint, CHALLENGE_PATH, () => ({}), timeoutMs, options.signal);
      if (challenge.status !== 200) {
        const failure = failureFromError(endpoint, challenge);
        throw failure === 'nonce-invalid' ? protocolError(endpoint, 'NONCE_INVALID from the challenge') : failure;
      }
      const parsedChallenge = challengeResponseSchema.safeParse(challenge.body);
      if (!parsedChallenge.success)
        throw protocolError(
          endpoint,
          `its challenge is malformed (${parsedChallenge.error.issues[0]?.message ?? 'invalid'})`,
        );
      const serverNonce = parsedChallenge.data.serverNonce;
      const clientNonce = newNonce();
      const answer = await post(
        endpoint,
        REGISTER_PATH,
        (fingerprint) => ({
          serverNonce,
          clientNonce,
          host,
          proof: mac(key, registerProofInput(serverNonce, clientNonce, fingerprint, host.hostName)),
        }),
        timeoutMs,
        options.signal,
      );
      if (answer.status !== 200) {
        const failure = failureFromError(endpoint, answer);
        if (failure === 'nonce-invalid') {
          if (attempt === 1) continue;
          throw protocolError(endpoint, 'it refused two fresh server nonces in a row (NONCE_INVALID)');
        }
        throw failure;
      }
      const parsed = registerResponseSchema.safeParse(answer.body);
      if (!parsed.success)
        throw protocolError(
          endpoint,
          `its registration answer is malformed (${parsed.error.issues[0]?.message ?? 'invalid'})`,
        );
      const expected = mac(key, serverProofInput(clientNonce, serverNonce, answer.fingerprint, parsed.data.hostId));
      if (!macEquals(expected, parsed.data.serverProof)) {
        throw new ExchangeFailure(
          setupError(
            'CS_AUTH_FAILED',
            `the server at ${endpoint.display} could not prove it knows the passphrase (an impostor, or a man in the middle); nothing was stored`,
            'Check that the IP address is your configuration server and that nothing intercepts HTTPS between this machine and it; then check the passphrase.',
          ),
        );
      }
      return { ok: true, hostId: parsed.data.hostId, fingerprint: answer.fingerprint };
    }
    throw protocolError(endpoint, 'no registration after two attempts');
  } catch (error) {
    if (error instanceof ExchangeFailure) return { ok: false, error: error.error };
    throw error;
  }
}
