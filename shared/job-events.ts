import type { SetupError } from './error-catalog';

// The event stream every job emits: the CLI prints it as JSON lines (--json), the wizard renders it.
// Tagged unions with exhaustive switches, as GitHub Desktop models progress.

export type StepStatus = 'Succeeded' | 'Warning' | 'Failed' | 'Skipped';
export type JobStatus = 'Succeeded' | 'Warning' | 'Failed';

export type StepKind =
  'recover' | 'locate' | 'preflight' | 'extract' | 'install' | 'component' | 'service' | 'configure' | 'register';

export interface StepPlan {
  readonly id: string;
  readonly kind: StepKind;
  readonly title: string;
  readonly optional: boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type JobEvent =
  | {
      readonly type: 'job-started';
      readonly job: 'install' | 'register';
      readonly time: string;
      readonly logFile: string;
    }
  /**
   * Every step the job expects to run, in order, before the first one starts; sent again when the plan grows
   * (the package's components are known only once it is extracted). Steps already started keep their state.
   */
  | { readonly type: 'plan'; readonly steps: readonly StepPlan[] }
  | { readonly type: 'step-started'; readonly step: StepPlan; readonly time: string }
  | {
      readonly type: 'step-progress';
      readonly stepId: string;
      readonly bytesDone: number;
      readonly bytesTotal: number;
      readonly filesDone: number;
      readonly filesTotal: number;
    }
  | {
      readonly type: 'step-finished';
      readonly stepId: string;
      readonly status: StepStatus;
      readonly message: string;
      readonly error?: SetupError;
      readonly time: string;
    }
  | { readonly type: 'log'; readonly level: LogLevel; readonly message: string; readonly time: string }
  | {
      readonly type: 'result';
      readonly status: JobStatus;
      readonly exitCode: number;
      readonly msiCode: number;
      readonly error: SetupError | null;
      /** What the job produced, e.g. the install location and version, or the host id. */
      readonly summary?: Readonly<Record<string, string>>;
    };

export type JobEventType = JobEvent['type'];

export function jobStatusOf(steps: readonly { readonly status: StepStatus; readonly optional: boolean }[]): JobStatus {
  let status: JobStatus = 'Succeeded';
  for (const step of steps) {
    if (step.status === 'Failed' && !step.optional) return 'Failed';
    if (step.status === 'Failed' || step.status === 'Warning') status = 'Warning';
  }
  return status;
}
