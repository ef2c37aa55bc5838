import { useRef, type ReactNode } from 'react';
import { cancelPush, backToServers, openPushLog, retryFailed, savePushResults } from '../state/push-actions';
import { failedHosts, rowPercent, type PushRow } from '../state/push-state';
import { usePush } from '../state/push-store';
import { ErrorPanel } from '../components/error-panel';
import { VirtualTableBody } from '../components/virtual-table-body';
import { WizardFrame } from '../components/wizard-frame';
import type { MessageId } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import { HostNameText } from '../components/token-text';
import { RemedyText } from '../components/remedy-text';
import type { PushStep } from '../../shared/push-events';
import './push.css';

// The push, live: a row a server (where it is, how far, how it ended), each row's lines in the push log a
// click away, then Retry failed and the results as CSV. A server's step message and error message are the
// push CLI's (English, as its log has them).

const STEP_LABEL: Readonly<Record<PushStep, MessageId>> = {
  connect: 'push.step.connect',
  detect: 'push.step.detect',
  copy: 'push.step.copy',
  install: 'push.step.install',
  register: 'push.step.register',
};

function StatusCell({ row }: { readonly row: PushRow }) {
  const { t } = useTranslator();
  return (
    <>
      <strong className={`row-status status-${row.status.toLowerCase()}`}>
        {t('push.status', { status: row.status })}
      </strong>
      {row.error ? (
        <span className="row-error">
          <code>{row.error.code}</code> {row.error.message}
          <RemedyText error={row.error} className="remedy-inline" inline />
        </span>
      ) : null}
    </>
  );
}

// A row's height before it is measured: one line of text and a progress bar.
const ROW_ESTIMATE = 48;

function PushRowCells({ row }: { readonly row: PushRow }) {
  const { t, rich } = useTranslator();
  const percent = rowPercent(row);
  return (
    <>
      {/* Status right after the server: at 320 px both are on screen; the rest scrolls in the table's box. */}
      <th scope="row">
        <HostNameText name={row.host} />
      </th>
      <td>
        <StatusCell row={row} />
      </td>
      <td>
        <div
          role="progressbar"
          aria-label={t('push.progressOf', { host: row.host })}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={percent}
          className="progress-track"
        >
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
      </td>
      <td>
        {row.step ? t(STEP_LABEL[row.step]) : '–'}
        {row.message && row.status === 'Running' ? <span className="step-message">{row.message}</span> : null}
      </td>
      <td>{row.os ?? '–'}</td>
      <td>
        <button type="button" onClick={() => void openPushLog(row.host)}>
          {rich('push.viewLog', { host: row.host })}
        </button>
      </td>
    </>
  );
}

export function PushProgressPage() {
  const { t, rich } = useTranslator();
  const run = usePush((s) => s.run);
  const saved = usePush((s) => s.saved);
  const saveError = usePush((s) => s.saveError);
  const startError = usePush((s) => s.startError);
  const scroller = useRef<HTMLDivElement>(null);
  if (!run) return null;
  const result = run.result;
  const failed = failedHosts(run).length;
  const count = (status: PushRow['status']): number => run.rows.filter((row) => row.status === status).length;
  return (
    <WizardFrame title={t('step.pushProgress')}>
      <div role="status" className="result">
        {result ? (
          <p className={`result-status status-${result.status.toLowerCase()}`}>
            {rich('push.finished', {
              status: t('push.status', { status: result.status }),
              done: count('Succeeded') + count('Warning') + count('Unchanged'),
              total: run.rows.length,
              failed,
            })}
          </p>
        ) : (
          <p className="hint">
            {t('push.running', { total: run.rows.length, running: count('Running'), waiting: count('Waiting') })}
          </p>
        )}
      </div>
      <div ref={scroller} className="table-scroll tall" role="region" aria-label={t('push.table')} tabIndex={0}>
        <table className="push-table" aria-rowcount={run.rows.length + 1}>
          <caption className="visually-hidden">{t('push.table')}</caption>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col">{t('push.col.server')}</th>
              <th scope="col">{t('push.col.status')}</th>
              <th scope="col">{t('push.col.progress')}</th>
              <th scope="col">{t('push.col.step')}</th>
              <th scope="col">{t('push.col.os')}</th>
              <th scope="col">{t('push.col.log')}</th>
            </tr>
          </thead>
          <VirtualTableBody
            rows={run.rows}
            scroller={scroller}
            columns={6}
            estimate={ROW_ESTIMATE}
            rowKey={(row) => row.host}
            renderCells={(row) => <PushRowCells row={row} />}
          />
        </table>
      </div>
      {result?.error ? <ErrorPanel error={result.error} title={t('push.notStarted')} /> : null}
      {startError ? <ErrorPanel error={startError} /> : null}
      {saveError ? <ErrorPanel error={saveError} title={t('push.notSaved')} /> : null}
      {saved ? (
        <p className="hint" role="status">
          {rich('push.saved', {
            code: (chunks: ReactNode[]) => (
              <code key="code" className="wrap">
                {chunks}
              </code>
            ),
            path: saved,
          })}
        </p>
      ) : null}
      <div className="actions">
        {!result ? (
          <button type="button" onClick={() => void cancelPush()}>
            {t('common.cancel')}
          </button>
        ) : (
          <>
            <button type="button" onClick={backToServers}>
              {t('push.backToServers')}
            </button>
            <button type="button" onClick={() => void savePushResults()}>
              {t('push.saveCsv')}
            </button>
            {failed > 0 ? (
              <button type="button" className="primary" onClick={() => void retryFailed()}>
                {t('push.retryFailed')}
              </button>
            ) : null}
          </>
        )}
      </div>
    </WizardFrame>
  );
}
