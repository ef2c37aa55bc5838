import type { SetupError } from '../../shared/error-catalog';
import type { JobEvent, JobStatus, LogLevel, StepKind, StepPlan, StepStatus } from '../../shared/job-events';
import { message, type Text } from '../i18n/message';
import type { MessageId } from '../i18n/messages-en';

// A job as the wizard shows it, folded from its event stream by one pure reducer.

/**
 * Cancelled: the step that was running (or stopped by the cancel) when the admin cancelled. RolledBack: a step
 * that had changed the system and was undone when the job failed or was cancelled.
 */
export type StepState = 'pending' | 'running' | StepStatus | 'Cancelled' | 'RolledBack';

/** How each state reads (the step list, the details pane). */
export const STEP_STATE_MESSAGE: Readonly<Record<StepState, MessageId>> = {
  pending: 'stepState.pending',
  running: 'stepState.running',
  Succeeded: 'stepState.succeeded',
  Warning: 'stepState.warning',
  Failed: 'stepState.failed',
  Skipped: 'stepState.skipped',
  Cancelled: 'stepState.cancelled',
  RolledBack: 'stepState.rolledBack',
};

export interface JobStep {
  readonly id: string;
  readonly kind: StepKind;
  readonly title: string;
  readonly optional: boolean;
  readonly state: StepState;
  readonly message: string;
  readonly error?: SetupError;
}

export interface JobProgress {
  readonly stepId: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly filesDone: number;
  readonly filesTotal: number;
}

export interface DetailLine {
  readonly time: string;
  readonly level: LogLevel;
  /** The engine's log lines as sent; the lines the wizard writes itself (a step started, ended) as messages. */
  readonly text: Text;
}

export interface JobView {
  readonly jobId: string;
  readonly logFile: string | undefined;
  readonly steps: readonly JobStep[];
  readonly progress: JobProgress | undefined;
  readonly details: readonly DetailLine[];
  /** When the job reported its start, and the time of its last report once it has ended (for the elapsed time). */
  readonly startedAt: string | undefined;
  readonly endedAt: string | undefined;
  readonly result:
    | {
        readonly status: JobStatus;
        readonly error: SetupError | null;
        readonly summary: Readonly<Record<string, string>>;
      }
    | undefined;
}

/** The details pane keeps the latest lines; the full record is in the setup log. */
export const MAX_DETAIL_LINES = 500;

export function newJob(jobId: string): JobView {
  return {
    jobId,
    logFile: undefined,
    steps: [],
    progress: undefined,
    details: [],
    startedAt: undefined,
    endedAt: undefined,
    result: undefined,
  };
}

/** A step that ends because of a cancel says so; it did not fail. */
function stoppedByCancel(event: { readonly message: string; readonly error?: SetupError }): boolean {
  return event.error?.code === 'CANCELLED' || event.message === 'cancelled';
}

/** Planned steps keep what they know; a step that ran unplanned (recovering an interrupted run) stays first. */
function withPlan(job: JobView, plan: readonly StepPlan[]): JobView {
  const known = new Map(job.steps.map((step) => [step.id, step]));
  const planned = new Set(plan.map((step) => step.id));
  const unplanned = job.steps.filter((step) => !planned.has(step.id) && step.state !== 'pending');
  const steps = plan.map((step): JobStep => known.get(step.id) ?? { ...step, state: 'pending', message: '' });
  return { ...job, steps: [...unplanned, ...steps] };
}

/** A started step replaces its planned entry, or goes before the first one still waiting. */
function withStarted(steps: readonly JobStep[], step: JobStep): JobStep[] {
  if (steps.some((s) => s.id === step.id)) return steps.map((s) => (s.id === step.id ? step : s));
  const waiting = steps.findIndex((s) => s.state === 'pending');
  return waiting === -1 ? [...steps, step] : [...steps.slice(0, waiting), step, ...steps.slice(waiting)];
}

/** On a cancel, the step it stopped shows as Cancelled, not as failed. */
function markCancelled(steps: readonly JobStep[]): JobStep[] {
  const lastStarted = steps.reduce((last, step, index) => (step.state === 'pending' ? last : index), -1);
  return steps.map((step, index) =>
    step.state === 'running' ||
    (step.state === 'Failed' && (stoppedByCancel(step) || (index === lastStarted && !step.optional)))
      ? { ...step, state: 'Cancelled' }
      : step,
  );
}

/** The kinds of step that change the system, and so are undone by a rollback (checks and lookups are not). */
const CHANGING_KINDS: ReadonlySet<StepKind> = new Set(['extract', 'install', 'component', 'service', 'configure']);

/** After a rollback the steps that had finished their change read "Rolled back", not "Succeeded". */
function markRolledBack(steps: readonly JobStep[]): JobStep[] {
  return steps.map((step) =>
    CHANGING_KINDS.has(step.kind) && (step.state === 'Succeeded' || step.state === 'Warning')
      ? { ...step, state: 'RolledBack' }
      : step,
  );
}

function withDetail(job: JobView, line: DetailLine): JobView {
  const details =
    job.details.length >= MAX_DETAIL_LINES
      ? [...job.details.slice(job.details.length - MAX_DETAIL_LINES + 1), line]
      : [...job.details, line];
  return { ...job, details };
}

export function applyJobEvent(job: JobView, event: JobEvent): JobView {
  switch (event.type) {
    case 'job-started':
      return { ...job, logFile: event.logFile, startedAt: event.time };
    case 'plan':
      return withPlan(job, event.steps);
    case 'step-started': {
      const steps = withStarted(job.steps, { ...event.step, state: 'running', message: '' });
      return withDetail(
        { ...job, steps },
        { time: event.time, level: 'info', text: message('detail.started', { title: event.step.title }) },
      );
    }
    case 'step-progress':
      return {
        ...job,
        progress: {
          stepId: event.stepId,
          bytesDone: event.bytesDone,
          bytesTotal: event.bytesTotal,
          filesDone: event.filesDone,
          filesTotal: event.filesTotal,
        },
      };
    case 'step-finished': {
      const steps = job.steps.map((s) =>
        s.id === event.stepId
          ? { ...s, state: event.status, message: event.message, ...(event.error ? { error: event.error } : {}) }
          : s,
      );
      const title = job.steps.find((s) => s.id === event.stepId)?.title ?? event.stepId;
      const cancelled = event.status === 'Failed' && stoppedByCancel(event);
      const level: LogLevel =
        event.status === 'Failed' && !cancelled ? 'error' : event.status === 'Warning' || cancelled ? 'warn' : 'info';
      const status = message(STEP_STATE_MESSAGE[cancelled ? 'Cancelled' : event.status]);
      const text = event.message
        ? message('detail.finishedWith', { title, status, message: event.message })
        : message('detail.finished', { title, status });
      return withDetail({ ...job, steps }, { time: event.time, level, text });
    }
    case 'log':
      return withDetail(job, { time: event.time, level: event.level, text: event.message });
    case 'result':
      return {
        ...job,
        steps: ((steps) => (event.summary?.['rolledBack'] === 'true' ? markRolledBack(steps) : steps))(
          event.error?.code === 'CANCELLED' ? markCancelled(job.steps) : job.steps,
        ),
        endedAt: job.details.at(-1)?.time ?? job.startedAt,
        result: { status: event.status, error: event.error, summary: event.summary ?? {} },
      };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
