import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Server, type ServerChannel } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/push-events';
import { Scratch } from '../engine/test-support/fixtures';
import { CLI, startCli, TOP } from '../engine/test-support/run-cli';

// A server the admin pushes to may be hostile. Here it is an SSH server in this process (ssh2's Server on
// loopback) that answers the push's commands its own way: escape sequences and forged log lines in what it
// reports, or no answer at all while it streams megabytes without a newline. The push must escape every text
// from it (console, JSON, log), keep its memory bounded, and end the server at --host-timeout.

const scratch = new Scratch();
let repository: string;
let key: string;
let hostKey: string;
const servers: Server[] = [];

beforeAll(async () => {
  repository = scratch.path('releases');
  const packed = await startCli(CLI.packAgent, [
    ...['--from', path.join(TOP, 'assets', 'sample-agent'), '--os', 'DEBIAN12-64', '--agent-version', '9.61.0.0'],
    ...['--out', repository, '--with-installer', '--level', '1'],
  ]).done;
  expect(packed.code, packed.stderr).toBe(0);
  const dir = scratch.path('keys');
  fs.mkdirSync(dir, { mode: 0o700 });
  key = path.join(dir, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host')]);
  hostKey = fs.readFileSync(path.join(dir, 'host'), 'utf8');
}, 120_000);

afterAll(() => {
  for (const server of servers) server.close();
  scratch.cleanup();
});

type Answer = (command: string, channel: ServerChannel) => void;

/** An SSH server on loopback that lets any key in (after loginDelayMs) and answers each command with `answer`. */
function hostileServer(answer: Answer, loginDelayMs = 0): Promise<number> {
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on('authentication', (context) => setTimeout(() => context.accept(), loginDelayMs));
    client.on('error', () => undefined);
    client.on('ready', () =>
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (accept, _reject, info) => answer(info.command, accept()));
      }),
    );
  });
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

const ESCAPES = '\u001b]0;owned\u0007\u001b[2J\u001b]8;;http://evil.example/\u0007';

function push(port: number, extra: readonly string[] = [], sshConfig = 'none') {
  const logDir = scratch.path('logs');
  const run = startCli(
    CLI.pushInstall,
    [
      ...['--host', `127.0.0.1:${port}`, '--identity', key, '--ssh-config', sshConfig],
      ...['--known-hosts', scratch.path('known_hosts'), '--accept-new-host-keys', '--log-dir', logDir],
      ...['--repository', repository, '--role', 'MS', '--platform', 'VmWare', ...extra],
    ],
    { timeoutMs: 120_000 },
  );
  return { run, logFile: path.join(logDir, 'ASRPushInstall.log') };
}

/** The one server of a --json push's result. */
function hostResult(stdout: string) {
  const events = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as PushEvent);
  const result = events.find((event) => event.type === 'result');
  return result?.type === 'result' ? result.hosts[0] : undefined;
}

describe('ConnectTimeout, as OpenSSH reads it', () => {
  it('bounds reaching the server and the key exchange, not a slow login after it', async () => {
    const config = scratch.path('ssh_config');
    fs.writeFileSync(config, 'Host *\n  ConnectTimeout 1\n');
    // Logs in after 2.5 s (a loaded server's PAM), then answers `id -u` wrongly: the push logged in and ran it.
    const slowLogin = await hostileServer((_command, channel) => {
      channel.write('no\n');
      channel.exit(1);
      channel.end();
    }, 2500);
    const slow = await push(slowLogin, ['--json'], config).run.done;
    expect(slow.code).toBe(1);
    expect(hostResult(slow.stdout)?.error).toMatchObject({ code: 'PUSH_NOT_ROOT' });

    // Accepts the connection and never says a word: refused once the second is up, not after sshd's grace.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const mute = await push((silent.address() as net.AddressInfo).port, ['--json'], config).run.done;
      expect(mute.code).toBe(1);
      expect(hostResult(mute.stdout)?.error).toMatchObject({ code: 'PUSH_UNREACHABLE' });
      expect(hostResult(mute.stdout)?.error?.message).toMatch(/no SSH answer within the connection timeout \(1 s\)/);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      silent.close();
    }
  }, 120_000);
});

describe('a hostile push target', () => {
  it('cannot put escape sequences or lines of its own into the console, the JSON or the log', async () => {
    const port = await hostileServer((command, channel) => {
      const end = (text: string, code: number): void => {
        channel.write(text);
        channel.exit(code);
        channel.end();
      };
      if (command === 'id -u') return end('0\n', 0);
      if (command.includes('ASR-PUSH-FILE'))
        return end(
          `\u0001ASR-PUSH-FILE /etc/os-release\nID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian ${ESCAPES}"\n`,
          0,
        );
      if (command.includes('ASR-PUSH-COPIED')) {
        channel.on('data', () => undefined);
        const error = {
          code: 'INSTALL_FAILED',
          message: `boom\n[db01.corp] Succeeded ${ESCAPES}`,
          remedy: `fix ${ESCAPES}`,
        };
        return end(`ASR-PUSH-COPIED\n${JSON.stringify({ type: 'result', status: 'Failed', exitCode: 1, error })}\n`, 1);
      }
      if (command.includes('tail')) return end(`2026-12-05T00:00:00.000Z INFO  [db01.corp] Succeeded\n${ESCAPES}\n`, 0);
      end('', 127);
    });
    const plain = push(port);
    const done = await plain.run.done;
    expect(done.code).toBe(1);
    for (const text of [done.stdout + done.stderr, fs.readFileSync(plain.logFile, 'utf8')]) {
      expect(text.includes('\u001b') || text.includes('\u0007')).toBe(false);
      expect(text).toContain('\\x1b]0;owned\\x07');
    }
    const log = fs.readFileSync(plain.logFile, 'utf8');
    // The forged result is on the line of the real message, and the server's log tail is quoted line by line.
    expect(log).not.toMatch(/^\S+ \S+\s+\[db01\.corp\] Succeeded/m);
    expect(log).toMatch(/boom\\n\[db01\.corp\] Succeeded/);
    expect(log).toMatch(/\[127\.0\.0\.1:\d+\] \| 2026-12-05T00:00:00\.000Z INFO {2}\[db01\.corp\] Succeeded/);
    const json = await push(port, ['--json']).run.done;
    const events = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as PushEvent);
    const result = events.find((event) => event.type === 'result');
    expect(result?.type === 'result' && result.hosts[0]?.error?.message).toBe(
      'boom\\n[db01.corp] Succeeded \\x1b]0;owned\\x07\\x1b[2J\\x1b]8;;http://evil.example/\\x07',
    );
  }, 120_000);

  it('that streams without a newline and never ends is cut at --host-timeout (and a grace as long), its lines capped', async () => {
    const port = await hostileServer((command, channel) => {
      if (command === 'id -u') {
        channel.write('0\n');
        channel.exit(0);
        channel.end();
        return;
      }
      if (command.includes('ASR-PUSH-FILE')) {
        channel.write('\u0001ASR-PUSH-FILE /etc/os-release\nID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian 12"\n');
        channel.exit(0);
        channel.end();
        return;
      }
      // The install: "copied", then megabytes without a newline, for ever; stdin closing changes nothing.
      channel.on('data', () => undefined);
      channel.write('ASR-PUSH-COPIED\n');
      const chunk = Buffer.alloc(256 * 1024, 'A');
      const timer = setInterval(() => channel.write(chunk), 5);
      channel.on('close', () => clearInterval(timer));
    });
    const { run } = push(port, ['--host-timeout', '10', '--json']);
    let peakKb = 0;
    const sampler = setInterval(() => {
      try {
        const status = fs.readFileSync(`/proc/${run.child.pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      } catch {
        // Ended.
      }
    }, 50);
    const done = await run.done;
    clearInterval(sampler);
    // It ended by itself (the test's own limit would have killed it with SIGKILL), failing that server.
    expect(done.signal).toBeNull();
    expect(done.code).toBe(1);
    expect(done.stdout).toContain('"stoppedAt":"install"');
    // Lines are cut at 64 KiB and output kept to 4 MiB: memory stays bounded however much the server sends.
    expect(peakKb / 1024).toBeLessThan(250);
  }, 90_000);
});
