import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startReferenceConfigServer,
  type ReferenceConfigServer,
} from '../../e2e/config-server/reference-config-server';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import {
  closedPort,
  opaqueCsScript,
  startScriptedServer,
  startSilentPeer,
  startTlsRelay,
  type ScriptedHandler,
} from '../engine/test-support/fake-servers';
import { CLI, runCli, startCli, stepStatuses, waitForFile, type CliRun } from '../engine/test-support/run-cli';
import { LOGIN_START_PATH, REGISTER_PATH } from '../../shared/registration-protocol';

// UnifiedAgentConfigurator against the reference configuration server on loopback, and against peers that
// misbehave: a man in the middle, an impostor, a server without the passphrase's OPAQUE record, a v1-only
// server, a silent peer, a closed port, malformed and oversized answers.

const scratch = new Scratch();
let repo: string;

beforeAll(async () => {
  repo = scratch.path('repo');
  await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0'));
});
afterAll(() => scratch.cleanup());

async function installedRoot(): Promise<string> {
  const root = makeRoot(scratch);
  const run = await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--repository', repo, '--root', root]);
  expect(run.code).toBe(0);
  return root;
}

function passphraseFile(content: string): string {
  const file = scratch.path('passphrase');
  fs.writeFileSync(file, content, { mode: 0o600 });
  return file;
}

async function referenceServer(
  passphrase: string,
  host = '127.0.0.1',
): Promise<ReferenceConfigServer & { passphraseFile: string; stateFile: string; logLines: string[] }> {
  const file = passphraseFile(`${passphrase}\n`);
  const stateFile = scratch.path('cs-state.json');
  const logLines: string[] = [];
  const log = (line: string): number => logLines.push(line);
  const server = await startReferenceConfigServer({ host, port: 0, passphraseFile: file, stateFile, log });
  return Object.assign(server, { passphraseFile: file, stateFile, logLines });
}

function registration(root: string): Record<string, unknown> | undefined {
  const file = path.join(root, 'usr/local/ASR/.asrsetup/registration.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
}

function configure(root: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCli(CLI.configurator, [...args, '--json', '--root', root], { env });
}

describe('registration with the reference configuration server', () => {
  it('registers with UnifiedAgentConfigurator /CSEndPoint ... /PassphraseFilePath ...', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('correct horse battery staple');
    try {
      const run = await runCli(CLI.configurator, [
        '/CSEndPoint',
        `127.0.0.1:${cs.port}`,
        '/PassphraseFilePath',
        cs.passphraseFile,
        '/Root',
        root,
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const stored = registration(root);
      expect(stored).toMatchObject({
        csEndpoint: `127.0.0.1:${cs.port}`,
        fingerprint: cs.fingerprint,
        agentVersion: '9.60.0.0',
      });
      expect(cs.registeredHosts().map((h) => h.hostId)).toEqual([stored?.hostId]);
      expect(cs.registeredHosts()[0]).toMatchObject({
        os: 'DEBIAN12-64',
        role: 'MS',
        platform: 'VmWare',
        agentVersion: '9.60.0.0',
      });
      const file = path.join(root, 'usr/local/ASR/.asrsetup/registration.json');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      // What the unprivileged wizard shows is in a public file, without anything secret.
      const status = path.join(root, 'usr/local/ASR/.asrsetup/registration-status.json');
      expect(fs.statSync(status).mode & 0o777).toBe(0o644);
      expect(JSON.parse(fs.readFileSync(status, 'utf8'))).toEqual({
        csEndpoint: stored?.csEndpoint,
        hostId: stored?.hostId,
        fingerprint: stored?.fingerprint,
        registeredAt: stored?.registeredAt,
      });
      const log = fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentConfigurator.log'), 'utf8');
      expect(log).toMatch(/Mobility Service Setup \(configurator\) .* run started/);
      expect(log).toMatch(/Result: Succeeded/);
    } finally {
      await cs.close();
    }
  });

  it('registers with UnifiedAgentConfigurator.sh -i ... -P ..., over IPv6 too; re-running keeps the host id', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('s3cret-passphrase', '::1');
    try {
      const first = await configure(root, ['-i', `[::1]:${cs.port}`, '-P', cs.passphraseFile]);
      expect(first.code).toBe(0);
      expect(first.result?.summary).toMatchObject({ csEndpoint: `[::1]:${cs.port}`, fingerprint: cs.fingerprint });
      // The time the record holds, for the Registered page.
      expect(first.result?.summary?.registeredAt).toBe(registration(root)?.registeredAt);
      const hostId = registration(root)?.hostId;
      const again = await configure(root, ['-i', `[::1]:${cs.port}`, '-P', cs.passphraseFile]);
      expect(again.code).toBe(0);
      expect(registration(root)?.hostId).toBe(hostId);
      expect(cs.registeredHosts()).toHaveLength(1);
      const finished = again.events.find((e) => e.type === 'step-finished' && e.stepId === 'register');
      expect(finished?.type === 'step-finished' && finished.message).toMatch(/same host id as before/);
    } finally {
      await cs.close();
    }
  });

  it('an upgrade keeps the registration and writes its public status anew (older agents have none)', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('upgrade-keeps-passphrase');
    try {
      expect((await configure(root, ['-i', `127.0.0.1:${cs.port}`, '-P', cs.passphraseFile])).code).toBe(0);
      const status = path.join(root, 'usr/local/ASR/.asrsetup/registration-status.json');
      fs.rmSync(status);
      const newer = scratch.path('repo-newer');
      await makePackage(scratch, newer, '9.61.0.0', agentPayload('9.61.0.0'));
      expect(
        (await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--repository', newer, '--root', root]))
          .code,
      ).toBe(0);
      expect(registration(root)?.hostId).toBe(cs.registeredHosts()[0]?.hostId);
      expect(JSON.parse(fs.readFileSync(status, 'utf8'))).toMatchObject({
        csEndpoint: `127.0.0.1:${cs.port}`,
        hostId: cs.registeredHosts()[0]?.hostId,
      });
      expect(fs.statSync(status).mode & 0o777).toBe(0o644);
    } finally {
      await cs.close();
    }
  });

  it('pointing at another configuration server moves the agent there', async () => {
    const root = await installedRoot();
    const first = await referenceServer('first-cs-passphrase');
    const second = await referenceServer('second-cs-passphrase');
    try {
      expect((await configure(root, ['-i', `127.0.0.1:${first.port}`, '-P', first.passphraseFile])).code).toBe(0);
      const moved = await configure(root, ['-i', `127.0.0.1:${second.port}`, '-P', second.passphraseFile]);
      expect(moved.code).toBe(0);
      expect(registration(root)).toMatchObject({
        csEndpoint: `127.0.0.1:${second.port}`,
        fingerprint: second.fingerprint,
      });
      expect(second.registeredHosts()).toHaveLength(1);
      const finished = moved.events.find((e) => e.type === 'step-finished' && e.stepId === 'register');
      expect(finished?.type === 'step-finished' && finished.message).toContain(`moved from 127.0.0.1:${first.port}`);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('a wrong passphrase is CS_AUTH_FAILED and nothing is stored', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('the-right-one');
    try {
      const run = await configure(root, ['-i', `127.0.0.1:${cs.port}`, '-P', passphraseFile('the-wrong-one')]);
      expect(run.code).toBe(1);
      expect(run.result).toMatchObject({ exitCode: 1, msiCode: 1603, error: { code: 'CS_AUTH_FAILED' } });
      expect(run.result?.error?.remedy).toMatch(/genpassphrase/);
      expect(registration(root)).toBeUndefined();
      expect(cs.registeredHosts()).toEqual([]);
      // The login failed on the client's side, so the login start was all it sent.
      expect(cs.logLines.filter((line) => /^127\.0\.0\.1 /.test(line))).toEqual(['127.0.0.1 login start: 200']);
    } finally {
      await cs.close();
    }
  });

  it('a man in the middle with its own certificate is refused and nothing is stored', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('mitm-test-passphrase');
    const relay = await startTlsRelay(cs.port);
    try {
      const run = await configure(root, ['-i', `127.0.0.1:${relay.port}`, '-P', cs.passphraseFile]);
      expect(relay.relayed()).toBeGreaterThan(0);
      expect(run.code).toBe(1);
      expect(run.result?.error?.code).toBe('CS_AUTH_FAILED');
      expect(registration(root)).toBeUndefined();
      expect(cs.registeredHosts()).toEqual([]);
    } finally {
      await relay.close();
      await cs.close();
    }
  });

  it('rate limiting: after five logins that did not finish, the sixth attempt is CS_RATE_LIMITED with the wait', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('rate-limit-passphrase');
    try {
      const wrong = passphraseFile('not-it');
      for (let i = 0; i < 5; i++)
        expect((await configure(root, ['-i', `127.0.0.1:${cs.port}`, '-P', wrong])).result?.error?.code).toBe(
          'CS_AUTH_FAILED',
        );
      const limited = await configure(root, ['-i', `127.0.0.1:${cs.port}`, '-P', cs.passphraseFile]);
      expect(limited.code).toBe(1);
      expect(limited.result?.error?.code).toBe('CS_RATE_LIMITED');
      expect(limited.result?.error?.remedy).toMatch(/^Wait \d+ seconds/);
      expect(registration(root)).toBeUndefined();
    } finally {
      await cs.close();
    }
  });

  it('a canary passphrase appears in no log, output, state file or process argv', async () => {
    const canary = 'CANARY-7f3a9c1e-passphrase';
    const root = await installedRoot();
    const cs = await referenceServer(canary);
    try {
      const { child, done } = startCli(CLI.configurator, [
        '-i',
        `127.0.0.1:${cs.port}`,
        '-P',
        cs.passphraseFile,
        '--json',
        '--root',
        root,
      ]);
      const argvSeen: string[] = [];
      const sample = setInterval(() => {
        for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          try {
            argvSeen.push(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
          } catch {
            // Gone already.
          }
        }
      }, 5);
      const run = await done;
      clearInterval(sample);
      expect(run.code).toBe(0);
      expect(child.pid).toBeDefined();
      expect(argvSeen.length).toBeGreaterThan(0);
      const haystacks = [
        run.stdout,
        run.stderr,
        ...argvSeen,
        fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentConfigurator.log'), 'utf8'),
        fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'), 'utf8'),
        fs.readFileSync(path.join(root, 'usr/local/ASR/.asrsetup/registration.json'), 'utf8'),
        fs.readFileSync(cs.stateFile, 'utf8'),
      ];
      for (const text of haystacks) expect(text.includes(canary)).toBe(false);
    } finally {
      await cs.close();
    }
  });

  it('reads the passphrase from standard input with -P -', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('stdin-passphrase');
    try {
      const run = await runCli(CLI.configurator, ['-i', `127.0.0.1:${cs.port}`, '-P', '-', '--json', '--root', root], {
        input: 'stdin-passphrase\n',
      });
      expect(run.code).toBe(0);
      expect(registration(root)?.hostId).toBeTruthy();
    } finally {
      await cs.close();
    }
  });
});

describe('--proceed-on-stdin (push-install overlaps the login with the install)', () => {
  /** The configurator with stdin held open: the passphrase line now, the rest when the test says. */
  function startHeld(root: string, port: number): { child: ChildProcess; done: Promise<CliRun> } {
    return startCli(
      CLI.configurator,
      ['-i', `127.0.0.1:${port}`, '-P', '-', '--proceed-on-stdin', '--json', '--root', root],
      { input: 'held-passphrase\n', keepStdinOpen: true },
    );
  }

  async function untilLoggedIn(logLines: readonly string[]): Promise<void> {
    for (let i = 0; i < 600 && !logLines.some((line) => /login start: 200/.test(line)); i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logLines.some((line) => /login start: 200/.test(line))).toBe(true);
  }

  it('logs in at once, and checks the agent and registers only after "proceed"', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('held-passphrase');
    try {
      const run = startHeld(root, cs.port);
      await untilLoggedIn(cs.logLines);
      // Logged in, waiting: nothing registered yet, on either side.
      expect(run.child.exitCode).toBeNull();
      expect(cs.registeredHosts()).toHaveLength(0);
      expect(registration(root)).toBeUndefined();
      run.child.stdin?.end('proceed\n');
      const { code, stdout, result } = await run.done;
      expect(code).toBe(0);
      expect(result?.status).toBe('Succeeded');
      expect(cs.registeredHosts()).toHaveLength(1);
      expect(registration(root)?.hostId).toBe(cs.registeredHosts()[0]?.hostId);
      // One login: the one made while it waited finished the registration.
      expect(cs.logLines.filter((line) => /login start/.test(line))).toHaveLength(1);
      expect(stdout).not.toContain('held-passphrase');
    } finally {
      await cs.close();
    }
  });

  it('stdin closed without "proceed" ends Cancelled, with nothing registered', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('held-passphrase');
    try {
      const run = startHeld(root, cs.port);
      await untilLoggedIn(cs.logLines);
      run.child.stdin?.end();
      const { code, result } = await run.done;
      expect(code).toBe(4);
      expect(result?.error?.code).toBe('CANCELLED');
      expect(result?.error?.message).toMatch(/closed before the go-ahead/);
      expect(cs.registeredHosts()).toHaveLength(0);
      expect(registration(root)).toBeUndefined();
    } finally {
      await cs.close();
    }
  });

  it('needs -P -, since the go-ahead comes on standard input', async () => {
    const root = await installedRoot();
    const run = await configure(root, [
      '-i',
      '127.0.0.1:9',
      '-P',
      passphraseFile('x-passphrase'),
      '--proceed-on-stdin',
    ]);
    expect(run.code).toBe(2);
    expect(run.result?.error?.code).toBe('INVALID_ARGUMENT');
    expect(run.result?.error?.message).toMatch(/--proceed-on-stdin .* needs -P -/);
  });
});

describe('peers that are not a working configuration server', () => {
  it('a closed port is CS_UNREACHABLE with a remedy about the address and port', async () => {
    const root = await installedRoot();
    const run = await configure(root, ['-i', `127.0.0.1:${await closedPort()}`, '-P', passphraseFile('x-passphrase')]);
    expect(run.result?.error?.code).toBe('CS_UNREACHABLE');
    expect(run.result?.error?.message).toMatch(/connection refused/);
    expect(run.result?.error?.remedy).toMatch(/IP address and port/);
  });

  it('a silent peer times out as CS_UNREACHABLE', async () => {
    const root = await installedRoot();
    const peer = await startSilentPeer();
    try {
      const run = await configure(root, ['-i', `127.0.0.1:${peer.port}`, '-P', passphraseFile('x-passphrase')], {
        ASRSETUP_CS_TIMEOUT_MS: '1500',
      });
      expect(run.result?.error?.code).toBe('CS_UNREACHABLE');
      expect(run.result?.error?.message).toMatch(/no answer within 2 s/);
    } finally {
      await peer.close();
    }
  });

  const json = (status: number, body: unknown): { status: number; body: string } => ({
    status,
    body: JSON.stringify(body),
  });
  /** The honest protocol v2 server for 'some-passphrase', with its register answer replaced. */
  const registerAnswers =
    (answer: { status: number; body: string }) =>
    (honest: ScriptedHandler): ScriptedHandler =>
    (p, body, fingerprint) =>
      p === REGISTER_PATH ? answer : honest(p, body, fingerprint);

  it.each<[string, (honest: ScriptedHandler) => ScriptedHandler, string, RegExp]>([
    [
      'an impostor whose serverProof is wrong',
      (honest) => (p, body, fingerprint) => {
        const answer = honest(p, body, fingerprint);
        if (p !== REGISTER_PATH) return answer;
        return json(200, { ...(JSON.parse(answer.body) as object), serverProof: 'ab'.repeat(32) });
      },
      'CS_AUTH_FAILED',
      /could not prove/,
    ],
    [
      'a server that speaks only protocol v1 (404 on login/start)',
      () => () => json(404, { error: 'BAD_REQUEST', message: 'unknown path' }),
      'CS_PROTOCOL_ERROR',
      /does not speak registration protocol version 2/,
    ],
    [
      'a login answer that is not JSON',
      () => () => ({ status: 200, body: '<html>hello</html>' }),
      'CS_PROTOCOL_ERROR',
      /not JSON/,
    ],
    [
      'a login answer of the wrong shape',
      () => () => json(200, { protocol: 2, loginId: 'x' }),
      'CS_PROTOCOL_ERROR',
      /login answer is malformed/,
    ],
    [
      'a register answer of the wrong shape',
      registerAnswers(json(200, { ok: true })),
      'CS_PROTOCOL_ERROR',
      /registration answer is malformed/,
    ],
    [
      'an oversized answer',
      () => () => json(200, { protocol: 2, loginId: 'A'.repeat(43), padding: 'x'.repeat(100_000) }),
      'CS_PROTOCOL_ERROR',
      /larger than 64 KiB/,
    ],
    ['an HTTP 500', () => () => json(500, { error: 'INTERNAL_ERROR' }), 'CS_PROTOCOL_ERROR', /HTTP 500/],
    [
      'LOGIN_INVALID twice',
      registerAnswers(json(400, { error: 'LOGIN_INVALID' })),
      'CS_PROTOCOL_ERROR',
      /two fresh logins/,
    ],
    [
      'a 429 with Retry-After',
      () => () => ({ status: 429, body: JSON.stringify({ error: 'RATE_LIMITED' }), headers: { 'retry-after': '42' } }),
      'CS_RATE_LIMITED',
      /for 42 s/,
    ],
  ])('%s', async (_name, answer, code, message) => {
    const root = await installedRoot();
    const server = await startScriptedServer(answer(await opaqueCsScript('some-passphrase')));
    try {
      const run = await configure(root, ['-i', `127.0.0.1:${server.port}`, '-P', passphraseFile('some-passphrase')]);
      expect(run.code).toBe(1);
      expect(run.result?.error?.code).toBe(code);
      expect(run.result?.error?.message).toMatch(message);
      expect(registration(root)).toBeUndefined();
      // The passphrase itself never crossed the wire.
      for (const request of server.requests()) expect(request).not.toContain('some-passphrase');
    } finally {
      await server.close();
    }
  });

  it('a server that does not hold the record of this passphrase gets the login start and nothing else: CS_AUTH_FAILED', async () => {
    const root = await installedRoot();
    // A server of its own (own OPAQUE setup, a record for another passphrase) that answers the login as a CS would.
    const server = await startScriptedServer(await opaqueCsScript('another-passphrase'));
    try {
      const run = await configure(root, ['-i', `127.0.0.1:${server.port}`, '-P', passphraseFile('some-passphrase')]);
      expect(run.code).toBe(1);
      expect(run.result?.error?.code).toBe('CS_AUTH_FAILED');
      expect(run.result?.error?.message).toMatch(/nothing further was sent/);
      expect(run.result?.error?.remedy).toMatch(/genpassphrase/);
      const requests = server.requests();
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatch(/^\/mobility\/v2\/login\/start \{"startLoginRequest":"[A-Za-z0-9_-]+"\}$/);
      expect(registration(root)).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('retries once with a fresh login after LOGIN_INVALID', async () => {
    const root = await installedRoot();
    const honest = await opaqueCsScript('x-passphrase');
    let registers = 0;
    const server = await startScriptedServer((p, body, fingerprint) => {
      if (p !== REGISTER_PATH) return honest(p, body, fingerprint);
      registers++;
      return json(400, { error: 'LOGIN_INVALID' });
    });
    try {
      await configure(root, ['-i', `127.0.0.1:${server.port}`, '-P', passphraseFile('x-passphrase')]);
      expect(registers).toBe(2);
      expect(server.requests().filter((r) => r.startsWith(`${LOGIN_START_PATH} `))).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

describe('while an install runs', () => {
  it('the configurator says another installation is in progress (exit 3), not that one was interrupted', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('busy-passphrase');
    const dir = scratch.path('failpoint');
    fs.mkdirSync(dir);
    const install = startCli(
      CLI.unifiedAgent,
      ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root],
      { env: { ASRSETUP_TEST_FAILPOINT: 'after-extract', ASRSETUP_TEST_FAILPOINT_DIR: dir } },
    );
    try {
      await waitForFile(path.join(dir, 'after-extract.reached'));
      const run = await configure(root, ['-i', `127.0.0.1:${cs.port}`, '-P', cs.passphraseFile]);
      expect(run.code).toBe(3);
      expect(run.result).toMatchObject({ exitCode: 3, msiCode: 1618, error: { code: 'ANOTHER_INSTALL_RUNNING' } });
      expect(cs.registeredHosts()).toEqual([]);
    } finally {
      fs.writeFileSync(path.join(dir, 'after-extract.continue'), '');
      expect((await install.done).code).toBe(0);
      await cs.close();
    }
  });
});

describe('bad input is refused before any network traffic', () => {
  it.each([
    ['cs.contoso.com', /host name/],
    ['10.0.0.300', /not a valid IPv4/],
    ['10.0.0.5:99999', /outside 1-65535/],
    ['fe80::1%eth0', /zone/],
    ['https://10.0.0.5', /is a URL/],
  ])('endpoint %j is INVALID_ARGUMENT (exit 2, msi 1639)', async (endpoint, message) => {
    const root = await installedRoot();
    const server = await startScriptedServer(() => ({ status: 200, body: '{}' }));
    try {
      const run = await configure(root, ['-i', endpoint, '-P', passphraseFile('x-passphrase')]);
      expect(run.code).toBe(2);
      expect(run.result).toMatchObject({ exitCode: 2, msiCode: 1639, error: { code: 'INVALID_ARGUMENT' } });
      expect(run.result?.error?.message).toMatch(message);
      expect(server.requests()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('missing, empty, folder and unreadable passphrase files are PASSPHRASE_FILE_UNREADABLE', async () => {
    const root = await installedRoot();
    const server = await startScriptedServer(() => ({ status: 200, body: '{}' }));
    try {
      const cases: [string, RegExp][] = [
        [scratch.path('missing'), /does not exist/],
        [passphraseFile(''), /is empty/],
        [passphraseFile('\r\n\n'), /is empty/],
        [scratch.dir, /not a regular file/],
      ];
      for (const [file, message] of cases) {
        const run = await configure(root, ['-i', `127.0.0.1:${server.port}`, '-P', file]);
        expect(run.result?.error?.code, file).toBe('PASSPHRASE_FILE_UNREADABLE');
        expect(run.result?.error?.message).toMatch(message);
        expect(run.code).toBe(2);
      }
      // Unreadable: a root-only file, read by an ordinary user.
      const secret = passphraseFile('root-only-passphrase');
      fs.chmodSync(scratch.dir, 0o755);
      fs.chmodSync(root, 0o755);
      const run = await runCli(
        CLI.configurator,
        ['-i', `127.0.0.1:${server.port}`, '-P', secret, '--json', '--root', root],
        { uid: 65534, gid: 65534 },
      );
      expect(run.result?.error?.code).toBe('PASSPHRASE_FILE_UNREADABLE');
      expect(run.result?.error?.message).toMatch(/permission denied/);
      expect(server.requests()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('refuses a -d folder another user can change, before anything is written (its scripts would run as root)', async () => {
    const root = await installedRoot();
    const cs = await referenceServer('untrusted-location-passphrase');
    try {
      const theirs = path.join(root, 'home', 'mallory', 'asr');
      fs.mkdirSync(theirs, { recursive: true });
      fs.chownSync(path.join(root, 'home', 'mallory'), 65534, 65534);
      const run = await configure(root, [
        '-i',
        `127.0.0.1:${cs.port}`,
        '-P',
        cs.passphraseFile,
        '-d',
        '/home/mallory/asr',
      ]);
      expect(run.code).toBe(2);
      expect(run.result?.error?.code).toBe('INVALID_ARGUMENT');
      expect(run.result?.error?.message).toMatch(/^-d .*belongs to uid 65534/);
      expect(fs.readdirSync(theirs)).toEqual([]);
      expect(fs.readFileSync(path.join(root, 'usr/local/.vx_version'), 'utf8')).not.toContain('mallory');
      expect(cs.registeredHosts()).toEqual([]);
    } finally {
      await cs.close();
    }
  });

  it('NOT_INSTALLED when no agent is installed at the location', async () => {
    const root = makeRoot(scratch);
    const cs = await referenceServer('not-installed-passphrase');
    try {
      const run = await configure(root, ['-i', `127.0.0.1:${cs.port}`, '-P', cs.passphraseFile]);
      expect(run.code).toBe(1);
      expect(run.result?.error?.code).toBe('NOT_INSTALLED');
      expect(run.result?.error?.message).toMatch(/no Mobility service installation at \/usr\/local\/ASR/);
      const elsewhere = await installedRoot();
      const wrongPlace = await configure(elsewhere, [
        '-i',
        `127.0.0.1:${cs.port}`,
        '-P',
        cs.passphraseFile,
        '-d',
        '/opt/asr',
      ]);
      expect(wrongPlace.result?.error?.message).toMatch(/it is installed at \/usr\/local\/ASR/);
      expect(stepStatuses(wrongPlace).check).toBe('Failed');
      expect(cs.registeredHosts()).toEqual([]);
    } finally {
      await cs.close();
    }
  });
});
