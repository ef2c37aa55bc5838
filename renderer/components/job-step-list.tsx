import { useTranslator } from '../i18n/use-translator';
import { STEP_STATE_MESSAGE, type JobStep } from '../state/job-state';

// A job's steps, all of them from the start: each with a mark (a tick once done) beside the word that says
// the same, so the mark itself stays hidden from screen readers.

const STATE_MARK: Readonly<Record<JobStep['state'], string>> = {
  pending: '○',
  running: '◐',
  Succeeded: '✓',
  Warning: '!',
  Failed: '✕',
  Skipped: '–',
  Cancelled: '■',
  RolledBack: '↺',
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
  const { t } = useTranslator();
  return (
    <ol className="job-steps" aria-label={label}>
      {steps.map((step) => {
        const state = t(ended && step.state === 'pending' ? 'stepState.notRun' : STEP_STATE_MESSAGE[step.state]);
        return (
          <li key={step.id} className={`job-step state-${step.state.toLowerCase()}`}>
            <span className="step-mark" aria-hidden="true">
              {STATE_MARK[step.state]}
            </span>
            {/* The title is the engine's (English, as in the setup log); "optional" is ours. */}
            <span className="step-title">
              {step.optional ? t('steps.optional', { title: step.title }) : step.title}
            </span>
            <span className="step-state">{state}</span>
            {step.message ? <span className="step-message">{step.message}</span> : null}
          </li>
        );
      })}
    </ol>
  );
}
