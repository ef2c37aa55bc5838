import { passphraseKey } from '../../electron/engine/registration/registration-crypto';
import type { HandlerContext } from './cs-handlers';
import { HostStore, loadOrCreatePassphrase } from './cs-state';
import type { RegisteredHost } from './cs-state';
import { createRequestHandler } from './cs-router';
import { createTlsIdentity, listenHttps } from './https-listener';
import { NonceBook } from './nonce-book';
import { RateLimiter } from './rate-limiter';

// Reference configuration server for tests, e2e and newcomers: the server side of docs/protocol.md, kept small
// and strict so that a client which works against it works against the real CS. This file is its public
// face; the stages it composes live beside it (state, nonces, rate limit, TLS listener, router, handlers).

export type { RegisteredHost } from './cs-state';

export interface ReferenceConfigServerOptions {
  /** Address to bind, IPv4 or IPv6 literal (default 127.0.0.1). */
  host?: string;
  /** 0 picks an ephemeral port (default 0). */
  port?: number;
  /** Created with a random passphrase (mode 0600) when missing, as the CS's genpassphrase does. */
  passphraseFile: string;
  /** JSON record of registered hosts; loaded at start when present. */
  stateFile?: string;
  /** Clock for nonce expiry, rate limiting and timestamps, so tests need not wait. */
  now?: () => number;
  log?: (line: string) => void;
}

export interface ReferenceConfigServer {
  /** https://HOST:PORT, IPv6 hosts in brackets. */
  url: string;
  host: string;
  port: number;
  /** Lower-case hex SHA-256 of the leaf certificate DER, as clients compute it. */
  fingerprint: string;
  close(): Promise<void>;
  registeredHosts(): RegisteredHost[];
}

export async function startReferenceConfigServer(
  options: ReferenceConfigServerOptions,
): Promise<ReferenceConfigServer> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const log = options.log ?? ((): void => undefined);

  // Only the derived key is kept in memory; the passphrase itself is never needed again.
  const key = passphraseKey(loadOrCreatePassphrase(options.passphraseFile, log));
  const hosts = new HostStore(options.stateFile, log);
  const identity = await createTlsIdentity(host);
  const { fingerprint } = identity;
  const ctx: HandlerContext = { key, fingerprint, now, nonces: new NonceBook(), limiter: new RateLimiter(), hosts };
  const { server, port } = await listenHttps(
    identity,
    { host, port: options.port ?? 0 },
    createRequestHandler(ctx, log),
    log,
  );

  let closing: Promise<void> | undefined;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    fingerprint,
    registeredHosts: () => hosts.list(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
