import { randomUUID, X509Certificate } from 'node:crypto';
import * as https from 'node:https';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import {
  certificateFingerprint,
  createOpaqueCredentials,
  loadOpaque,
  mac2,
  macEquals,
  newLoginId,
} from '../registration/registration-crypto';
import {
  LOGIN_START_PATH,
  OPAQUE_USER_IDENTIFIER,
  PROTOCOL_VERSION,
  REGISTER_PATH,
  registeredProofInput,
  registerProofInput,
  UNREGISTER_PATH,
  unregisteredProofInput,
  unregisterProofInput,
} from '../../../shared/registration-protocol';

// Misbehaving peers for the configurator's tests: a TLS man in the middle, a silent peer, a closed port,
// an HTTPS server whose answers a test scripts, and a minimal protocol v2 server to script around.

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
/** `fingerprint` is the server's own certificate's, as a configuration server binds its proofs to it. */
export type ScriptedHandler = (path: string, body: string, fingerprint: string) => ScriptedAnswer;

/** An HTTPS server that answers each request as the test says; requests() lists "path body" as received. */
export async function startScriptedServer(
  answer: ScriptedHandler,
): Promise<RunningServer & { requests(): string[]; fingerprint: string }> {
  const pems = await selfSignedPems();
  const fingerprint = certificateFingerprint(new X509Certificate(pems.cert).raw);
  const seen: string[] = [];
  const server = https.createServer(
    { key: pems.key, cert: pems.cert },
    (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        seen.push(`${request.url} ${body}`);
        const reply = answer(request.url ?? '', body, fingerprint);
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
    fingerprint,
    close: () => closeServer(server, sockets),
  };
}

const json = (status: number, body: unknown): ScriptedAnswer => ({ status, body: JSON.stringify(body) });

/**
 * The happy path of protocol v2 for startScriptedServer, with an OPAQUE server setup and record made from
 * `passphrase` (so a different passphrase makes a server that does not hold the client's record). No checks
 * beyond the login and the proofs, no rate limit: tests wrap it to bend one answer. `hostIds` are the hosts
 * it knows; registering adds one.
 */
export async function opaqueCsScript(passphrase: string, hostIds: string[] = []): Promise<ScriptedHandler> {
  const { server } = await loadOpaque();
  const { serverSetup, registrationRecord } = await createOpaqueCredentials(passphrase);
  const logins = new Map<string, string>();
  const known = new Set(hostIds);
  /** The session key of the login the body finishes, if its proof over `proofInput` checks out. */
  const finish = (request: Record<string, string>, proofInput: (loginId: string) => string): string | undefined => {
    const serverLoginState = logins.get(request.loginId ?? '');
    logins.delete(request.loginId ?? '');
    if (serverLoginState === undefined) return undefined;
    try {
      const { sessionKey } = server.finishLogin({
        serverLoginState,
        finishLoginRequest: request.finishLoginRequest ?? '',
      });
      return macEquals(mac2(sessionKey, proofInput(request.loginId ?? '')), request.proof ?? '')
        ? sessionKey
        : undefined;
    } catch {
      return undefined;
    }
  };
  return (path, body, fingerprint) => {
    const request = JSON.parse(body) as Record<string, string> & { host?: { hostName: string; hostId?: string } };
    if (path === LOGIN_START_PATH) {
      const { serverLoginState, loginResponse } = server.startLogin({
        serverSetup,
        registrationRecord,
        startLoginRequest: request.startLoginRequest ?? '',
        userIdentifier: OPAQUE_USER_IDENTIFIER,
      });
      const loginId = newLoginId();
      logins.set(loginId, serverLoginState);
      return json(200, { protocol: PROTOCOL_VERSION, loginId, loginResponse });
    }
    if (path === REGISTER_PATH) {
      const hostName = request.host?.hostName ?? '';
      const sessionKey = finish(request, (loginId) => registerProofInput(loginId, fingerprint, hostName));
      if (sessionKey === undefined) return json(401, { error: 'AUTH_FAILED' });
      const hostId =
        request.host?.hostId !== undefined && known.has(request.host.hostId) ? request.host.hostId : randomUUID();
      known.add(hostId);
      const serverProof = mac2(sessionKey, registeredProofInput(request.loginId ?? '', fingerprint, hostId));
      return json(200, { hostId, serverProof });
    }
    if (path === UNREGISTER_PATH) {
      const hostId = request.hostId ?? '';
      const sessionKey = finish(request, (loginId) => unregisterProofInput(loginId, fingerprint, hostId));
      if (sessionKey === undefined) return json(401, { error: 'AUTH_FAILED' });
      if (!known.delete(hostId)) return json(404, { error: 'HOST_UNKNOWN' });
      return json(200, {
        serverProof: mac2(sessionKey, unregisteredProofInput(request.loginId ?? '', fingerprint, hostId)),
      });
    }
    return json(404, { error: 'BAD_REQUEST', message: 'unknown path' });
  };
}
