import * as https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import type { CsEndpoint } from '../../../shared/cs-endpoint';
import { MAX_MESSAGE_BYTES, protocolErrorSchema } from '../../../shared/registration-protocol';
import { certificateFingerprint } from './registration-crypto';

// The transport of the registration protocol: one JSON POST over HTTPS, its limits (size, time), the
// fingerprint of the certificate on the very connection it travelled on, and the catalog error for every way
// it can fail. TLS is used for privacy, not identity (configuration servers use self-signed certificates);
// the OPAQUE login and the proofs bound to that fingerprint (cs-client.ts) are what authenticate the server.

export interface HttpAnswer {
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly body: unknown;
  readonly fingerprint: string;
}

export class ExchangeFailure extends Error {
  constructor(readonly error: SetupError) {
    super(error.message);
  }
}

export function unreachable(endpoint: CsEndpoint, why: string): ExchangeFailure {
  return new ExchangeFailure(
    setupError('CS_UNREACHABLE', `the configuration server at ${endpoint.display} cannot be reached: ${why}`),
  );
}

export function protocolError(endpoint: CsEndpoint, why: string): ExchangeFailure {
  return new ExchangeFailure(
    setupError('CS_PROTOCOL_ERROR', `the configuration server at ${endpoint.display} answered unexpectedly: ${why}`),
  );
}

export function cancelled(): ExchangeFailure {
  return new ExchangeFailure(
    setupError('CANCELLED', 'the exchange with the configuration server was cancelled; nothing was stored'),
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
export function post(
  endpoint: CsEndpoint,
  path: string,
  makeBody: (fingerprint: string) => unknown,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  if (signal?.aborted) return Promise.reject(cancelled());
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
      // eslint-disable-next-line no-restricted-syntax -- identity is proven by the OPAQUE login and the session-key proofs over this connection's certificate (docs/protocol.md)
      rejectUnauthorized: false,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
    });
    const deadline = setTimeout(() => {
      request.destroy();
      finish(unreachable(endpoint, `no answer within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    const onAbort = (): void => {
      request.destroy();
      finish(cancelled());
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

export function errorCode(answer: HttpAnswer): string | undefined {
  const parsed = protocolErrorSchema.safeParse(answer.body);
  return parsed.success ? parsed.data.error : undefined;
}

export function failureFromError(endpoint: CsEndpoint, answer: HttpAnswer): ExchangeFailure {
  const parsed = protocolErrorSchema.safeParse(answer.body);
  const code = parsed.success ? parsed.data.error : undefined;
  if (answer.status === 429 || code === 'RATE_LIMITED') {
    const seconds = Number(answer.retryAfter);
    const wait = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : 60;
    return new ExchangeFailure(
      setupError(
        'CS_RATE_LIMITED',
        `the configuration server at ${endpoint.display} refuses logins from this machine for ${wait} s after repeated unfinished attempts`,
        `Wait ${wait} seconds, check the passphrase (genpassphrase.exe -v on the CS), then try again.`,
      ),
    );
  }
  if (answer.status === 401 || code === 'AUTH_FAILED') {
    return new ExchangeFailure(
      setupError(
        'CS_AUTH_FAILED',
        `the configuration server at ${endpoint.display} refused the login's proof (AUTH_FAILED): it sees another TLS certificate than this machine does (a man in the middle?), or its passphrase changed meanwhile; nothing was stored`,
        'Check that nothing intercepts HTTPS between this machine and the configuration server, then check the passphrase (genpassphrase.exe -v) and try again.',
      ),
    );
  }
  const detail = parsed.success
    ? `${parsed.data.error}${parsed.data.message ? `: ${parsed.data.message}` : ''}`
    : 'no error code';
  return protocolError(endpoint, `HTTP ${answer.status} (${detail})`);
}
