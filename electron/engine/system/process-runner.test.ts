import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { liveProcessRunner, scrubbedEnv } from './process-runner';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-runner-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('component runner', () => {
  it('ends with the program, even when a daemon it started keeps the output pipes open', async () => {
    const lines: string[] = [];
    const outcome = await liveProcessRunner.run(
      script('daemon.sh', 'sleep 30 &\necho provider installed\nexit 0'),
      [],
      { cwd: dir, env: scrubbedEnv({}), timeoutMs: 5_000, onOutput: (line) => lines.push(line) },
    );
    expect(outcome).toEqual({ kind: 'exited', code: 0 });
    expect(lines).toEqual(['provider installed']);
  });

  it('leaves such a daemon running: its late output does not kill it', async () => {
    const flag = path.join(dir, 'daemon-survived');
    const outcome = await liveProcessRunner.run(
      script('late.sh', `(sleep 1; echo late; touch ${flag}) &\necho started`),
      [],
      { cwd: dir, env: scrubbedEnv({}), timeoutMs: 5_000 },
    );
    expect(outcome).toEqual({ kind: 'exited', code: 0 });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(fs.existsSync(flag)).toBe(true);
  });

  it('reports the exit code, a timeout, and a cancel', async () => {
    expect(
      await liveProcessRunner.run(script('fail.sh', 'exit 7'), [], {
        cwd: dir,
        env: scrubbedEnv({}),
        timeoutMs: 5_000,
      }),
    ).toEqual({ kind: 'exited', code: 7 });
    expect(
      await liveProcessRunner.run(script('slow.sh', 'sleep 30'), [], {
        cwd: dir,
        env: scrubbedEnv({}),
        timeoutMs: 300,
      }),
    ).toEqual({ kind: 'timed-out', afterMs: 300 });
    const controller = new AbortController();
    const running = liveProcessRunner.run(script('wait.sh', 'sleep 30'), [], {
      cwd: dir,
      env: scrubbedEnv({}),
      timeoutMs: 10_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    expect(await running).toEqual({ kind: 'cancelled' });
  });

  it('gives the component a scrubbed environment plus what setup adds', async () => {
    process.env.ASR_SECRET_TOKEN_FOR_TEST = 'must-not-leak';
    const lines: string[] = [];
    await liveProcessRunner.run(script('env.sh', 'env'), [], {
      cwd: dir,
      env: scrubbedEnv({ INSTALL_DIR: '/usr/local/ASR' }),
      timeoutMs: 5_000,
      onOutput: (line) => lines.push(line),
    });
    delete process.env.ASR_SECRET_TOKEN_FOR_TEST;
    expect(lines).toContain('INSTALL_DIR=/usr/local/ASR');
    expect(lines.some((line) => line.includes('must-not-leak'))).toBe(false);
  });
});
