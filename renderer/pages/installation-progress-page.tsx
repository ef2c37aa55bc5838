import { useLayoutEffect, useRef } from 'react';
import { backToOptions, closeApp, goTo, proceedToConfiguration } from '../state/actions';
import { outcomeSentence, outcomeStatus } from '../state/job-outcome';
import { overallPercent, stepPosition } from '../state/job-progress';
import { requestCancel } from '../state/progress-actions';
import { uninstallWithoutUnregistering } from '../state/lifecycle-actions';
import { useInstall, useWizard } from '../state/stores';
import type { JobView } from '../state/job-state';
import { formatClock } from '../state/time-format';
import { ErrorPanel } from '../components/error-panel';
import { JobClock } from '../components/job-clock';
import { OutcomeFacts } from '../components/outcome-facts';
import { JobStepList } from '../components/job-step-list';
import { WizardFrame } from '../components/wizard-frame';
import { formatBytes } from '../i18n/format-bytes';
import { message, type Message } from '../i18n/message';
import { useTranslator } from '../i18n/use-translator';
import './progress-page.css';

/** "Step 3 of 7: Verify and extract the package", while the job runs. */
function positionText(job: JobView, cancelling: boolean): Message {
  if (cancelling) return message('progress.cancelling');
  const { index, count, step } = stepPosition(job);
  if (count === 0) return message('progress.starting');
  if (!step) return message('progress.planned', { count });
  return message('progress.position', { index, count, title: step.title });
}

export function InstallationProgressPage() {
  const { t, text, intl, locale } = useTranslator();
  const job = useInstall((s) => s.job);
  const kind = useInstall((s) => s.jobKind);
  const cancelRequestedFor = useInstall((s) => s.cancelRequestedFor);
  const startError = useInstall((s) => s.startError);
  const registration = useWizard((s) => s.app?.registration);
  const details = useRef<HTMLDivElement>(null);
  const lineCount = job?.details.length ?? 0;
  useLayoutEffect(() => {
    // Keep the newest line in view, as a terminal does (before the paint: no frame shows an older one).
    const pane = details.current;
    if (pane) pane.scrollTop = pane.scrollHeight;
  }, [lineCount]);
  if (!job) return null;
  const result = job.result;
  const status = outcomeStatus(job);
  const uninstall = kind === 'uninstall';
  const installed = !uninstall && result !== undefined && result.status !== 'Failed';
  const cancelling = !result && cancelRequestedFor === job.jobId;
  const of = { kind };
  const percent = overallPercent(job);
  const position = stepPosition(job);
  // Bytes and files only while extracting: the bar itself counts every step.
  const running = position.step?.state === 'running' ? position.step : undefined;
  const progress = running && job.progress?.stepId === running.id ? job.progress : undefined;
  const sizes = progress
    ? {
        done: formatBytes(intl, progress.bytesDone),
        total: formatBytes(intl, progress.bytesTotal),
        filesDone: progress.filesDone,
        filesTotal: progress.filesTotal,
      }
    : undefined;
  const percentText = intl.formatNumber(percent / 100, { style: 'percent' });
  const valueText = !position.step
    ? percentText
    : t(sizes ? 'progress.value.bytes' : 'progress.value.step', {
        percent: percentText,
        index: position.index,
        count: position.count,
        ...sizes,
      });
  return (
    <WizardFrame title={t('progress.title', of)}>
      <div role="status" className={`outcome-banner${status ? ` status-${status.toLowerCase()}` : ''}`}>
        {/* The banner's mark is drawn by the style sheet: the sentence alone is what is read and copied. */}
        {result && status ? <p className="banner-text">{text(outcomeSentence(kind, job) ?? '')}</p> : null}
      </div>
      {result?.error ? <ErrorPanel error={result.error} logFile={job.logFile} time={job.endedAt} /> : null}
      {result && !result.error ? <OutcomeFacts hostId={registration?.hostId} /> : null}
      <div className="progress">
        {result ? null : <p className="job-position">{text(positionText(job, cancelling))}</p>}
        <div
          role="progressbar"
          aria-label={t('progress.bar', of)}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          aria-valuetext={valueText}
          className="progress-track"
        >
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
        {sizes ? <p className="hint">{t('progress.bytes', sizes)}</p> : null}
        {job.startedAt ? <JobClock startedAt={job.startedAt} endedAt={job.endedAt} /> : null}
      </div>
      <JobStepList steps={job.steps} label={t('progress.steps', of)} ended={result !== undefined} />
      <section aria-labelledby="details-heading">
        <h2 id="details-heading">{t('progress.details')}</h2>
        <div ref={details} className="details" role="log" aria-label={t('progress.detailsLog', of)} tabIndex={0}>
          {job.details.map((line, index) => (
            <div key={`${index}-${line.time}`} className={`detail level-${line.level}`}>
              <time className="detail-time" dateTime={line.time}>
                {formatClock(line.time, locale)}
              </time>{' '}
              {text(line.text)}
            </div>
          ))}
        </div>
      </section>
      {startError && uninstall ? <ErrorPanel error={startError} /> : null}
      <div className="actions">
        {!result && !uninstall ? (
          <button type="button" onClick={requestCancel} disabled={cancelling}>
            {t(cancelling ? 'progress.cancellingButton' : 'progress.cancelButton')}
          </button>
        ) : null}
        {result?.status === 'Failed' || (uninstall && result) ? (
          <button type="button" onClick={backToOptions}>
            {t(uninstall && result?.status !== 'Failed' ? 'progress.backToOptions' : 'common.back')}
          </button>
        ) : null}
        {/* The configuration server refused or could not be asked, and nothing was removed: the admin may
            still remove the agent and leave its entry on the server to be removed there by hand. */}
        {uninstall && result?.summary.removed === 'nothing' && result.error?.code.startsWith('CS_') ? (
          <button type="button" className="danger" onClick={() => void uninstallWithoutUnregistering()}>
            {t('progress.uninstallWithoutUnregistering')}
          </button>
        ) : null}
        {uninstall && result && result.status !== 'Failed' ? (
          <button type="button" className="primary" onClick={() => void closeApp()}>
            {t('common.close')}
          </button>
        ) : null}
        {/* A repair or upgrade keeps the registration: no second passphrase prompt, straight to the finish. */}
        {installed && registration ? (
          <>
            <p className="hint">{t('progress.registrationKept', { endpoint: registration.csEndpoint })}</p>
            <button type="button" className="primary" onClick={() => goTo({ type: 'finish' })}>
              {t('progress.finish')}
            </button>
          </>
        ) : null}
        {installed && !registration ? (
          <button type="button" className="primary" onClick={proceedToConfiguration}>
            {t('progress.proceed')}
          </button>
        ) : null}
      </div>
    </WizardFrame>
  );
}
