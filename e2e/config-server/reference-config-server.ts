import { loadOpaque } from '../../electron/engine/registration/registration-crypto';
import type { HandlerContext } from './cs-handlers';
import { CsState } from './cs-state';
import type { RegisteredHost } from './cs-state';
import { createRequestHandler } from './cs-router';
import { createTlsIdentity, listenHttps } from './https-listener';
import { LoginBook } from './login-book';
import { RateLimiter } from './rate-limiter';

// Reference configuration server for tests, e2e and newcomers: the server side of docs/protocol.md, kept small
// and strict so that a client which works against it works against the real CS. This file is its public
// face; the stages it composes live beside it (state, logins, rate limit, TLS listener, router, handlers).

export type { RegisteredHost } from './cs-state';

export interface ReferenceConfigServerOptions {
  /** Address to bind, IPv4 or IPv6 literal (default 127.0.0.1). */
  host?: string;
  /** 0 picks an ephemeral port (default 0). */
  port?: number;
  /**
   * Created with a random passphrase (mode 0600) when missing, as the CS's genpassphrase does. Read only to
   * make the OPAQUE credentials: when the state holds none yet, or when this file was missing.
   */
  passphraseFile: string;
  /** JSON state (OPAQUE server setup and record, registered hosts); loaded at start when present. */
  stateFile?: string;
  /** Clock for login expiry, rate limiting and timestamps, so tests need not wait. */
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

  const opaque = await loadOpaque();
  // Only the OPAQUE credentials are kept; the passphrase is read (if at all) to make them and then dropped.
  const state = await CsState.open({ stateFile: options.stateFile, passphraseFile: options.passphraseFile, log });
  const identity = await createTlsIdentity(host);
  const { fingerprint } = identity;
  const ctx: HandlerContext = {
    opaque,
    credentials: state.credentials,
    fingerprint,
    now,
    logins: new LoginBook(),
    limiter: new RateLimiter(),
    state,
  };
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
    registeredHosts: () => state.list(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
