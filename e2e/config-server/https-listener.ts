import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';
import { certificateFingerprint } from '../../electron/engine/registration/registration-crypto';
import { REQUEST_TIMEOUT_MS } from '../../shared/registration-protocol';

// The TLS side of the reference server: a fresh self-signed certificate per start (clients pin its fingerprint
// through the proofs, not through a CA) and an HTTPS listener with the timeouts and limits the CS applies.

const MAX_CONNECTIONS = 256;

export interface TlsIdentity {
  key: string;
  cert: string;
  /** Lower-case hex SHA-256 of the leaf certificate DER, as clients compute it. */
  fingerprint: string;
}

export interface Listening {
  server: Server;
  port: number;
}

export async function createTlsIdentity(host: string): Promise<TlsIdentity> {
  const pems = await generate([{ name: 'commonName', value: host }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [isIP(host) ? { type: 7, ip: host } : { type: 2, value: host }] },
    ],
  });
  return {
    key: pems.private,
    cert: pems.cert,
    fingerprint: certificateFingerprint(new X509Certificate(pems.cert).raw),
  };
}

/** Resolves once bound; a request whose handler rejects is logged and its connection dropped. */
export async function listenHttps(
  identity: TlsIdentity,
  address: { host: string; port: number },
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  log: (line: string) => void,
): Promise<Listening> {
  const server = createServer(
    {
      key: identity.key,
      cert: identity.cert,
      minVersion: 'TLSv1.2',
      requestTimeout: REQUEST_TIMEOUT_MS,
      headersTimeout: REQUEST_TIMEOUT_MS,
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
      // The default 30 s sweep would let a slow client hold a connection twice as long as requestTimeout.
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        log(`internal error: ${(error as Error).stack ?? String(error)}`);
        req.socket.destroy();
      });
    },
  );
  server.maxConnections = MAX_CONNECTIONS;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`server error: ${error.message}`));
  return { server, port: (server.address() as AddressInfo).port };
}
