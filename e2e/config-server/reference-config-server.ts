import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { generate } from 'selfsigned';
import { z } from 'zod';
import { readJsonIfPresent, writeFileAtomic } from '../../electron/engine/system/atomic-file';
import {
  certificateFingerprint,
  mac,
  macEquals,
  newNonce,
  normalisePassphrase,
  passphraseKey,
} from '../../electron/engine/registration/registration-crypto';
import {
  CHALLENGE_PATH,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  RATE_LIMIT_FAILURES,
  RATE_LIMIT_WINDOW_MS,
  REGISTER_PATH,
  REQUEST_TIMEOUT_MS,
  SERVER_NONCE_TTL_MS,
  hostInfoSchema,
  registerProofInput,
  registerRequestSchema,
  registerResponseSchema,
  serverProofInput,
} from '../../shared/registration-protocol';
import type { ChallengeResponse, RegisterResponse, ServerErrorCode } from '../../shared/registration-protocol';

// Reference configuration server for tests, e2e and newcomers: the server side of PROTOCOL.md, kept small
// and strict so that a client which works against it works against the real CS.

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

export interface RegisteredHost {
  hostId: string;
  hostName: string;
  os: string;
  agentVersion: string;
  role: 'MS' | 'MT';
  platform: 'VmWare' | 'Azure';
  ipAddresses: string[];
  registeredAt: string;
  lastSeenAt: string;
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

const registeredHostSchema = hostInfoSchema.extend({
  hostId: registerResponseSchema.shape.hostId,
  registeredAt: z.string(),
  lastSeenAt: z.string(),
});
const stateSchema = z.object({ hosts: z.array(registeredHostSchema) });

// Beyond the protocol's 64 KiB the body is discarded, not kept; this much is still drained so the client
// reads the error instead of a TCP reset (closing on unread bytes resets the connection).
const MAX_DRAINED_BYTES = 1024 * 1024;
// Bounds on what unauthenticated callers can make the server remember.
const MAX_OUTSTANDING_NONCES = 10_000;
const MAX_TRACKED_ADDRESSES = 10_000;
const MAX_CONNECTIONS = 256;

// 'over-limit': more than the caller wanted to keep; drained means read to the end (the connection is reusable).
type BodyResult = { kind: 'complete'; body: Buffer } | { kind: 'over-limit'; drained: boolean } | { kind: 'aborted' };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ServerErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export async function startReferenceConfigServer(
  options: ReferenceConfigServerOptions,
): Promise<ReferenceConfigServer> {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? Date.now;
  const log = options.log ?? ((): void => undefined);
  const stateFile = options.stateFile;

  // Only the derived key is kept in memory; the passphrase itself is never needed again.
  const key = passphraseKey(loadOrCreatePassphrase(options.passphraseFile, log));
  const hosts = new Map<string, RegisteredHost>();
  if (stateFile !== undefined) {
    for (const record of loadState(stateFile)) hosts.set(record.hostId, record);
    log(`state ${stateFile}: ${hosts.size} registered host(s) loaded`);
  }

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
  const fingerprint = certificateFingerprint(new X509Certificate(pems.cert).raw);

  const nonces = new Map<string, number>(); // serverNonce -> expiry; insertion order is issue order
  const failures = new Map<string, number[]>(); // remote address -> times of failed proofs in the window

  function purgeExpired(at: number): void {
    for (const [nonce, expiresAt] of nonces) {
      if (expiresAt > at && nonces.size <= MAX_OUTSTANDING_NONCES) break;
      nonces.delete(nonce);
    }
    for (const [address, times] of failures) {
      const recent = times.filter((time) => at - time < RATE_LIMIT_WINDOW_MS);
      if (recent.length === 0 || failures.size > MAX_TRACKED_ADDRESSES) failures.delete(address);
      else failures.set(address, recent);
    }
  }

  function rateLimit(address: string, at: number): HttpError | undefined {
    const times = (failures.get(address) ?? []).filter((time) => at - time < RATE_LIMIT_WINDOW_MS);
    if (times.length < RATE_LIMIT_FAILURES) return undefined;
    const oldest = Math.min(...times);
    const retryAfter = Math.max(1, Math.ceil((oldest + RATE_LIMIT_WINDOW_MS - at) / 1000));
    return new HttpError(429, 'RATE_LIMITED', `too many failed proofs from this address; retry in ${retryAfter} s`, {
      'Retry-After': String(retryAfter),
    });
  }

  function persist(records: Iterable<RegisteredHost>): void {
    if (stateFile === undefined) return;
    writeFileAtomic(stateFile, `${JSON.stringify({ hosts: [...records] }, null, 2)}\n`, 0o600);
  }

  function challenge(body: Buffer): ChallengeResponse {
    const at = now();
    purgeExpired(at);
    if (!z.object({}).safeParse(parseJson(body)).success)
      throw new HttpError(400, 'BAD_REQUEST', 'the challenge body must be a JSON object ({})');
    const serverNonce = newNonce();
    nonces.set(serverNonce, at + SERVER_NONCE_TTL_MS);
    return { protocol: PROTOCOL_VERSION, serverNonce };
  }

  function register(body: Buffer, address: string): { response: RegisterResponse; hostName: string } {
    const at = now();
    purgeExpired(at);
    // Checked again here: concurrent attempts admitted before the fifth failure must not get extra guesses.
    const limited = rateLimit(address, at);
    if (limited !== undefined) throw limited;
    const json = parseJson(body);
    // The nonce is spent by any attempt that names it, so a failed or malformed try cannot be replayed.
    const named = typeof json === 'object' && json !== null && 'serverNonce' in json ? json.serverNonce : undefined;
    const expiresAt = typeof named === 'string' ? nonces.get(named) : undefined;
    if (typeof named === 'string') nonces.delete(named);
    const parsed = registerRequestSchema.safeParse(json);
    if (!parsed.success)
      throw new HttpError(
        400,
        'BAD_REQUEST',
        `the register body does not match the protocol: ${describeIssue(parsed.error)}`,
      );
    const request = parsed.data;
    if (expiresAt === undefined || at >= expiresAt)
      throw new HttpError(
        400,
        'NONCE_INVALID',
        'the server nonce is unknown, already used or expired; ask for a new challenge',
      );

    const expected = mac(
      key,
      registerProofInput(request.serverNonce, request.clientNonce, fingerprint, request.host.hostName),
    );
    if (!macEquals(expected, request.proof)) {
      const times = (failures.get(address) ?? []).filter((time) => at - time < RATE_LIMIT_WINDOW_MS);
      failures.delete(address); // re-insert so eviction order follows the latest failure
      failures.set(address, [...times, at]);
      throw new HttpError(401, 'AUTH_FAILED', 'the proof does not match: check the passphrase');
    }

    const known = request.host.hostId !== undefined ? hosts.get(request.host.hostId) : undefined;
    const hostId = known?.hostId ?? randomUUID();
    const stamp = new Date(at).toISOString();
    const { hostName, os, agentVersion, role, platform, ipAddresses } = request.host;
    const record: RegisteredHost = {
      hostId,
      hostName,
      os,
      agentVersion,
      role,
      platform,
      ipAddresses: [...ipAddresses],
      registeredAt: known?.registeredAt ?? stamp,
      lastSeenAt: stamp,
    };
    // Written before the reply: a host told it is registered must survive a restart.
    persist([...[...hosts.values()].filter((h) => h.hostId !== hostId), record]);
    hosts.delete(hostId);
    hosts.set(hostId, record);
    return {
      response: {
        hostId,
        serverProof: mac(key, serverProofInput(request.clientNonce, request.serverNonce, fingerprint, hostId)),
      },
      hostName,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const address = remoteAddress(req);
    const url = req.url ?? '';
    const route = url === CHALLENGE_PATH ? 'challenge' : url === REGISTER_PATH ? 'register' : undefined;
    let describe = `${req.method ?? '?'} ${JSON.stringify(url.slice(0, 200))}`;
    let failure: HttpError | undefined;
    if (route === undefined)
      failure = new HttpError(
        404,
        'BAD_REQUEST',
        `unknown path; the protocol serves ${CHALLENGE_PATH} and ${REGISTER_PATH}`,
      );
    else if (req.method !== 'POST')
      failure = new HttpError(405, 'BAD_REQUEST', `${route} takes POST`, { Allow: 'POST' });
    // A limited address is refused before its body is looked at: no nonce spent, no proof checked.
    else if (route === 'register') failure = rateLimit(address, now());
    if (failure === undefined && !isJsonContentType(req.headers['content-type']))
      failure = new HttpError(400, 'BAD_REQUEST', 'content-type must be application/json');

    const declared = Number(req.headers['content-length'] ?? 0);
    const result = await readBody(req, failure === undefined && declared <= MAX_MESSAGE_BYTES ? MAX_MESSAGE_BYTES : 0);
    if (result.kind === 'aborted') return;
    if (result.kind === 'over-limit' && failure === undefined)
      failure = new HttpError(413, 'BAD_REQUEST', `the body exceeds ${MAX_MESSAGE_BYTES} bytes`);
    if (result.kind === 'over-limit' && !result.drained) res.shouldKeepAlive = false;

    let status = 200;
    let payload: unknown;
    try {
      if (failure !== undefined) throw failure;
      if (result.kind !== 'complete') throw new Error('unreachable: body missing');
      if (route === 'challenge') {
        payload = challenge(result.body);
      } else {
        const registered = register(result.body, address);
        describe = `register ${JSON.stringify(registered.hostName)} -> ${registered.response.hostId}`;
        payload = registered.response;
      }
    } catch (error) {
      if (error instanceof HttpError) {
        status = error.status;
        payload = { error: error.code, message: error.message };
        for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      } else {
        status = 500;
        payload = { error: 'INTERNAL_ERROR', message: 'the reference server failed; see its log' };
        log(`internal error: ${(error as Error).stack ?? String(error)}`);
      }
    }
    log(`${address} ${describe}: ${status}${status === 200 ? '' : ` ${(payload as { error: string }).error}`}`);
    send(res, status, payload);
    // Past the drain limit the client is abusive: close rather than read on.
    if (result.kind === 'over-limit' && !result.drained) res.on('finish', () => req.socket.destroy());
  }

  const server = createServer(
    {
      key: pems.private,
      cert: pems.cert,
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
    server.listen({ host, port: options.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => log(`server error: ${error.message}`));
  const port = (server.address() as AddressInfo).port;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    fingerprint,
    registeredHosts: () => [...hosts.values()].map((h) => ({ ...h, ipAddresses: [...h.ipAddresses] })),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function loadOrCreatePassphrase(file: string, log: (line: string) => void): string {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a passphrase another process created meanwhile; 0600 from the first byte.
    fs.writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    log(`passphrase file ${file} created (mode 0600); give it to the clients out of band`);
    content = fs.readFileSync(file);
  }
  const passphrase = normalisePassphrase(content);
  if (passphrase === '') throw new Error(`passphrase file ${file} is empty`);
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0)
    log(`warning: passphrase file ${file} is readable by other users; chmod 600 it`);
  return passphrase;
}

function loadState(file: string): RegisteredHost[] {
  let json: unknown;
  try {
    json = readJsonIfPresent(file);
  } catch (error) {
    throw new Error(`state file ${file} cannot be read: ${(error as Error).message}`);
  }
  if (json === undefined) return [];
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) throw new Error(`state file ${file} is not a valid host record: ${describeIssue(parsed.error)}`);
  return parsed.data.hosts;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'the body is not valid JSON');
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function remoteAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; one client, one rate-limit bucket.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/** Keeps up to `keep` bytes; anything beyond is drained and dropped, up to MAX_DRAINED_BYTES. */
function readBody(req: IncomingMessage, keep: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: BodyResult): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= keep) chunks.push(chunk);
      else chunks.length = 0;
      if (total > keep + MAX_DRAINED_BYTES) {
        req.pause();
        finish({ kind: 'over-limit', drained: false });
      }
    };
    const onEnd = (): void =>
      finish(total <= keep ? { kind: 'complete', body: Buffer.concat(chunks) } : { kind: 'over-limit', drained: true });
    const onAbort = (): void => finish({ kind: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) onAbort();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}
