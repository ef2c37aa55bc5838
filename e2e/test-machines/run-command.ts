import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

// Every host-side step of the test machines (ip, mount, ssh-keygen, nsenter) is an external command; one runner
// with a timeout that kills the whole process group keeps a stuck step from outliving a test.

export interface CommandResult {
  /** Exit code, or null when the command was killed by a signal (a timeout among them). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface CommandOptions {
  input?: string | Buffer;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** A small, predictable environment for the tools we start: no test-runner variables leak into the machines. */
export const TOOL_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
};

const DEFAULT_TIMEOUT_MS = 30_000;

export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('runCommand: empty argv'));
  return new Promise((resolve, reject) => {
    // detached: its own process group, so a timeout also kills what it forked (nsenter -p forks, for one).
    const child = spawn(file, args, { env: options.env ?? TOOL_ENV, stdio: 'pipe', detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command that must succeed; the error names the command and what it printed. */
export async function mustRun(argv: readonly string[], options: CommandOptions = {}): Promise<string> {
  const result = await runCommand(argv, options);
  if (result.code !== 0) {
    const why = result.timedOut ? 'timed out' : `exited ${result.code ?? result.signal}`;
    throw new Error(`${argv.join(' ')} ${why}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}

/** Synchronous and failure-tolerant: for the process 'exit' handler, where nothing asynchronous runs. */
export function runCommandSync(
  argv: readonly string[],
  timeoutMs = 10_000,
  env: NodeJS.ProcessEnv = TOOL_ENV,
): number | null {
  const [file, ...args] = argv;
  if (file === undefined) return null;
  const result = spawnSync(file, args, { env, stdio: 'ignore', timeout: timeoutMs });
  return result.status;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Runs a delete command; fails only if what it deletes (`marker`) is still there afterwards. */
export async function deleteUnlessGone(argv: readonly string[], marker: string): Promise<void> {
  if (!fs.existsSync(marker)) return;
  const result = await runCommand(argv);
  if (result.code !== 0 && fs.existsSync(marker)) {
    throw new Error(`${argv.join(' ')} exited ${result.code ?? result.signal}: ${result.stderr.trim()}`);
  }
}
