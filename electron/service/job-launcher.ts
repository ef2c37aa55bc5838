import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { setupError, type SetupError } from '../../shared/error-catalog';
import type { ElevationMode, JobKind } from '../../shared/ipc-contract';
import type { JobEvent } from '../../shared/job-events';
import { resultCodes } from '../../shared/exit-codes';
import { SAFE_PATH } from '../engine/system/process-runner';

// Runs the privileged work in a child process: the same CLI entry an admin runs, in --json mode, spawned
// with an argv array (never a shell string). When the app is not elevated on Linux the child runs under
// pkexec, and pkexec runs one program only: the app's root helper at the fixed path its polkit action
// names (assets/polkit/), which finds the runtime and the CLIs from its own fixed folder. Nothing of the
// unprivileged caller's environment reaches root, and every path argument is checked again as root.
// Secrets go to the child's stdin, never its argv. The child's JSON lines become job events.

export interface CliRuntime {
  /** The program that runs a CLI bundle (node, or the app binary run as Node). */
  readonly command: string;
  /** Environment the program needs (ELECTRON_RUN_AS_NODE=1 for the app binary). */
  readonly env: Readonly<Record<string, string>>;
  /** Options for the program before the script, e.g. --max-semi-space-size=1. */
  readonly nodeOptions: readonly string[];
}

export interface SpawnPlan {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

/** Where the .deb installs the root helper; its polkit action allows exactly this program. */
export const ROOT_HELPER_PATH = '/opt/mobility-service-setup/resources/asr-setup-helper';
export const POLKIT_ACTION = 'com.microsoft.asr.mobility-service-setup.run';

/** How an unprivileged app gets root: pkexec, running the installed root helper. */
export interface Elevator {
  readonly pkexec: string;
  readonly helper: string;
}

/** The helper's two commands: the installer and the configurator. */
export type HelperCommand = 'install' | 'configure';

export function elevationModeFor(
  platform: NodeJS.Platform,
  uid: number | undefined,
  elevator: Elevator | undefined,
): ElevationMode {
  if (platform === 'win32') return 'elevated';
  if (uid === 0) return 'elevated';
  return elevator?.pkexec && elevator.helper ? 'will-prompt' : 'unavailable';
}

/** The exact argv for a CLI run; under pkexec, the root helper and its command come first. */
export function spawnPlan(
  runtime: CliRuntime,
  script: string,
  cliArgs: readonly string[],
  elevation: ElevationMode,
  elevator: Elevator | undefined,
  helperCommand: HelperCommand,
): SpawnPlan {
  if (elevation === 'will-prompt' && elevator)
    return { command: elevator.pkexec, args: [elevator.helper, helperCommand, ...cliArgs], env: { PATH: SAFE_PATH } };
  const env: Record<string, string> = { PATH: process.env.PATH ?? SAFE_PATH, ...runtime.env };
  return { command: runtime.command, args: [...runtime.nodeOptions, script, ...cliArgs], env };
}

export interface RunningJob {
  readonly jobId: string;
  readonly kind: JobKind;
  cancel(): void;
  readonly done: Promise<Extract<JobEvent, { type: 'result' }>>;
}

export interface LaunchOptions {
  readonly kind: JobKind;
  readonly plan: SpawnPlan;
  /** Written to the child's stdin, which is then closed (the configurator reads its passphrase there). */
  readonly stdin?: string;
  /** Keep stdin open, and close it to cancel (install and register run with --cancel-on-stdin-eof). */
  readonly cancelByClosingStdin?: boolean;
  /** The child runs under pkexec as root: it cannot be signalled, only its stdin closed. */
  readonly elevated?: boolean;
  readonly onEvent: (event: JobEvent) => void;
}

/**
 * A child that ends without a result after our Cancel was stopped by us: cancelled, not failed. Dying of the
 * signal means it had not yet set up its own handler (the CLI's handler cancels and rolls back instead), so
 * it had changed nothing; any other end leaves at most a journal, which the next run settles.
 */
export function cancelledBeforeAnswer(why: string): SetupError {
  if (why.startsWith('killed by '))
    return setupError(
      'CANCELLED',
      `setup was cancelled: the setup process was stopped by the cancel (${why.slice('killed by '.length)}) before it could answer, so nothing was changed`,
    );
  return setupError(
    'CANCELLED',
    `setup was cancelled: the setup process ended after the cancel (${why}) before it reported its result`,
    'Run setup again when ready: if this run had begun to change the machine, the next run undoes that first.',
  );
}

export function launchJob(options: LaunchOptions): RunningJob {
  const jobId = randomUUID();
  const child: ChildProcess = spawn(options.plan.command, [...options.plan.args], {
    env: options.plan.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    shell: false,
    windowsHide: true,
  });
  let sawResult: Extract<JobEvent, { type: 'result' }> | undefined;
  let cancelRequested = false;
  let stderrTail = '';
  let carry = '';
  const onLine = (line: string): void => {
    if (!line.startsWith('{')) return;
    let event: JobEvent;
    try {
      event = JSON.parse(line) as JobEvent;
    } catch {
      return;
    }
    if (event.type === 'result') sawResult = event;
    options.onEvent(event);
  };
  // Decoders keep a character split across two pipe reads whole.
  const stdoutText = new StringDecoder('utf8');
  const stderrText = new StringDecoder('utf8');
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (carry + stdoutText.write(chunk)).split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail = (stderrTail + stderrText.write(chunk)).slice(-4000);
  });
  // With cancel-by-closing, what is written (the passphrase line) leaves the pipe open for the cancel.
  if (options.stdin !== undefined && options.cancelByClosingStdin) child.stdin?.write(options.stdin);
  else if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  else if (!options.cancelByClosingStdin) child.stdin?.end();
  child.stdin?.on('error', () => undefined);
  const done = new Promise<Extract<JobEvent, { type: 'result' }>>((resolve) => {
    let finished = false;
    const finish = (why: string): void => {
      // A program that cannot start reports 'error' and then 'close': the job still ends once.
      if (finished) return;
      finished = true;
      carry += stdoutText.end();
      if (carry) onLine(carry);
      carry = '';
      if (sawResult) {
        resolve(sawResult);
        return;
      }
      // The child died without a result line (killed, crashed, pkexec refused): still end the job.
      const dismissed = /dismissed|Not authorized|Request dismissed/i.test(stderrTail);
      const error = cancelRequested
        ? cancelledBeforeAnswer(why)
        : dismissed
          ? setupError(
              'NOT_ELEVATED',
              'administrator rights were not granted',
              'Select Install again and enter an administrator password when asked.',
            )
          : setupError(
              'INSTALL_FAILED',
              `setup stopped unexpectedly (${why})${stderrTail ? `: ${stderrTail.trim().split('\n').slice(-3).join(' ')}` : ''}`,
            );
      const codes = resultCodes('Failed', error, process.platform);
      const result: Extract<JobEvent, { type: 'result' }> = {
        type: 'result',
        status: 'Failed',
        exitCode: codes.exitCode,
        msiCode: codes.msiCode,
        error,
      };
      options.onEvent(result);
      resolve(result);
    };
    let started = false;
    child.on('spawn', () => {
      started = true;
    });
    // After the start, an 'error' is a failed signal (an elevated child cannot be signalled): not the end.
    child.on('error', (error) => {
      if (!started) finish(`could not start: ${error.message}`);
    });
    child.on('close', (code, signal) => finish(signal ? `killed by ${signal}` : `exit code ${code}`));
  });
  return {
    jobId,
    kind: options.kind,
    cancel: () => {
      cancelRequested = true;
      if (options.cancelByClosingStdin) child.stdin?.end();
      // A child running as ourselves is also signalled; one under pkexec (root) only hears the closed pipe.
      if (!options.elevated) child.kill('SIGTERM');
    },
    done,
  };
}
