import { createHash } from 'node:crypto';
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
import { registerWithCs, unregisterFromCs } from '../../electron/engine/registration/cs-client';
import {
  certificateFingerprint,
  loadOpaque,
  mac2,
  macEquals,
  newLoginId,
} from '../../electron/engine/registration/registration-crypto';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import type { CsEndpoint } from '../../shared/cs-endpoint';
import {
  LOGIN_START_PATH,
  MAX_MESSAGE_BYTES,
  REGISTER_PATH,
  UNREGISTER_PATH,
  loginStartResponseSchema,
  registerProofInput,
  registerResponseSchema,
  registeredProofInput,
  unregisterProofInput,
  unregisterResponseSchema,
  unregisteredProofInput,
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

/** A login as the client runs it; `finished` is undefined when the passphrase does not open the record. */
interface Login {
  reply: Reply;
  loginId: string;
  finished: { finishLoginRequest: string; sessionKey: string } | undefined;
}

type Session = Login & { finished: NonNullable<Login['finished']> };

async function startLogin(server: ReferenceConfigServer, passphrase: string): Promise<Login> {
  const { client } = await loadOpaque();
  const { clientLoginState, startLoginRequest } = client.startLogin({ password: passphrase });
  const reply = await post(server, LOGIN_START_PATH, JSON.stringify({ startLoginRequest }));
  if (reply.status !== 200) return { reply, loginId: '', finished: undefined };
  const { loginId, loginResponse } = loginStartResponseSchema.parse(reply.json);
  const finished = client.finishLogin({ clientLoginState, loginResponse, password: passphrase });
  return { reply, loginId, finished };
}

/** A login that opened the record. */
async function login(server: ReferenceConfigServer, passphrase: string): Promise<Session> {
  const started = await startLogin(server, passphrase);
  expect(started.reply.status).toBe(200);
  expect(started.finished).toBeDefined();
  return started as Session;
}

/** The register call finishing `session`; `fingerprint` lets a test play a relay that saw another certificate. */
function register(
  server: ReferenceConfigServer,
  session: Session,
  host: HostInfo = sampleHost,
  fingerprint = server.fingerprint,
): Promise<Reply> {
  const { loginId, finished } = session;
  const proof = mac2(finished.sessionKey, registerProofInput(loginId, fingerprint, host.hostName));
  return post(
    server,
    REGISTER_PATH,
    JSON.stringify({ loginId, finishLoginRequest: finished.finishLoginRequest, host, proof }),
  );
}

async function loginAndRegister(
  server: ReferenceConfigServer,
  passphrase: string,
  host: HostInfo = sampleHost,
): Promise<{ reply: Reply; session: Session }> {
  const session = await login(server, passphrase);
  return { reply: await register(server, session, host), session };
}

function unregister(server: ReferenceConfigServer, session: Session, hostId: string): Promise<Reply> {
  const { loginId, finished } = session;
  const proof = mac2(finished.sessionKey, unregisterProofInput(loginId, server.fingerprint, hostId));
  return post(
    server,
    UNREGISTER_PATH,
    JSON.stringify({ loginId, finishLoginRequest: finished.finishLoginRequest, hostId, proof }),
  );
}

function errorCode(reply: Reply): string | undefined {
  return (reply.json as { error?: string }).error;
}

function endpointOf(server: ReferenceConfigServer): CsEndpoint {
  const parsed = parseCsEndpoint(`${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.endpoint;
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

  it('answers a login start and registers a host with a server proof the client can verify', async () => {
    const { server, passphrase } = await start();
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    const { reply, session } = await loginAndRegister(server, passphrase);
    expect(session.reply.json).toMatchObject({ protocol: 2 });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.fingerprint).toBe(server.fingerprint);
    const { hostId, serverProof } = registerResponseSchema.parse(reply.json);
    const expected = mac2(
      session.finished.sessionKey,
      registeredProofInput(session.loginId, reply.fingerprint, hostId),
    );
    expect(macEquals(serverProof, expected)).toBe(true);
    expect(server.registeredHosts()).toEqual([expect.objectContaining({ ...sampleHost, hostId })]);
  });

  it("with the configurator's client: a wrong passphrase is CS_AUTH_FAILED, the right one registers, re-registering keeps the host id", async () => {
    const { server, passphrase } = await start();
    const endpoint = endpointOf(server);
    const wrong = await registerWithCs(endpoint, 'correct horse battery stapler', sampleHost);
    expect(!wrong.ok && wrong.error.code).toBe('CS_AUTH_FAILED');
    expect(server.registeredHosts()).toEqual([]);

    const first = await registerWithCs(endpoint, passphrase, sampleHost);
    expect(first).toMatchObject({ ok: true, fingerprint: server.fingerprint });
    const hostId = first.ok ? first.hostId : '';
    expect(server.registeredHosts().map((h) => h.hostId)).toEqual([hostId]);
    const again = await registerWithCs(endpoint, passphrase, { ...sampleHost, hostId });
    expect(again).toMatchObject({ ok: true, hostId });
    expect(server.registeredHosts()).toHaveLength(1);
  });

  it('keeps a known hostId on re-registration and issues a new one for an unknown hostId', async () => {
    const { server, passphrase, clock } = await start();
    const first = registerResponseSchema.parse((await loginAndRegister(server, passphrase)).reply.json);
    clock.now += 5_000;
    const again = await loginAndRegister(server, passphrase, {
      ...sampleHost,
      hostId: first.hostId,
      agentVersion: '9.61.0.0',
    });
    expect(registerResponseSchema.parse(again.reply.json).hostId).toBe(first.hostId);
    const record = server.registeredHosts().find((h) => h.hostId === first.hostId);
    expect(record?.agentVersion).toBe('9.61.0.0');
    expect(Date.parse(record?.lastSeenAt ?? '') - Date.parse(record?.registeredAt ?? '')).toBe(5_000);

    const unknownId = '00000000-0000-4000-8000-000000000000';
    const fresh = registerResponseSchema.parse(
      (await loginAndRegister(server, passphrase, { ...sampleHost, hostName: 'web02', hostId: unknownId })).reply.json,
    );
    expect(fresh.hostId).not.toBe(unknownId);
    expect(fresh.hostId).not.toBe(first.hostId);
    expect(server.registeredHosts()).toHaveLength(2);
  });

  it("refuses with 401 AUTH_FAILED another login's finish, a proof under another key, and a proof bound to a relay's certificate", async () => {
    const { server, passphrase } = await start();
    const a = await login(server, passphrase);
    const b = await login(server, passphrase);
    const swapped = await register(server, {
      ...a,
      finished: { ...a.finished, finishLoginRequest: b.finished.finishLoginRequest },
    });
    expect([swapped.status, errorCode(swapped)]).toEqual([401, 'AUTH_FAILED']);

    const c = await login(server, passphrase);
    const otherKey = await register(server, { ...c, finished: { ...c.finished, sessionKey: b.finished.sessionKey } });
    expect([otherKey.status, errorCode(otherKey)]).toEqual([401, 'AUTH_FAILED']);

    // A man in the middle relays the login untouched; the client then binds its proof to his certificate.
    const relayed = await register(server, await login(server, passphrase), sampleHost, 'ee'.repeat(32));
    expect([relayed.status, errorCode(relayed)]).toEqual([401, 'AUTH_FAILED']);
    expect(server.registeredHosts()).toEqual([]);
  });

  it('accepts a login once: a replay, even after a failed finish, is LOGIN_INVALID', async () => {
    const { server, passphrase } = await start();
    const first = await login(server, passphrase);
    expect((await register(server, first)).status).toBe(200);
    const replay = await register(server, first);
    expect([replay.status, errorCode(replay)]).toEqual([400, 'LOGIN_INVALID']);

    const failed = await login(server, passphrase);
    expect((await register(server, failed, sampleHost, 'ee'.repeat(32))).status).toBe(401);
    expect(errorCode(await register(server, failed))).toBe('LOGIN_INVALID');

    const neverIssued = await login(server, passphrase);
    expect(errorCode(await register(server, { ...neverIssued, loginId: newLoginId() }))).toBe('LOGIN_INVALID');
  });

  it('expires a login after 120 s (injected clock)', async () => {
    const { server, passphrase, clock } = await start();
    const fresh = await login(server, passphrase);
    clock.now += 119_000;
    expect((await register(server, fresh)).status).toBe(200);

    const stale = await login(server, passphrase);
    clock.now += 120_001;
    const late = await register(server, stale);
    expect([late.status, errorCode(late)]).toEqual([400, 'LOGIN_INVALID']);
  });

  it('rate-limits an address after 5 login starts in 60 s that did not end in a successful finish, with Retry-After', async () => {
    const { server, passphrase, clock } = await start();
    // Finished logins do not count, however many.
    for (let i = 0; i < 6; i++) expect((await loginAndRegister(server, passphrase)).reply.status).toBe(200);

    const held = await login(server, passphrase);
    clock.now += 1_000;
    for (let i = 0; i < 4; i++) {
      const wrong = await startLogin(server, 'not the passphrase');
      expect(wrong.reply.status).toBe(200);
      expect(wrong.finished).toBeUndefined();
      clock.now += 1_000;
    }
    // Five unfinished, the oldest (held) 5 s old: it leaves the window in 55 s.
    const limited = await startLogin(server, passphrase);
    expect([limited.reply.status, errorCode(limited.reply)]).toEqual([429, 'RATE_LIMITED']);
    expect(limited.reply.headers['retry-after']).toBe('55');
    // Refused before the body is read: not even garbage gets looked at.
    expect((await post(server, LOGIN_START_PATH, 'not json')).status).toBe(429);

    // A login started before the limit may still finish, and once it has it no longer counts.
    expect((await register(server, held)).status).toBe(200);
    expect((await startLogin(server, 'not the passphrase')).reply.status).toBe(200);
    const again = await startLogin(server, passphrase);
    expect(again.reply.status).toBe(429);
    // The oldest unfinished start is now 4 s old.
    expect(again.reply.headers['retry-after']).toBe('56');
    clock.now += 55_500;
    expect((await startLogin(server, passphrase)).reply.headers['retry-after']).toBe('1');
    clock.now += 500;
    expect((await loginAndRegister(server, passphrase)).reply.status).toBe(200);
  });

  it('answers malformed requests with BAD_REQUEST and the right status, and none of them counts as a login', async () => {
    const { server, passphrase } = await start();
    const badJson = await post(server, REGISTER_PATH, '{"loginId": ');
    expect([badJson.status, errorCode(badJson)]).toEqual([400, 'BAD_REQUEST']);
    const badShape = await post(server, REGISTER_PATH, JSON.stringify({ loginId: 'x', host: {} }));
    expect([badShape.status, errorCode(badShape)]).toEqual([400, 'BAD_REQUEST']);
    const badUnregister = await post(server, UNREGISTER_PATH, JSON.stringify({ hostId: 'web01' }));
    expect([badUnregister.status, errorCode(badUnregister)]).toEqual([400, 'BAD_REQUEST']);
    const badStart = await post(server, LOGIN_START_PATH, '[]');
    expect([badStart.status, errorCode(badStart)]).toEqual([400, 'BAD_REQUEST']);
    for (let i = 0; i < 6; i++) {
      // Base64url of the right size, but no OPAQUE login request: no answer to test a guess against, no count.
      const notOpaque = await post(server, LOGIN_START_PATH, JSON.stringify({ startLoginRequest: 'A'.repeat(128) }));
      expect([notOpaque.status, errorCode(notOpaque)]).toEqual([400, 'BAD_REQUEST']);
    }
    const wrongType = await post(server, LOGIN_START_PATH, '{}', { contentType: 'text/plain' });
    expect([wrongType.status, errorCode(wrongType)]).toEqual([400, 'BAD_REQUEST']);
    // Protocol v1 is gone: its paths are unknown.
    const v1 = await post(server, '/mobility/v1/challenge', '{}');
    expect([v1.status, errorCode(v1)]).toEqual([404, 'BAD_REQUEST']);
    const wrongMethod = await post(server, LOGIN_START_PATH, '', { method: 'GET' });
    expect([wrongMethod.status, errorCode(wrongMethod), wrongMethod.headers.allow]).toEqual([
      405,
      'BAD_REQUEST',
      'POST',
    ]);

    const oversized = Buffer.alloc(MAX_MESSAGE_BYTES + 1, 0x20);
    const declared = await post(server, REGISTER_PATH, oversized);
    expect([declared.status, errorCode(declared)]).toEqual([413, 'BAD_REQUEST']);
    const streamed = await post(server, LOGIN_START_PATH, oversized, { chunked: true });
    expect([streamed.status, errorCode(streamed)]).toEqual([413, 'BAD_REQUEST']);
    const huge = await post(server, LOGIN_START_PATH, Buffer.alloc(4 * 1024 * 1024, 0x20), { chunked: true }).then(
      (reply) => reply.status,
      (error: NodeJS.ErrnoException) => error.code,
    );
    // Past the drain limit the server closes: the client sees the 413 or, if still sending, a reset.
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(huge);

    // None of that counted against the address, and the server still serves.
    expect((await loginAndRegister(server, passphrase)).reply.status).toBe(200);
  });

  it("unregisters with the configurator's client: a proven removal, HOST_UNKNOWN as already gone, CS_AUTH_FAILED for a wrong passphrase", async () => {
    const { server, passphrase } = await start();
    const endpoint = endpointOf(server);
    const registered = await registerWithCs(endpoint, passphrase, sampleHost);
    const hostId = registered.ok ? registered.hostId : '';
    expect(server.registeredHosts()).toHaveLength(1);

    const wrong = await unregisterFromCs(endpoint, 'not the passphrase', hostId);
    expect(!wrong.ok && wrong.error.code).toBe('CS_AUTH_FAILED');
    expect(server.registeredHosts()).toHaveLength(1);

    expect(await unregisterFromCs(endpoint, passphrase, hostId)).toEqual({
      ok: true,
      outcome: 'unregistered',
      fingerprint: server.fingerprint,
    });
    expect(server.registeredHosts()).toEqual([]);
    expect(await unregisterFromCs(endpoint, passphrase, hostId)).toMatchObject({ ok: true, outcome: 'already-gone' });
  });

  it('unregister on the wire: 200 with a server proof, 404 HOST_UNKNOWN only after a valid proof', async () => {
    const { server, passphrase } = await start();
    const { hostId } = registerResponseSchema.parse((await loginAndRegister(server, passphrase)).reply.json);

    // An unknown host with a bad proof is AUTH_FAILED, not HOST_UNKNOWN: nothing is told to an unproven caller.
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const session = await login(server, passphrase);
    const unproven = await unregister(
      server,
      { ...session, finished: { ...session.finished, sessionKey: 'AAAA' } },
      unknownId,
    );
    expect([unproven.status, errorCode(unproven)]).toEqual([401, 'AUTH_FAILED']);
    const unknown = await unregister(server, await login(server, passphrase), unknownId);
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'HOST_UNKNOWN']);

    const removal = await login(server, passphrase);
    const reply = await unregister(server, removal, hostId);
    expect(reply.status).toBe(200);
    const { serverProof } = unregisterResponseSchema.parse(reply.json);
    const expected = mac2(
      removal.finished.sessionKey,
      unregisteredProofInput(removal.loginId, reply.fingerprint, hostId),
    );
    expect(macEquals(serverProof, expected)).toBe(true);
    expect(server.registeredHosts()).toEqual([]);
  });

  it('creates a missing passphrase file with mode 0600; neither the state nor the log holds the passphrase or a plain hash of it', async () => {
    const dir = tempDir();
    const passphraseFile = path.join(dir, 'secrets', 'passphrase');
    const stateFile = path.join(dir, 'state.json');
    const { server, passphrase, logLines } = await start({ passphraseFile, stateFile }, dir);
    expect(passphrase.length).toBeGreaterThanOrEqual(32);
    if (process.platform !== 'win32') {
      expect(fs.statSync(passphraseFile).mode & 0o777).toBe(0o600);
      // The OPAQUE record is saved at once: it is what the server knows the passphrase by.
      expect(fs.statSync(stateFile).mode & 0o777).toBe(0o600);
    }
    expect((await loginAndRegister(server, passphrase)).reply.status).toBe(200);
    await startLogin(server, 'wrong');
    const state = fs.readFileSync(stateFile, 'utf8');
    const parsed = JSON.parse(state) as { opaque: { serverSetup: string; registrationRecord: string } };
    expect(Object.keys(parsed.opaque).sort()).toEqual(['registrationRecord', 'serverSetup']);
    const digest = createHash('sha256').update(passphrase, 'utf8').digest();
    const forbidden = [passphrase, digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
    for (const text of [state, logLines.join('\n')]) {
      for (const secret of forbidden) expect(text.includes(secret), secret).toBe(false);
      expect(text).not.toContain('proof');
      expect(text).not.toContain('sessionKey');
      expect(text).not.toContain('loginId');
    }
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).toContain('created');
  });

  it('persists its OPAQUE record and registered hosts, and after a restart uses that record, not the passphrase file', async () => {
    const dir = tempDir();
    const stateFile = path.join(dir, 'state.json');
    const first = await start({ stateFile }, dir);
    const { hostId } = registerResponseSchema.parse(
      (await loginAndRegister(first.server, first.passphrase)).reply.json,
    );
    const before = first.server.registeredHosts();
    await first.server.close();
    const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { opaque: unknown; hosts: unknown };
    expect(saved).toEqual({ opaque: expect.any(Object), hosts: before });
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    // An edited passphrase file is not read again: the record in the state decides.
    fs.writeFileSync(path.join(dir, 'passphrase'), 'an edited passphrase\n');
    const second = await start({ stateFile }, dir);
    expect(second.server.fingerprint).not.toBe(first.server.fingerprint);
    expect(second.server.registeredHosts()).toEqual(before);
    expect((await startLogin(second.server, 'an edited passphrase')).finished).toBeUndefined();
    const again = await loginAndRegister(second.server, first.passphrase, { ...sampleHost, hostId });
    expect(registerResponseSchema.parse(again.reply.json).hostId).toBe(hostId);
    expect(second.server.registeredHosts()).toHaveLength(1);
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toMatchObject({ opaque: saved.opaque });
    await second.server.close();

    // A missing passphrase file is generated, as genpassphrase does, and gets a new record; hosts stay.
    fs.rmSync(path.join(dir, 'passphrase'));
    const third = await start({ stateFile, passphraseFile: path.join(dir, 'passphrase') }, dir);
    expect(third.passphrase).not.toBe(first.passphrase);
    expect((await startLogin(third.server, first.passphrase)).finished).toBeUndefined();
    expect((await loginAndRegister(third.server, third.passphrase, { ...sampleHost, hostId })).reply.status).toBe(200);
    expect(third.server.registeredHosts().map((h) => h.hostId)).toEqual([hostId]);
  });

  it('a state file from before protocol v2 (hosts only) keeps its hosts and gets a record from the passphrase file', async () => {
    const dir = tempDir();
    const stateFile = path.join(dir, 'state.json');
    const hostId = '3f0c2a9e-5b7d-4c1e-9a2b-6d8e0f1a2b3c';
    const stamp = '2025-01-31T10:15:00.000Z';
    const old = { hosts: [{ ...sampleHost, hostId, registeredAt: stamp, lastSeenAt: stamp }] };
    fs.writeFileSync(stateFile, JSON.stringify(old), { mode: 0o600 });
    const { server, passphrase } = await start({ stateFile }, dir);
    expect((await loginAndRegister(server, passphrase, { ...sampleHost, hostId })).reply.json).toMatchObject({
      hostId,
    });
    expect(JSON.parse(fs.readFileSync(stateFile, 'utf8'))).toMatchObject({ opaque: expect.any(Object) });
  });

  it.skipIf(!ipv6Available)(
    `serves on IPv6 ::1${ipv6Available ? '' : ' (skipped: ::1 cannot be bound on this machine)'}`,
    async () => {
      const { server, passphrase } = await start({ host: '::1' });
      expect(server.url).toBe(`https://[::1]:${server.port}`);
      const { reply } = await loginAndRegister(server, passphrase);
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
    expect(help.stdout).toContain('protocol v2');
  });
});
