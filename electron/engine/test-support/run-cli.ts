import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JobEvent } from '../../../shared/job-events';

// Runs the built command-line tools (dist/cli/*.cjs) as an admin would, and collects their output.

export const TOP = path.resolve(__dirname, '..', '..', '..');
export const CLI = {
  unifiedAgent: path.join(TOP, 'dist', 'cli', 'unified-agent.cjs'),
  packAgent: path.join(TOP, 'dist', 'cli', 'pack-agent.cjs'),
  configurator: path.join(TOP, 'dist', 'cli', 'unified-agent-configurator.cjs'),
  pushInstall: path.join(TOP, 'dist', 'cli', 'push-install.cjs'),
} as const;

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: JobEvent[];
  readonly result: Extract<JobEvent, { type: 'result' }> | undefined;
}

export interface CliOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
  readonly timeoutMs?: number;
  readonly input?: string;
  /** Writes the input but leaves stdin open, for a test that says more (or closes it) later. */
  readonly keepStdinOpen?: boolean;
}

export function startCli(
  script: string,
  args: readonly string[],
  options: CliOptions = {},
): { child: ChildProcess; done: Promise<CliRun> } {
  if (!fs.existsSync(script)) throw new Error(`${script} is missing: run "npm run build" before the tests`);
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH, ...options.env },
    uid: options.uid,
    gid: options.gid,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  if (options.keepStdinOpen) child.stdin?.write(options.input ?? '');
  else child.stdin?.end(options.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const events: JobEvent[] = [];
      for (const line of stdout.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          events.push(JSON.parse(line) as JobEvent);
        } catch {
          // Not an event line.
        }
      }
      const result = [...events].reverse().find((e): e is Extract<JobEvent, { type: 'result' }> => e.type === 'result');
      resolve({ code, signal, stdout, stderr, events, result });
    });
  });
  return { child, done };
}

export function runCli(script: string, args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  return startCli(script, args, options).done;
}

export async function waitForFile(file: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!fs.existsSync(file)) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function stepStatuses(run: CliRun): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const event of run.events) if (event.type === 'step-finished') statuses[event.stepId] = event.status;
  return statuses;
}
