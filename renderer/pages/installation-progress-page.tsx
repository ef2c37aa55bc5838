import { useEffect, useRef } from 'react';
import { backToOptions, cancelJob, closeApp, proceedToConfiguration } from '../state/actions';
import { outcomeSentence } from '../state/job-outcome';
import { useInstall } from '../state/stores';
import type { JobStep } from '../state/job-state';
import { ErrorPanel } from '../components/error-panel';
import { formatBytes } from '../../shared/format';
import { WizardFrame } from '../components/wizard-frame';

const STATE_LABEL: Record<JobStep['state'], string> = {
  pending: 'Waiting',
  running: 'In progress',
  Succeeded: 'Succeeded',
  Warning: 'Warning',
  Failed: 'Failed',
  Skipped: 'Skipped',
};

export function InstallationProgressPage() {
  const job = useInstall((s) => s.job);
  const kind = useInstall((s) => s.jobKind);
  const details = useRef<HTMLDivElement>(null);
  const lineCount = job?.details.length ?? 0;
  useEffect(() => {
    // Keep the newest line in view, as a terminal does.
    const pane = details.current;
    if (pane) pane.scrollTop = pane.scrollHeight;
  }, [lineCount]);
  if (!job) return null;
  const result = job.result;
  const uninstall = kind === 'uninstall';
  const installed = !uninstall && result !== undefined && result.status !== 'Failed';
  const noun = uninstall ? 'Uninstall' : 'Installation';
  const progress = job.progress;
  const percent =
    progress && progress.bytesTotal > 0
      ? Math.floor((progress.bytesDone / progress.bytesTotal) * 100)
      : result
        ? 100
        : 0;
  return (
    <WizardFrame title={`${noun} Progress`}>
      <ol className="job-steps" aria-label={`${noun} steps`}>
        {job.steps.map((step) => (
          <li key={step.id} className={`job-step state-${step.state.toLowerCase()}`}>
            <span className="step-title">
              {step.title}
              {step.optional ? ' (optional)' : ''}
            </span>
            <span className="step-state">{STATE_LABEL[step.state]}</span>
            {step.message ? <span className="step-message">{step.message}</span> : null}
          </li>
        ))}
      </ol>
      <div className="progress">
        <div
          role="progressbar"
          aria-label={`${noun} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={
            progress
              ? `${percent}%: ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}, ${progress.filesDone} of ${progress.filesTotal} files`
              : `${percent}%`
          }
          className="progress-track"
        >
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
        <p className="hint">
          {progress
            ? `${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)} · ${progress.filesDone} of ${progress.filesTotal} files`
            : result
              ? ''
              : 'Starting…'}
        </p>
      </div>
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <div ref={details} className="details" role="log" aria-label={`${noun} details`} tabIndex={0}>
          {job.details.map((line, index) => (
            <div key={`${index}-${line.time}`} className={`detail level-${line.level}`}>
              <span className="detail-time">{line.time.slice(11, 19)}</span> {line.text}
            </div>
          ))}
        </div>
      </section>
      <div role="status" className="result">
        {result ? (
          <p className={`result-status status-${result.status.toLowerCase()}`}>{outcomeSentence(kind, job)}</p>
        ) : null}
      </div>
      {result?.error ? <ErrorPanel error={result.error} /> : null}
      {result?.status === 'Warning' && !uninstall ? (
        <p className="hint">
          The agent is installed. An optional component did not install; see the step marked Failed above and the setup
          log.
        </p>
      ) : null}
      <div className="actions">
        {!result && !uninstall ? (
          <button type="button" onClick={() => void cancelJob()}>
            Cancel
          </button>
        ) : null}
        {result?.status === 'Failed' || (uninstall && result) ? (
          <button type="button" onClick={backToOptions}>
            {uninstall && result?.status !== 'Failed' ? 'Back to Installation Option' : 'Back'}
          </button>
        ) : null}
        {uninstall && result && result.status !== 'Failed' ? (
          <button type="button" className="primary" onClick={() => void closeApp()}>
            Close
          </button>
        ) : null}
        {installed ? (
          <button type="button" className="primary" onClick={proceedToConfiguration}>
            Proceed to Configuration
          </button>
        ) : null}
      </div>
    </WizardFrame>
  );
}
