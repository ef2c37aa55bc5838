import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { RequestOptions } from 'node:https';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import {
  certificateFingerprint,
  mac,
  macEquals,
  newNonce,
  passphraseKey,
} from '../../electron/engine/registration/registration-crypto';
import {
  CHALLENGE_PATH,
  MAX_MESSAGE_BYTES,
  REGISTER_PATH,
  challengeResponseSchema,
  registerProofInput,
  registerResponseSchema,
  serverProofInput,
} from '../../shared/registration-protocol';
import type { HostInfo } from '../../shared/registration-protocol';
import { startReferenceConfigServer } from './reference-config-server';
import type { ReferenceConfigServer, ReferenceConfigServerOptions } from './reference-config-server';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  json: unknown;
  /** fp as a client computes it from the certificate on this very connection. */
  fingerprint: string;
}

interface PostOptions {
  method?: string;
  contentType?: string;
  /** Send without content-length (chunked), as a streaming client would. */
  chunked?: boolean;
}

// The certificate is self-signed; the test checks it the way the protocol does, through fp in the proofs.
const insecure: RequestOptions = {
  // eslint-disable-next-line no-restricted-syntax -- test client for the reference server; fp is checked instead
  rejectUnauthorized: false,
};

function post(
  server: ReferenceConfigServer,
  urlPath: string,
  body: string | Buffer,
  options: PostOptions = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { 'content-type': options.contentType ?? 'application/json' };
    if (!options.chunked) headers['content-length'] = Buffer.byteLength(body);
    const req = request(
      {
        ...insecure,
        host: server.host,
        port: server.port,
        path: urlPath,
        method: options.method ?? 'POST',
        headers,
        agent: false,
      },
      (res) => {
        const raw = (res.socket as TLSSocket).getPeerCertificate().raw;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text) as unknown;
          } catch {
            json = text;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json,
            fingerprint: certificateFingerprint(raw),
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sampleHost: HostInfo = {
  hostName: 'web01',
  os: 'DEBIAN12-64',
  agentVersion: '9.60.0.0',
  role: 'MS',
  platform: 'VmWare',
  ipAddresses: ['10.0.0.5'],
};

async function challenge(server: ReferenceConfigServer): Promise<string> {
  const reply = await post(server, CHALLENGE_PATH, '{}');
  expect(reply.status).toBe(200);
  return challengeResponseSchema.parse(reply.json).serverNonce;
}

interface Attempt {
  reply: Reply;
  serverNonce: string;
  clientNonce: string;
}

/** One register call as the client makes it; `serverNonce` lets a test replay or hold a nonce. */
async function register(
  server: ReferenceConfigServer,
  passphrase: string,
  host: HostInfo = sampleHost,
  serverNonce?: string,
): Promise<Attempt> {
  const nonce = serverNonce ?? (await challenge(server));
  const clientNonce = newNonce();
  const proof = mac(
    passphraseKey(passphrase),
    registerProofInput(nonce, clientNonce, server.fingerprint, host.hostName),
  );
  const reply = await post(server, REGISTER_PATH, JSON.stringify({ serverNonce: nonce, clientNonce, host, proof }));
  return { reply, serverNonce: nonce, clientNonce };
}

function errorCode(reply: Reply): string | undefined {
  return (reply.json as { error?: string }).error;
}

async function canBind(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(0, host, () => probe.close(() => resolve(true)));
  });
}

const ipv6Available = await canBind('::1');

describe('reference configuration server', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function tempDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-server-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  interface Started {
    server: ReferenceConfigServer;
    passphrase: string;
    logLines: string[];
    clock: { now: number };
    dir: string;
  }

  async function start(overrides: Partial<ReferenceConfigServerOptions> = {}, dir = tempDir()): Promise<Started> {
    const passphraseFile = path.join(dir, 'passphrase');
    if (!fs.existsSync(passphraseFile) && overrides.passphraseFile === undefined)
      fs.writeFileSync(passphraseFile, 'correct horse battery staple\r\n', { mode: 0o600 });
    const logLines: string[] = [];
    const clock = { now: 1_800_000_000_000 };
    const server = await startReferenceConfigServer({
      passphraseFile,
      now: () => clock.now,
      log: (line) => logLines.push(line),
      ...overrides,
    });
    cleanups.push(() => server.close());
    const passphrase = fs.readFileSync(overrides.passphraseFile ?? passphraseFile, 'utf8').replace(/[\r\n]+$/, '');
    return { server, passphrase, logLines, clock, dir };
  }

  it('answers a challenge and registers a host with a server proof the client can verify', async () => {
    const { server, passphrase } = await start();
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    const { reply, serverNonce, clientNonce } = await register(server, passphrase);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.fingerprint).toBe(server.fingerprint);
    const { hostId, serverProof } = registerResponseSchema.parse(reply.json);
    const expected = mac(
      passphraseKey(passphrase),
      serverProofInput(clientNonce, serverNonce, reply.fingerprint, hostId),
    );
    expect(macEquals(serverProof, expected)).toBe(true);
    expect(server.registeredHosts()).toEqual([expect.objectContaining({ ...sampleHost, hostId })]);
  });

  it('keeps a known hostId on re-registration and issues a new one for an unknown hostId', async () => {
    const { server, passphrase, clock } = await start();
    const first = registerResponseSchema.parse((await register(server, passphrase)).reply.json);
    clock.now += 5_000;
    const again = await register(server, passphrase, { ...sampleHost, hostId: first.hostId, agentVersion: '9.61.0.0' });
    expect(registerResponseSchema.parse(again.reply.json).hostId).toBe(first.hostId);
    const record = server.registeredHosts().find((h) => h.hostId === first.hostId);
    expect(record?.agentVersion).toBe('9.61.0.0');
    expect(Date.parse(record?.lastSeenAt ?? '') - Date.parse(record?.registeredAt ?? '')).toBe(5_000);

    const unknownId = '00000000-0000-4000-8000-000000000000';
    const fresh = registerResponseSchema.parse(
      (await register(server, passphrase, { ...sampleHost, hostName: 'web02', hostId: unknownId })).reply.json,
    );
    expect(fresh.hostId).not.toBe(unknownId);
    expect(fresh.hostId).not.toBe(first.hostId);
    expect(server.registeredHosts()).toHaveLength(2);
  });

  it('refuses a proof made with the wrong passphrase with 401 AUTH_FAILED', async () => {
    const { server } = await start();
    const { reply } = await register(server, 'not the passphrase');
    expect(reply.status).toBe(401);
    expect(errorCode(reply)).toBe('AUTH_FAILED');
    expect(server.registeredHosts()).toEqual([]);
  });

  it('accepts a server nonce once: a replay, even after a failed attempt, is NONCE_INVALID', async () => {
    const { server, passphrase } = await start();
    const first = await register(server, passphrase);
    expect(first.reply.status).toBe(200);
    const replay = await register(server, passphrase, sampleHost, first.serverNonce);
    expect(replay.reply.status).toBe(400);
    expect(errorCode(replay.reply)).toBe('NONCE_INVALID');

    const failed = await register(server, 'wrong');
    expect(failed.reply.status).toBe(401);
    const retried = await register(server, passphrase, sampleHost, failed.serverNonce);
    expect(errorCode(retried.reply)).toBe('NONCE_INVALID');

    const neverIssued = await register(server, passphrase, sampleHost, newNonce());
    expect(errorCode(neverIssued.reply)).toBe('NONCE_INVALID');
  });

  it('expires a server nonce after 120 s (injected clock)', async () => {
    const { server, passphrase, clock } = await start();
    const fresh = await challenge(server);
    clock.now += 119_000;
    expect((await register(server, passphrase, sampleHost, fresh)).reply.status).toBe(200);

    const stale = await challenge(server);
    clock.now += 120_001;
    const late = await register(server, passphrase, sampleHost, stale);
    expect(late.reply.status).toBe(400);
    expect(errorCode(late.reply)).toBe('NONCE_INVALID');
  });

  it('rate-limits an address after 5 failed proofs in 60 s, with Retry-After, and checks nothing while limited', async () => {
    const { server, passphrase, clock } = await start();
    for (let i = 0; i < 5; i++) {
      const { reply } = await register(server, 'wrong');
      expect(reply.status).toBe(401);
      clock.now += 1_000;
    }
    // The oldest failure is 5 s old, so it leaves the window in 55 s.
    const held = await challenge(server);
    const limited = await register(server, passphrase, sampleHost, held);
    expect(limited.reply.status).toBe(429);
    expect(errorCode(limited.reply)).toBe('RATE_LIMITED');
    expect(limited.reply.headers['retry-after']).toBe('55');
    const garbage = await post(server, REGISTER_PATH, 'not json');
    expect(garbage.status).toBe(429);

    clock.now += 54_500;
    expect((await register(server, passphrase)).reply.headers['retry-after']).toBe('1');
    clock.now += 500;
    // Limited requests were not looked at, so the held nonce is still unspent.
    expect((await register(server, passphrase, sampleHost, held)).reply.status).toBe(200);
  });

  it('answers malformed requests with BAD_REQUEST and the right status', async () => {
    const { server, passphrase } = await start();
    const badJson = await post(server, REGISTER_PATH, '{"serverNonce": ');
    expect([badJson.status, errorCode(badJson)]).toEqual([400, 'BAD_REQUEST']);
    const badShape = await post(server, REGISTER_PATH, JSON.stringify({ serverNonce: 'x', host: {} }));
    expect([badShape.status, errorCode(badShape)]).toEqual([400, 'BAD_REQUEST']);
    const badChallenge = await post(server, CHALLENGE_PATH, '[]');
    expect([badChallenge.status, errorCode(badChallenge)]).toEqual([400, 'BAD_REQUEST']);
    const wrongType = await post(server, CHALLENGE_PATH, '{}', { contentType: 'text/plain' });
    expect([wrongType.status, errorCode(wrongType)]).toEqual([400, 'BAD_REQUEST']);
    const unknownPath = await post(server, '/mobility/v2/challenge', '{}');
    expect([unknownPath.status, errorCode(unknownPath)]).toEqual([404, 'BAD_REQUEST']);
    const wrongMethod = await post(server, CHALLENGE_PATH, '', { method: 'GET' });
    expect([wrongMethod.status, errorCode(wrongMethod), wrongMethod.headers.allow]).toEqual([
      405,
      'BAD_REQUEST',
      'POST',
    ]);

    const oversized = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20);
    const declared = await post(server, REGISTER_PATH, oversized);
    expect([declared.status, errorCode(declared)]).toEqual([413, 'BAD_REQUEST']);
    const streamed = await post(server, CHALLENGE_PATH, oversized, { chunked: true });
    expect([streamed.status, errorCode(streamed)]).toEqual([413, 'BAD_REQUEST']);
    const huge = await post(server, CHALLENGE_PATH, Buffer.alloc(4 * 1024 * 1024, 0x20), { chunked: true }).then(
      (reply) => reply.status,
      (error: NodeJS.ErrnoException) => error.code,
    );
    // Past the drain limit the server closes: the client sees the 413 or, if still sending, a reset.
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(huge);

    // None of that counts as a failed proof, and the server still serves.
    expect((await register(server, passphrase)).reply.status).toBe(200);
  });

  it('creates a missing passphrase file with mode 0600 and never writes the passphrase to state or log', async () => {
    const dir = tempDir();
    const passphraseFile = path.join(dir, 'secrets', 'passphrase');
    const stateFile = path.join(dir, 'state.json');
    const { server, passphrase, logLines } = await start({ passphraseFile, stateFile }, dir);
    expect(passphrase.length).toBeGreaterThanOrEqual(32);
    if (process.platform !== 'win32') {
      expect(fs.statSync(passphraseFile).mode & 0o777).toBe(0o600);
      expect(fs.statSync(stateFile, { throwIfNoEntry: false })).toBeUndefined();
    }
    const { reply } = await register(server, passphrase);
    expect(reply.status).toBe(200);
    await register(server, 'wrong');
    if (process.platform !== 'win32') expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
    const state = fs.readFileSync(stateFile, 'utf8');
    expect(state).not.toContain(passphrase);
    expect(state).not.toContain('proof');
    expect(state).not.toContain('Nonce');
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(passphrase);
    expect(logLines.join('\n')).toContain('created');
  });

  it('persists registered hosts and reloads them after a restart', async () => {
    const dir = tempDir();
    const stateFile = path.join(dir, 'state.json');
    const first = await start({ stateFile }, dir);
    const { hostId } = registerResponseSchema.parse((await register(first.server, first.passphrase)).reply.json);
    const before = first.server.registeredHosts();
    await first.server.close();
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toEqual({ hosts: before });
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const second = await start({ stateFile }, dir);
    expect(second.server.fingerprint).not.toBe(first.server.fingerprint);
    expect(second.server.registeredHosts()).toEqual(before);
    const again = await register(second.server, second.passphrase, { ...sampleHost, hostId });
    expect(registerResponseSchema.parse(again.reply.json).hostId).toBe(hostId);
    expect(second.server.registeredHosts()).toHaveLength(1);
  });

  it.skipIf(!ipv6Available)(
    `serves on IPv6 ::1${ipv6Available ? '' : ' (skipped: ::1 cannot be bound on this machine)'}`,
    async () => {
      const { server, passphrase } = await start({ host: '::1' });
      expect(server.url).toBe(`https://[::1]:${server.port}`);
      const { reply } = await register(server, passphrase);
      expect(reply.status).toBe(200);
      expect(reply.fingerprint).toBe(server.fingerprint);
    },
  );

  it('runs as a command: one ready line, clean exit on SIGTERM, exit 2 on a bad argument', async () => {
    const dir = tempDir();
    const cli = path.join(dir, 'config-server.cjs');
    await build({
      entryPoints: [path.join(import.meta.dirname, 'config-server-cli.ts')],
      outfile: cli,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'silent',
    });

    const run = (
      args: string[],
      onStdout?: (text: string, kill: () => void) => void,
    ): Promise<{ code: number | null; stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString('utf8');
          onStdout?.(stdout, () => child.kill('SIGTERM'));
        });
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });

    const passphraseFile = path.join(dir, 'pp.txt');
    const served = await run(['--port', '0', '--passphrase-file', passphraseFile], (text, kill) => {
      if (text.endsWith('\n')) kill();
    });
    expect(served.code).toBe(0);
    expect(served.stdout).toMatch(/^listening https:\/\/127\.0\.0\.1:\d+ fingerprint=[0-9a-f]{64}\n$/);
    const passphrase = fs.readFileSync(passphraseFile, 'utf8').trim();
    expect(served.stdout + served.stderr).not.toContain(passphrase);

    const bad = await run(['--port', 'eighty', '--passphrase-file', passphraseFile]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('--port "eighty"');
    expect(bad.stderr).toContain('0 to 65535');

    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--passphrase-file F');
  });
});
