import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

// Misbehaving peers for the configurator's tests: a TLS man in the middle, a silent peer, a closed port,
// and an HTTPS server whose answers a test scripts.

export async function selfSignedPems(commonName = '127.0.0.1'): Promise<{ key: string; cert: string }> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
  });
  return { key: pems.private, cert: pems.cert };
}

export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

function track(server: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

/** Terminates TLS with its own certificate and relays the plaintext to the real server over a new TLS connection. */
export async function startTlsRelay(targetPort: number): Promise<RunningServer & { relayed(): number }> {
  const pems = await selfSignedPems();
  let relayed = 0;
  const server = tls.createServer({ key: pems.key, cert: pems.cert }, (client) => {
    relayed++;
    // eslint-disable-next-line no-restricted-syntax -- the attacker in this test does not care whom it talks to
    const upstream = tls.connect({ host: '127.0.0.1', port: targetPort, rejectUnauthorized: false });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  const sockets = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    relayed: () => relayed,
    close: () => closeServer(server, sockets),
  };
}

/** Accepts TCP connections and never says anything. */
export async function startSilentPeer(): Promise<RunningServer> {
  const server = net.createServer(() => undefined);
  const sockets = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server, sockets) };
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export type ScriptedAnswer = { status: number; body: string; headers?: Record<string, string> };

/** An HTTPS server that answers each request as the test says. */
export async function startScriptedServer(
  answer: (path: string, body: string) => ScriptedAnswer,
): Promise<RunningServer & { requests(): string[] }> {
  const pems = await selfSignedPems();
  const seen: string[] = [];
  const server = https.createServer(
    { key: pems.key, cert: pems.cert },
    (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push(`${request.url} ${body}`);
        const reply = answer(request.url ?? '', body);
        response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        response.end(reply.body);
      });
    },
  );
  const sockets = track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    requests: () => seen,
    close: () => closeServer(server, sockets),
  };
}
