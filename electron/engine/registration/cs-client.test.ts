import { afterEach, describe, expect, it } from 'vitest';
import { parseCsEndpoint, type CsEndpoint } from '../../../shared/cs-endpoint';
import { LOGIN_START_PATH, REGISTER_PATH, UNREGISTER_PATH, type HostInfo } from '../../../shared/registration-protocol';
import { opaqueCsScript, startScriptedServer, type ScriptedHandler } from '../test-support/fake-servers';
import { registerWithCs, unregisterFromCs } from './cs-client';

// The protocol v2 client in-process, against a minimal OPAQUE server the tests bend one answer at a time. The
// reference configuration server's own tests (e2e/config-server) run this client against it.

const PASSPHRASE = 'correct horse battery staple';
const HOST_ID = '0c8a1d54-7b2e-4f5e-9a0b-1c2d3e4f5a6b';
const host: HostInfo = {
  hostName: 'web01',
  os: 'DEBIAN12-64',
  agentVersion: '9.60.0.0',
  role: 'MS',
  platform: 'VmWare',
  ipAddresses: ['10.0.0.5'],
};

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(
  handler: ScriptedHandler,
): Promise<Awaited<ReturnType<typeof startScriptedServer>> & { endpoint: CsEndpoint }> {
  const server = await startScriptedServer(handler);
  servers.push(server);
  const parsed = parseCsEndpoint(`127.0.0.1:${server.port}`);
  if (!parsed.ok) throw new Error(parsed.reason);
  return Object.assign(server, { endpoint: parsed.endpoint });
}

const paths = (requests: string[]): string[] => requests.map((request) => request.split(' ')[0] as string);
const json = (status: number, body: unknown): { status: number; body: string } => ({
  status,
  body: JSON.stringify(body),
});

describe('registerWithCs', () => {
  it('logs in, registers and accepts the proof of a server that holds the record', async () => {
    const server = await serve(await opaqueCsScript(PASSPHRASE));
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(result).toEqual({
      ok: true,
      hostId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      fingerprint: server.fingerprint,
    });
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH, REGISTER_PATH]);
    for (const request of server.requests()) expect(request).not.toContain(PASSPHRASE);
    const register = JSON.parse(server.requests()[1]?.slice(REGISTER_PATH.length + 1) ?? '') as Record<string, unknown>;
    expect(Object.keys(register).sort()).toEqual(['finishLoginRequest', 'host', 'loginId', 'proof']);
  });

  it('sends nothing but the login start to a server that does not hold the record: CS_AUTH_FAILED', async () => {
    // Its own server setup and a record for another passphrase: it answers the login as a CS would.
    const server = await serve(await opaqueCsScript('a different passphrase'));
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('CS_AUTH_FAILED');
    expect(!result.ok && result.error.message).toMatch(/nothing further was sent/);
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH]);
    expect(Object.keys(JSON.parse(server.requests()[0]?.slice(LOGIN_START_PATH.length + 1) ?? '') as object)).toEqual([
      'startLoginRequest',
    ]);
  });

  it('a server that speaks only protocol v1 (404 on login/start) is CS_PROTOCOL_ERROR naming protocol version 2', async () => {
    const server = await serve((path) =>
      path === '/mobility/v1/challenge'
        ? json(200, { protocol: 1, serverNonce: 'A'.repeat(43) })
        : json(404, { error: 'BAD_REQUEST', message: 'unknown path' }),
    );
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(!result.ok && result.error.code).toBe('CS_PROTOCOL_ERROR');
    expect(!result.ok && result.error.message).toMatch(/registration protocol version 2/);
    expect(!result.ok && result.error.message).toMatch(/does not fall back to version 1/);
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH]);
  });

  it('a login answer for another protocol version names both versions', async () => {
    const server = await serve(() => json(200, { protocol: 3, loginId: 'A'.repeat(43), loginResponse: 'AAAA' }));
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(!result.ok && result.error.code).toBe('CS_PROTOCOL_ERROR');
    expect(!result.ok && result.error.message).toMatch(/speaks registration protocol version 3; .* only version 2/);
  });

  it('an OPAQUE login response that cannot be read is CS_PROTOCOL_ERROR', async () => {
    const server = await serve(() => json(200, { protocol: 2, loginId: 'A'.repeat(43), loginResponse: 'AAAA' }));
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(!result.ok && result.error.code).toBe('CS_PROTOCOL_ERROR');
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH]);
  });

  it('LOGIN_INVALID once: runs the whole exchange again and registers', async () => {
    const honest = await opaqueCsScript(PASSPHRASE);
    let refused = 0;
    const server = await serve((path, body, fingerprint) =>
      path === REGISTER_PATH && refused++ === 0
        ? json(400, { error: 'LOGIN_INVALID' })
        : honest(path, body, fingerprint),
    );
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(result.ok).toBe(true);
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH, REGISTER_PATH, LOGIN_START_PATH, REGISTER_PATH]);
  });

  it('LOGIN_INVALID twice: CS_PROTOCOL_ERROR after exactly one retry', async () => {
    const honest = await opaqueCsScript(PASSPHRASE);
    const server = await serve((path, body, fingerprint) =>
      path === REGISTER_PATH ? json(400, { error: 'LOGIN_INVALID' }) : honest(path, body, fingerprint),
    );
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(!result.ok && result.error.code).toBe('CS_PROTOCOL_ERROR');
    expect(!result.ok && result.error.message).toMatch(/two fresh logins in a row \(LOGIN_INVALID\)/);
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH, REGISTER_PATH, LOGIN_START_PATH, REGISTER_PATH]);
  });

  it('a serverProof that does not match is CS_AUTH_FAILED', async () => {
    const honest = await opaqueCsScript(PASSPHRASE);
    const server = await serve((path, body, fingerprint) => {
      const answer = honest(path, body, fingerprint);
      if (path !== REGISTER_PATH) return answer;
      return json(200, { ...(JSON.parse(answer.body) as object), serverProof: 'ab'.repeat(32) });
    });
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(!result.ok && result.error.code).toBe('CS_AUTH_FAILED');
    expect(!result.ok && result.error.message).toMatch(/could not prove .* nothing was stored/);
  });

  it('a 401 to the register call is CS_AUTH_FAILED', async () => {
    const honest = await opaqueCsScript(PASSPHRASE);
    const server = await serve((path, body, fingerprint) =>
      path === REGISTER_PATH ? json(401, { error: 'AUTH_FAILED' }) : honest(path, body, fingerprint),
    );
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host);
    expect(!result.ok && result.error.code).toBe('CS_AUTH_FAILED');
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH, REGISTER_PATH]);
  });

  it('a cancelled exchange sends nothing and is CANCELLED', async () => {
    const server = await serve(await opaqueCsScript(PASSPHRASE));
    const result = await registerWithCs(server.endpoint, PASSPHRASE, host, { signal: AbortSignal.abort() });
    expect(!result.ok && result.error.code).toBe('CANCELLED');
    expect(server.requests()).toEqual([]);
  });
});

describe('unregisterFromCs', () => {
  it('logs in, unregisters and checks the server proof', async () => {
    const server = await serve(await opaqueCsScript(PASSPHRASE, [HOST_ID]));
    const result = await unregisterFromCs(server.endpoint, PASSPHRASE, HOST_ID);
    expect(result).toEqual({ ok: true, outcome: 'unregistered', fingerprint: server.fingerprint });
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH, UNREGISTER_PATH]);
    const body = JSON.parse(server.requests()[1]?.slice(UNREGISTER_PATH.length + 1) ?? '') as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['finishLoginRequest', 'hostId', 'loginId', 'proof']);
    expect(body.hostId).toBe(HOST_ID);
  });

  it('HOST_UNKNOWN after the login is "already gone"', async () => {
    const server = await serve(await opaqueCsScript(PASSPHRASE, []));
    expect(await unregisterFromCs(server.endpoint, PASSPHRASE, HOST_ID)).toEqual({
      ok: true,
      outcome: 'already-gone',
      fingerprint: server.fingerprint,
    });
  });

  it('a plain 404 on unregister (no HOST_UNKNOWN) is CS_PROTOCOL_ERROR, not "already gone"', async () => {
    const honest = await opaqueCsScript(PASSPHRASE, [HOST_ID]);
    const server = await serve((path, body, fingerprint) =>
      path === UNREGISTER_PATH ? json(404, { error: 'BAD_REQUEST' }) : honest(path, body, fingerprint),
    );
    const result = await unregisterFromCs(server.endpoint, PASSPHRASE, HOST_ID);
    expect(!result.ok && result.error.code).toBe('CS_PROTOCOL_ERROR');
  });

  it('a wrong passphrase is CS_AUTH_FAILED and only the login start is sent', async () => {
    const server = await serve(await opaqueCsScript(PASSPHRASE, [HOST_ID]));
    const result = await unregisterFromCs(server.endpoint, 'not the passphrase', HOST_ID);
    expect(!result.ok && result.error.code).toBe('CS_AUTH_FAILED');
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH]);
  });

  it('a serverProof that does not match is CS_AUTH_FAILED', async () => {
    const honest = await opaqueCsScript(PASSPHRASE, [HOST_ID]);
    const server = await serve((path, body, fingerprint) =>
      path === UNREGISTER_PATH
        ? (honest(path, body, fingerprint), json(200, { serverProof: 'cd'.repeat(32) }))
        : honest(path, body, fingerprint),
    );
    const result = await unregisterFromCs(server.endpoint, PASSPHRASE, HOST_ID);
    expect(!result.ok && result.error.code).toBe('CS_AUTH_FAILED');
    expect(!result.ok && result.error.message).toMatch(/may still be registered/);
  });

  it('LOGIN_INVALID once: logs in again and unregisters', async () => {
    const honest = await opaqueCsScript(PASSPHRASE, [HOST_ID]);
    let refused = 0;
    const server = await serve((path, body, fingerprint) =>
      path === UNREGISTER_PATH && refused++ === 0
        ? json(400, { error: 'LOGIN_INVALID' })
        : honest(path, body, fingerprint),
    );
    expect(await unregisterFromCs(server.endpoint, PASSPHRASE, HOST_ID)).toMatchObject({
      ok: true,
      outcome: 'unregistered',
    });
    expect(paths(server.requests())).toEqual([LOGIN_START_PATH, UNREGISTER_PATH, LOGIN_START_PATH, UNREGISTER_PATH]);
  });
});
