import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { SAFE_PATH } from '../engine/system/process-runner';
import type { CliRuntime } from './job-launcher';

// The push CLI as a child of the unprivileged app: no pkexec, an argv array (never a shell string), PATH and
// the runtime's own variables as its whole environment. Secrets reach it on stdin or in a file main made,
// never in argv or the environment. Each stdout line that is a JSON object goes to onLine.

export interface PushChild {
  /** Resolves once the child has exited (and its output is read): its exit code, or null when killed. */
  readonly done: Promise<{ readonly code: number | null; readonly why: string; readonly stderrTail: string }>;
  /** SIGTERM: the CLI turns it into an abort that rolls back what it started on the servers. */
  terminate(): void;
}

export function spawnPushCli(
  runtime: CliRuntime,
  script: string,
  args: readonly string[],
  options: { readonly stdin?: string; readonly onLine: (value: Record<string, unknown>) => void },
): PushChild {
  const child = spawn(runtime.command, [...runtime.nodeOptions, script, ...args], {
    env: { PATH: process.env.PATH ?? SAFE_PATH, ...runtime.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    shell: false,
    windowsHide: true,
  });
  let carry = '';
  let stderrTail = '';
  const onLine = (line: string): void => {
    if (!line.startsWith('{')) return;
    try {
      const value: unknown = JSON.parse(line);
      if (value !== null && typeof value === 'object' && !Array.isArray(value))
        options.onLine(value as Record<string, unknown>);
    } catch {
      // Not a JSON line: the CLI prints only JSON with --json, so this is noise (a runtime warning).
    }
  };
  const stdoutText = new StringDecoder('utf8');
  const stderrText = new StringDecoder('utf8');
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (carry + stdoutText.write(chunk)).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + stderrText.write(chunk)).slice(-4000);
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.stdin ?? '');
  const done = new Promise<{ code: number | null; why: string; stderrTail: string }>((resolve) => {
    let finished = false;
    const finish = (code: number | null, why: string): void => {
      if (finished) return;
      finished = true;
      carry += stdoutText.end();
      if (carry) onLine(carry);
      carry = '';
      resolve({ code, why, stderrTail: stderrTail.trim() });
    };
    let started = false;
    child.on('spawn', () => {
      started = true;
    });
    child.on('error', (error) => {
      if (!started) finish(null, `could not start: ${error.message}`);
    });
    child.on('close', (code, signal) => finish(code, signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  return { done, terminate: () => void child.kill('SIGTERM') };
}
