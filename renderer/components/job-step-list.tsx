import type { JobStep } from '../state/job-state';

// A job's steps, all of them from the start: each with a mark (a tick once done) beside the word that says
// the same, so the mark itself stays hidden from screen readers.

const STATE_LABEL: Readonly<Record<JobStep['state'], string>> = {
  pending: 'Waiting',
  running: 'In progress',
  Succeeded: 'Succeeded',
  Warning: 'Warning',
  Failed: 'Failed',
  Skipped: 'Skipped',
  Cancelled: 'Cancelled',
};

const STATE_MARK: Readonly<Record<JobStep['state'], string>> = {
  pending: '○',
  running: '◐',
  Succeeded: '✓',
  Warning: '!',
  Failed: '✕',
  Skipped: '–',
  Cancelled: '■',
};

export function JobStepList({
  steps,
  label,
  ended,
}: {
  readonly steps: readonly JobStep[];
  readonly label: string;
  /** Once the job has ended, a step still waiting will not run. */
  readonly ended: boolean;
}) {
  return (
    <ol className="job-steps" aria-label={label}>
      {steps.map((step) => {
        const state = ended && step.state === 'pending' ? 'Not run' : STATE_LABEL[step.state];
        return (
          <li key={step.id} className={`job-step state-${step.state.toLowerCase()}`}>
            <span className="step-mark" aria-hidden="true">
              {STATE_MARK[step.state]}
            </span>
            <span className="step-title">
              {step.title}
              {step.optional ? ' (optional)' : ''}
            </span>
            <span className="step-state">{state}</span>
            {step.message ? <span className="step-message">{step.message}</span> : null}
          </li>
        );
      })}
    </ol>
  );
}
