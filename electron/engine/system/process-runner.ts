import { spawn } from 'node:child_process';

// Runs a package's component scripts and service commands: argv arrays, never a shell; a scrubbed
// environment; its own process group so a timeout or a cancel stops everything it started.

export type ProcessOutcome =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'killed'; readonly signal: string }
  | { readonly kind: 'timed-out'; readonly afterMs: number }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'spawn-failed'; readonly message: string };

export interface RunOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ProcessRunner {
  run(command: string, args: readonly string[], options: RunOptions): Promise<ProcessOutcome>;
}

/** The variables a child may inherit; everything else (tokens, proxies with passwords...) stays behind. */
const INHERITED = ['LANG', 'LC_ALL', 'TZ', 'SystemRoot', 'windir', 'TEMP', 'TMP', 'ComSpec', 'PATHEXT'];

/**
 * The PATH root's children get, whatever the caller's was: systemctl, sc.exe and the components are looked
 * up in root's own folders only, never in one an unprivileged caller (the wizard's user) put first.
 */
export const SAFE_PATH =
  process.platform === 'win32'
    ? `${process.env.SystemRoot ?? 'C:\\Windows'}\\System32;${process.env.SystemRoot ?? 'C:\\Windows'}`
    : '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function scrubbedEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, PATH: SAFE_PATH, ...extra };
}

function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let carry = '';
  return {
    push(chunk) {
      const text = carry + chunk.toString('utf8');
      const lines = text.split(/\r?\n/);
      carry = lines.pop() ?? '';
      // Bound a runaway line without a newline.
      if (carry.length > 64 * 1024) {
        emit(carry);
        carry = '';
      }
      for (const line of lines) emit(line);
    },
    end() {
      if (carry) emit(carry);
      carry = '';
    },
  };
}

export const liveProcessRunner: ProcessRunner = {
  run(command, args, options) {
    return new Promise((resolve) => {
      if (options.signal?.aborted) {
        resolve({ kind: 'cancelled' });
        return;
      }
      let settled = false;
      let reason: 'timeout' | 'cancel' | undefined;
      const child = spawn(command, [...args], {
        cwd: options.cwd,
        env: options.env,
        shell: false,
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
      const killGroup = (): void => {
        try {
          if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // Already gone.
        }
      };
      const timer = setTimeout(() => {
        reason = 'timeout';
        killGroup();
      }, options.timeoutMs);
      const onAbort = (): void => {
        reason = 'cancel';
        killGroup();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const out = lineSplitter((line) => options.onOutput?.(line, 'stdout'));
      const err = lineSplitter((line) => options.onOutput?.(line, 'stderr'));
      child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
      const finish = (outcome: ProcessOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        out.end();
        err.end();
        resolve(outcome);
      };
      child.on('error', (error) => finish({ kind: 'spawn-failed', message: error.message }));
      const outcomeOf = (code: number | null, signal: NodeJS.Signals | null): ProcessOutcome => {
        if (reason === 'timeout') return { kind: 'timed-out', afterMs: options.timeoutMs };
        if (reason === 'cancel') return { kind: 'cancelled' };
        if (signal) return { kind: 'killed', signal };
        return { kind: 'exited', code: code ?? 1 };
      };
      // The step ends when the program exits, not when its output pipes close: a daemon it started in the
      // background may hold them open for ever. Late output gets a moment; after that the pipes are still
      // drained (closing them would kill the daemon with SIGPIPE) but no longer keep setup running.
      child.on('exit', (code, signal) => {
        const outcome = outcomeOf(code, signal);
        const grace = setTimeout(() => {
          for (const stream of [child.stdout, child.stderr])
            (stream as (typeof stream & { unref?: () => void }) | null)?.unref?.();
          finish(outcome);
        }, 250);
        child.once('close', () => {
          clearTimeout(grace);
          finish(outcome);
        });
      });
    });
  },
};

export function describeOutcome(outcome: ProcessOutcome): string {
  switch (outcome.kind) {
    case 'exited':
      return `exited with code ${outcome.code}`;
    case 'killed':
      return `was killed by ${outcome.signal}`;
    case 'timed-out':
      return `did not finish within ${Math.round(outcome.afterMs / 1000)} s and was stopped`;
    case 'cancelled':
      return 'was stopped because setup was cancelled';
    case 'spawn-failed':
      return `could not be started (${outcome.message})`;
  }
}
