import type { SetupError } from '../../shared/error-catalog';
import type { JobEvent, JobStatus, LogLevel, StepKind, StepStatus } from '../../shared/job-events';

// A job as the wizard shows it, folded from its event stream by one pure reducer.

export type StepState = 'pending' | 'running' | StepStatus;

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
  readonly text: string;
}

export interface JobView {
  readonly jobId: string;
  readonly logFile: string | undefined;
  readonly steps: readonly JobStep[];
  readonly progress: JobProgress | undefined;
  readonly details: readonly DetailLine[];
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
  return { jobId, logFile: undefined, steps: [], progress: undefined, details: [], result: undefined };
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
      return { ...job, logFile: event.logFile };
    case 'step-started': {
      const step: JobStep = { ...event.step, state: 'running', message: '' };
      const steps = job.steps.some((s) => s.id === step.id)
        ? job.steps.map((s) => (s.id === step.id ? step : s))
        : [...job.steps, step];
      return withDetail({ ...job, steps }, { time: event.time, level: 'info', text: `${event.step.title}…` });
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
      const level: LogLevel = event.status === 'Failed' ? 'error' : event.status === 'Warning' ? 'warn' : 'info';
      return withDetail(
        { ...job, steps },
        { time: event.time, level, text: `${title}: ${event.status}${event.message ? ` (${event.message})` : ''}` },
      );
    }
    case 'log':
      return withDetail(job, { time: event.time, level: event.level, text: event.message });
    case 'result':
      return { ...job, result: { status: event.status, error: event.error, summary: event.summary ?? {} } };
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}
