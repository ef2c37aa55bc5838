import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { haveTime, TIME } from './bench-options';
import { inCgroup } from './controller-cgroups';

// The processes bench/push-install measures: run under /usr/bin/time (peak RSS and CPU from wait4), their
// stdout read line by line as it arrives, and killed with everything under them when they run too long.

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
  /** user + system CPU seconds of the process and every descendant it waited for. */
  readonly cpuS: number | undefined;
  /** Peak RSS of the process (or of its largest waited-for descendant), from wait4. */
  readonly maxRssMb: number | undefined;
}

interface RunOptions {
  readonly stdin?: string | number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs: number;
  readonly keepStdout?: boolean;
  readonly onStdoutLine?: (line: string, at: number) => void;
  readonly onSpawn?: (pid: number) => void;
}

export type RunMeasured = (argv: readonly string[], options: RunOptions) => Promise<Finished>;

/**
 * How one run of the bench runs what it measures: /usr/bin/time writes its figures in `statDir`, and every
 * process joins the controller's cgroup (`cgroupProcs`, its cgroup.procs; controller-cgroups.ts), if it has one.
 */
export function measuredRunner(statDir: string, cgroupProcs: string | undefined): RunMeasured {
  let count = 0;
  return (argv, options) => runMeasured(argv, options, path.join(statDir, `time-${++count}.txt`), cgroupProcs);
}

export function readChildren(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // gone already
  }
}

/** Kills a process and everything under it, by pid, deepest first. */
export function killTree(pid: number): void {
  for (const child of readChildren(pid)) killTree(child);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** The ssh ControlMaster processes whose sockets are in `controlDir`. */
export function sshMasters(controlDir: string): number[] {
  const pids: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.startsWith('ssh') && argv.some((arg) => arg.includes(controlDir))) pids.push(Number(pid));
    } catch {
      // gone
    }
  }
  return pids;
}

function readVmHwmKb(pid: number): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return hwm ? Number(hwm[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs argv, timing it; under /usr/bin/time when installed (exact peak RSS and CPU from wait4), otherwise
 * sampling VmHWM every 50 ms.
 */
function runMeasured(
  argv: readonly string[],
  options: RunOptions,
  statFile: string,
  cgroupProcs: string | undefined,
): Promise<Finished> {
  const full = inCgroup(cgroupProcs, haveTime ? [TIME, '-f', '%M %U %S', '-o', statFile, ...argv] : argv);
  const [file, ...rest] = full as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, rest, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [typeof options.stdin === 'number' ? options.stdin : 'pipe', 'pipe', 'pipe'],
    });
    if (child.pid) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let carry = '';
    let timedOut = false;
    let peakKb = 0;
    // Without /usr/bin/time the child is the measured process itself.
    const sampler = haveTime
      ? undefined
      : setInterval(() => (peakKb = Math.max(peakKb, readVmHwmKb(child.pid ?? 0))), 50);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killTree(child.pid);
    }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (options.keepStdout !== false && stdout.length < 16 * 1024 * 1024) stdout += text;
      if (!options.onStdoutLine) return;
      const at = Date.now();
      const lines = (carry + text).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) options.onStdoutLine(line, at);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 1024 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - start;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      if (carry && options.onStdoutLine) options.onStdoutLine(carry, Date.now());
      let cpuS: number | undefined;
      let maxRssMb: number | undefined = peakKb > 0 ? peakKb / 1024 : undefined;
      if (haveTime) {
        try {
          // "Command exited with non-zero status N" may come first; the format line is the last.
          const lines = fs.readFileSync(statFile, 'utf8').trim().split('\n');
          const [rssKb, user, system] = (lines[lines.length - 1] ?? '').trim().split(/\s+/).map(Number);
          if (rssKb !== undefined && Number.isFinite(rssKb)) maxRssMb = rssKb / 1024;
          if (user !== undefined && system !== undefined && Number.isFinite(user + system)) cpuS = user + system;
          fs.rmSync(statFile, { force: true });
        } catch {
          // killed before it wrote
        }
        // /usr/bin/time exits with the command's status; a signal shows as 128 + N.
      }
      resolve({ code, signal, stdout, stderr, ms, timedOut, cpuS, maxRssMb });
    });
    if (typeof options.stdin !== 'number') {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.stdin ?? '');
    }
  });
}
