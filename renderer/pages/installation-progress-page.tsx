import { useEffect, useRef } from 'react';
import { backToOptions, closeApp, proceedToConfiguration } from '../state/actions';
import { outcomeSentence, outcomeStatus } from '../state/job-outcome';
import { overallPercent, stepPosition } from '../state/job-progress';
import { requestCancel } from '../state/progress-actions';
import { useInstall } from '../state/stores';
import type { JobView } from '../state/job-state';
import { formatClock } from '../state/time-format';
import { ErrorPanel } from '../components/error-panel';
import { JobClock } from '../components/job-clock';
import { JobStepList } from '../components/job-step-list';
import { formatBytes } from '../../shared/format';
import { WizardFrame } from '../components/wizard-frame';
import './progress-page.css';

/** "Step 3 of 7: Verify and extract the package", while the job runs. */
function positionText(job: JobView, cancelling: boolean): string {
  if (cancelling) return 'Cancelling: undoing the changes made so far…';
  const { index, count, step } = stepPosition(job);
  if (count === 0) return 'Starting…';
  if (!step) return `${count} steps planned`;
  return `Step ${index} of ${count}: ${step.title}`;
}

export function InstallationProgressPage() {
  const job = useInstall((s) => s.job);
  const kind = useInstall((s) => s.jobKind);
  const cancelRequestedFor = useInstall((s) => s.cancelRequestedFor);
  const details = useRef<HTMLDivElement>(null);
  const lineCount = job?.details.length ?? 0;
  useEffect(() => {
    // Keep the newest line in view, as a terminal does.
    const pane = details.current;
    if (pane) pane.scrollTop = pane.scrollHeight;
  }, [lineCount]);
  if (!job) return null;
  const result = job.result;
  const status = outcomeStatus(job);
  const uninstall = kind === 'uninstall';
  const installed = !uninstall && result !== undefined && result.status !== 'Failed';
  const cancelling = !result && cancelRequestedFor === job.jobId;
  const noun = uninstall ? 'Uninstall' : 'Installation';
  const percent = overallPercent(job);
  const position = stepPosition(job);
  // Bytes and files only while extracting: the bar itself counts every step.
  const running = position.step?.state === 'running' ? position.step : undefined;
  const progress = running && job.progress?.stepId === running.id ? job.progress : undefined;
  return (
    <WizardFrame title={`${noun} Progress`}>
      <div role="status" className={`outcome-banner${status ? ` status-${status.toLowerCase()}` : ''}`}>
        {/* The banner's mark is drawn by the style sheet: the sentence alone is what is read and copied. */}
        {result && status ? <p className="banner-text">{outcomeSentence(kind, job)}</p> : null}
      </div>
      {result?.error ? <ErrorPanel error={result.error} logFile={job.logFile} time={job.endedAt} /> : null}
      <div className="progress">
        {result ? null : <p className="job-position">{positionText(job, cancelling)}</p>}
        <div
          role="progressbar"
          aria-label={`${noun} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={`${percent}%${position.step ? `, step ${position.index} of ${position.count}` : ''}${
            progress
              ? `: ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}, ${progress.filesDone} of ${progress.filesTotal} files`
              : ''
          }`}
          className="progress-track"
        >
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
        {progress ? (
          <p className="hint">
            {`${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)} · ${progress.filesDone} of ${progress.filesTotal} files`}
          </p>
        ) : null}
        {job.startedAt ? <JobClock startedAt={job.startedAt} endedAt={job.endedAt} /> : null}
      </div>
      <JobStepList steps={job.steps} label={`${noun} steps`} ended={result !== undefined} />
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">Details</h2>
        <div ref={details} className="details" role="log" aria-label={`${noun} details`} tabIndex={0}>
          {job.details.map((line, index) => (
            <div key={`${index}-${line.time}`} className={`detail level-${line.level}`}>
              <time className="detail-time" dateTime={line.time}>
                {formatClock(line.time)}
              </time>{' '}
              {line.text}
            </div>
          ))}
        </div>
      </section>
      <div className="actions">
        {!result && !uninstall ? (
          <button type="button" onClick={requestCancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel'}
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
