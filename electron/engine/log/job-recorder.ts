import {
  jobStatusOf,
  type JobEvent,
  type JobStatus,
  type LogLevel,
  type StepKind,
  type StepPlan,
  type StepStatus,
} from '../../../shared/job-events';
import type { SetupError } from '../../../shared/error-catalog';
import { SetupLog, type Redactor } from './setup-log';
import { escapeControls } from '../../../shared/format';

function safeError(error: SetupError): SetupError {
  const clean = (text: string): string => escapeControls(text, { keepNewlines: true });
  return {
    ...error,
    message: clean(error.message),
    remedy: clean(error.remedy),
    ...(error.details ? { details: error.details.map(clean) } : {}),
  };
}

// Turns what a job does into the event stream (for the CLI and the wizard) and the setup log, and keeps
// the step statuses the job's own status is computed from.

export type EventSink = (event: JobEvent) => void;

export interface JobOutcome {
  readonly status: JobStatus;
  readonly error: SetupError | null;
  readonly summary: Readonly<Record<string, string>>;
  readonly logFile: string;
}

export class JobRecorder {
  private readonly finished: { status: StepStatus; optional: boolean }[] = [];
  private current: StepPlan | undefined;
  private planned: readonly StepPlan[] = [];

  constructor(
    private readonly sink: EventSink,
    private readonly log: SetupLog,
    private readonly clock: () => Date,
  ) {}

  get logFile(): string {
    return this.log.file;
  }

  started(job: 'install' | 'register'): void {
    this.sink({ type: 'job-started', job, time: this.clock().toISOString(), logFile: this.log.file });
  }

  /** Announces every step the job expects to run, so the wizard can list them all as Waiting from the start. */
  plan(steps: readonly StepPlan[]): void {
    // Component titles come from the package: events reach terminals too.
    this.planned = steps.map((step) => ({ ...step, title: escapeControls(step.title) }));
    this.log.write('info', `Plan: ${this.planned.map((step) => step.title).join('; ')}`, this.clock());
    this.sink({ type: 'plan', steps: this.planned });
  }

  /** Puts the steps a placeholder stood for in its place (no steps: it goes) and announces the new plan. */
  expandPlan(placeholderId: string, steps: readonly StepPlan[]): void {
    if (!this.planned.some((step) => step.id === placeholderId)) return;
    this.plan(this.planned.flatMap((step) => (step.id === placeholderId ? steps : [step])));
  }

  step(id: string, kind: StepKind, title: string, optional = false): StepPlan {
    const plan: StepPlan = { id, kind, title, optional };
    this.current = plan;
    const time = this.clock();
    this.log.write('info', `[${id}] ${title}: started`, time);
    this.sink({ type: 'step-started', step: plan, time: time.toISOString() });
    return plan;
  }

  progress(step: StepPlan, bytesDone: number, bytesTotal: number, filesDone: number, filesTotal: number): void {
    this.sink({ type: 'step-progress', stepId: step.id, bytesDone, bytesTotal, filesDone, filesTotal });
  }

  finish(step: StepPlan, status: StepStatus, rawMessage: string, rawError?: SetupError): void {
    const time = this.clock();
    // Messages may quote a server's answer or a package's strings: events reach terminals too.
    const message = escapeControls(rawMessage, { keepNewlines: true });
    const error = rawError && safeError(rawError);
    this.finished.push({ status, optional: step.optional });
    const level: LogLevel = status === 'Failed' ? 'error' : status === 'Warning' ? 'warn' : 'info';
    this.log.write(level, `[${step.id}] ${step.title}: ${status}${message ? `: ${message}` : ''}`, time);
    if (error)
      this.log.write(
        level,
        `[${step.id}] ${error.code}: ${error.message}${error.details ? `\n${error.details.map((d) => `  - ${d}`).join('\n')}` : ''}\n  Remedy: ${error.remedy}`,
        time,
      );
    this.sink({
      type: 'step-finished',
      stepId: step.id,
      status,
      message,
      ...(error ? { error } : {}),
      time: time.toISOString(),
    });
    if (this.current === step) this.current = undefined;
  }

  note(level: LogLevel, rawMessage: string): void {
    const time = this.clock();
    const message = escapeControls(rawMessage, { keepNewlines: true });
    this.log.write(level, this.tagged(message), time);
    this.sink({ type: 'log', level, message, time: time.toISOString() });
  }

  /**
   * Log-file-only detail (component output, file lists) that would flood the event stream. It is text from
   * outside, one line: a newline or CR in it is shown, never written, so it cannot forge a line of ours.
   */
  detail(message: string): void {
    const line = escapeControls(message);
    this.log.write('debug', this.tagged(line));
  }

  /**
   * A line of a running step's own output (a component's stdout and stderr): in the log, and to the wizard's
   * details as a debug line, so a long component shows what it is doing. The caller caps how many are sent.
   */
  output(message: string): void {
    const time = this.clock();
    const line = escapeControls(message);
    this.log.write('debug', this.tagged(line), time);
    this.sink({ type: 'log', level: 'debug', message: line, time: time.toISOString() });
  }

  /** A log line as the running step's: its id in brackets before it. */
  private tagged(line: string): string {
    return this.current ? `[${this.current.id}] ${line}` : line;
  }

  /** The job's status from the steps finished so far. */
  status(): JobStatus {
    return jobStatusOf(this.finished);
  }

  outcome(rawError: SetupError | null, summary: Record<string, string> = {}): JobOutcome {
    const error = rawError && safeError(rawError);
    const status: JobStatus = error ? 'Failed' : jobStatusOf(this.finished);
    const time = this.clock();
    if (error)
      this.log.write('error', `Result: Failed: ${error.code}: ${error.message}\n  Remedy: ${error.remedy}`, time);
    else this.log.write(status === 'Warning' ? 'warn' : 'info', `Result: ${status}`, time);
    return { status, error, summary, logFile: this.log.file };
  }
}

export interface JobStart {
  readonly job: 'install' | 'register';
  /** The log header's title, e.g. "Mobility Service Setup (installer)". */
  readonly title: string;
  readonly version: string;
  readonly logFile: string;
  readonly redactor: Redactor;
  /** For the log header; already free of secrets. */
  readonly argv: readonly string[];
  readonly emit: EventSink;
  readonly clock: () => Date;
  /** The steps the job expects to run, announced right after it starts. */
  readonly plan?: readonly StepPlan[];
}

/** Opens the job's setup log (a log that cannot be opened is a warning, not a failure) and starts the job. */
export function startJob(start: JobStart): { readonly job: JobRecorder; readonly log: SetupLog } {
  const log = new SetupLog(start.logFile, start.redactor, start.clock);
  const logProblem = log.open({ title: start.title, version: start.version, argv: start.argv, time: start.clock() });
  const job = new JobRecorder(start.emit, log, start.clock);
  job.started(start.job);
  if (start.plan) job.plan(start.plan);
  if (logProblem) job.note('warn', logProblem);
  return { job, log };
}
