import type { StepKind } from '../../shared/job-events';
import type { JobStep, JobView } from './job-state';

// One bar across the whole job: each step counts by its typical share of an install's time, and extraction,
// which dominates on a real package, moves by the bytes it has written. The shares are estimates (extraction
// about half, a component about a tenth), kept in this one table so they can be tuned in one place.

export const STEP_WEIGHTS: Readonly<Record<StepKind, number>> = {
  recover: 4,
  locate: 2,
  preflight: 3,
  extract: 50,
  install: 5,
  component: 10,
  service: 8,
  configure: 4,
  register: 20,
};

/** How much of a step is done: finished ones whole, the extracting step by its bytes, the rest not at all. */
function stepFraction(step: JobStep, job: JobView): number {
  switch (step.state) {
    case 'Succeeded':
    case 'Warning':
    case 'Skipped':
      return 1;
    case 'pending':
    case 'RolledBack':
      return 0;
    case 'running':
    case 'Failed':
    case 'Cancelled': {
      // Where a step stopped is where the bar stops.
      const progress = job.progress;
      if (progress?.stepId !== step.id || progress.bytesTotal <= 0) return 0;
      return Math.min(1, progress.bytesDone / progress.bytesTotal);
    }
    default: {
      const unreachable: never = step.state;
      return unreachable;
    }
  }
}

/** The whole job's progress in percent (0-100). */
export function overallPercent(job: JobView): number {
  if (job.result && job.result.status !== 'Failed') return 100;
  const total = job.steps.reduce((sum, step) => sum + STEP_WEIGHTS[step.kind], 0);
  if (total === 0) return 0;
  const done = job.steps.reduce((sum, step) => sum + STEP_WEIGHTS[step.kind] * stepFraction(step, job), 0);
  return Math.min(100, Math.floor((done / total) * 100));
}

export interface StepPosition {
  /** 1-based place of the current step; 0 before the first one starts. */
  readonly index: number;
  readonly count: number;
  readonly step: JobStep | undefined;
}

/** The step the job is on: the running one, else the last one that started. */
export function stepPosition(job: JobView): StepPosition {
  const running = job.steps.findIndex((step) => step.state === 'running');
  const at =
    running !== -1 ? running : job.steps.reduce((last, step, index) => (step.state === 'pending' ? last : index), -1);
  return { index: at + 1, count: job.steps.length, step: job.steps[at] };
}
