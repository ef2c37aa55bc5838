import type { SetupError } from '../../shared/error-catalog';
import { formatBytes } from '../../shared/format';
import { resultCodes } from '../../shared/exit-codes';
import type { JobEvent, JobStatus, StepStatus } from '../../shared/job-events';
import type { JobOutcome } from '../engine/log/job-recorder';

// How a run looks on the console: JSON lines for tools (--json), a live progress display on a terminal,
// plain step lines when piped, and near silence with /Silent (-q), where only the outcome is printed.

export type OutputMode = 'json' | 'tty' | 'plain' | 'silent';

export interface ConsoleStreams {
  readonly stdout: {
    write(text: string): unknown;
    readonly isTTY?: boolean;
    readonly columns?: number;
    readonly rows?: number;
  };
  readonly stderr: { write(text: string): unknown };
}

export function chooseOutputMode(json: boolean, silent: boolean, stdoutIsTty: boolean): OutputMode {
  if (json) return 'json';
  if (silent) return 'silent';
  return stdoutIsTty ? 'tty' : 'plain';
}

const MARK: Record<StepStatus, string> = { Succeeded: '✔', Warning: '!', Failed: '✖', Skipped: '-' };
const COLOUR: Record<StepStatus, string> = {
  Succeeded: '\u001b[32m',
  Warning: '\u001b[33m',
  Failed: '\u001b[31m',
  Skipped: '\u001b[90m',
};
const RESET = '\u001b[0m';

function bar(done: number, total: number, width: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)
    .toString()
    .padStart(3)}%`;
}

export function formatFailure(error: SetupError, logFile: string | undefined): string {
  const details = error.details ? `${error.details.map((d) => `  - ${d}`).join('\n')}\n` : '';
  return `Error ${error.code}: ${error.message}\n${details}Remedy: ${error.remedy}\n${logFile ? `Log: ${logFile}\n` : ''}`;
}

export class ConsoleRenderer {
  private readonly titles = new Map<string, string>();
  private progressShown = false;
  private logFile: string | undefined;

  constructor(
    private readonly mode: OutputMode,
    private readonly streams: ConsoleStreams,
  ) {}

  event(event: JobEvent): void {
    if (this.mode === 'json') {
      this.streams.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    switch (event.type) {
      case 'job-started':
        this.logFile = event.logFile;
        if (this.mode !== 'silent') this.streams.stdout.write(`Setup log: ${event.logFile}\n`);
        return;
      case 'plan':
        for (const step of event.steps) this.titles.set(step.id, step.title);
        if (this.mode !== 'silent')
          this.line(`Plan: ${event.steps.map((step, index) => `${index + 1}. ${step.title}`).join('; ')}`, false);
        return;
      case 'step-started':
        this.titles.set(event.step.id, event.step.title);
        if (this.mode === 'tty') this.line(`  … ${event.step.title}`, true);
        return;
      case 'step-progress':
        if (this.mode === 'tty') {
          const title = this.titles.get(event.stepId) ?? event.stepId;
          this.line(
            `  … ${title} ${bar(event.bytesDone, event.bytesTotal, 24)} ${event.filesDone}/${event.filesTotal} files, ${formatBytes(event.bytesDone)}`,
            true,
          );
        }
        return;
      case 'step-finished': {
        if (this.mode === 'silent') return;
        const title = this.titles.get(event.stepId) ?? event.stepId;
        const text = `${MARK[event.status]} ${title}: ${event.status}${event.message ? ` (${event.message})` : ''}`;
        if (this.mode === 'tty') this.line(`  ${COLOUR[event.status]}${text}${RESET}`, false);
        else this.streams.stdout.write(`[${event.stepId}] ${text}\n`);
        return;
      }
      case 'log':
        if (this.mode === 'plain' || (this.mode === 'tty' && event.level !== 'debug')) {
          if (event.level === 'warn' || event.level === 'error')
            this.line(`    ${event.level}: ${event.message}`, false);
        }
        return;
      case 'result':
        this.result(event);
        return;
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  }

  private result(event: Extract<JobEvent, { type: 'result' }>): void {
    this.clearProgress();
    if (event.error) {
      this.streams.stderr.write(formatFailure(event.error, this.logFile));
      return;
    }
    const summary = event.summary ?? {};
    const what = Object.entries(summary)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    this.streams.stdout.write(`${event.status}${what ? `: ${what}` : ''}\n`);
  }

  private line(text: string, transient: boolean): void {
    if (this.mode !== 'tty') {
      this.streams.stdout.write(`${text}\n`);
      return;
    }
    const width = Math.max(20, (this.streams.stdout.columns ?? 100) - 1);
    const clipped = text.length > width && transient ? `${text.slice(0, width - 1)}…` : text;
    this.streams.stdout.write(`\r\u001b[2K${clipped}${transient ? '' : '\n'}`);
    this.progressShown = transient;
  }

  private clearProgress(): void {
    if (this.progressShown) this.streams.stdout.write('\r\u001b[2K');
    this.progressShown = false;
  }
}

/** Prints the result event (the last line with --json) and returns the process exit code. */
/** A finished job's result: its summary and log file when it succeeded, its error when not. */
export function emitOutcome(renderer: ConsoleRenderer, outcome: JobOutcome): number {
  return emitResult(
    renderer,
    outcome.status,
    outcome.error,
    outcome.error
      ? Object.keys(outcome.summary).length > 0
        ? outcome.summary
        : undefined
      : { ...outcome.summary, logFile: outcome.logFile },
  );
}

export function emitResult(
  renderer: ConsoleRenderer,
  status: JobStatus,
  error: SetupError | null,
  summary?: Record<string, string>,
): number {
  const codes = resultCodes(status, error, process.platform);
  renderer.event({
    type: 'result',
    status,
    exitCode: codes.exitCode,
    msiCode: codes.msiCode,
    error,
    ...(summary ? { summary } : {}),
  });
  return codes.exitCode;
}
