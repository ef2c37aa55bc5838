import { cancelPush, backToServers, openPushLog, retryFailed, savePushResults } from '../state/push-actions';
import { failedHosts, rowPercent, type PushRow } from '../state/push-state';
import { usePush } from '../state/push-store';
import { ErrorPanel } from '../components/error-panel';
import { WizardFrame } from '../components/wizard-frame';
import './push.css';

// The push, live: a row a server (where it is, how far, how it ended), each row's lines in the push log a
// click away, then Retry failed and the results as CSV.

const STEP_LABEL = {
  connect: 'Connect',
  detect: 'Detect the system',
  copy: 'Copy the installer',
  install: 'Install',
  register: 'Register',
} as const;

function StatusCell({ row }: { readonly row: PushRow }) {
  return (
    <>
      <strong className={`row-status status-${row.status.toLowerCase()}`}>{row.status}</strong>
      {row.error ? (
        <span className="row-error">
          <code>{row.error.code}</code> {row.error.message}
          <span className="remedy-inline">What to do: {row.error.remedy}</span>
        </span>
      ) : null}
    </>
  );
}

export function PushProgressPage() {
  const run = usePush((s) => s.run);
  const saved = usePush((s) => s.saved);
  const saveError = usePush((s) => s.saveError);
  const startError = usePush((s) => s.startError);
  if (!run) return null;
  const result = run.result;
  const failed = failedHosts(run).length;
  const count = (status: PushRow['status']): number => run.rows.filter((row) => row.status === status).length;
  return (
    <WizardFrame title="Push progress">
      <div role="status" className="result">
        {result ? (
          <p className={`result-status status-${result.status.toLowerCase()}`}>
            Push finished: <strong>{result.status}</strong>
            {` (${count('Succeeded') + count('Warning') + count('Unchanged')} of ${run.rows.length} servers done, ${failed} failed)`}
          </p>
        ) : (
          <p className="hint">
            Pushing to {run.rows.length} server{run.rows.length === 1 ? '' : 's'}: {count('Running')} running,{' '}
            {count('Waiting')} waiting.
          </p>
        )}
      </div>
      <div className="table-scroll" role="region" aria-label="Servers" tabIndex={0}>
        <table className="push-table">
          <caption className="visually-hidden">Servers</caption>
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">Operating system</th>
              <th scope="col">Step</th>
              <th scope="col">Progress</th>
              <th scope="col">Status</th>
              <th scope="col">Log</th>
            </tr>
          </thead>
          <tbody>
            {run.rows.map((row) => {
              const percent = rowPercent(row);
              return (
                <tr key={row.host}>
                  <th scope="row">{row.host}</th>
                  <td>{row.os ?? '–'}</td>
                  <td>
                    {row.step ? STEP_LABEL[row.step] : '–'}
                    {row.message && row.status === 'Running' ? (
                      <span className="step-message">{row.message}</span>
                    ) : null}
                  </td>
                  <td>
                    <div
                      role="progressbar"
                      aria-label={`Progress of ${row.host}`}
                      aria-valuemin={0}
                      aria-valuemax={100}
                      aria-valuenow={percent}
                      className="progress-track"
                    >
                      <div className="progress-fill" style={{ width: `${percent}%` }} />
                    </div>
                  </td>
                  <td>
                    <StatusCell row={row} />
                  </td>
                  <td>
                    <button type="button" onClick={() => void openPushLog(row.host)}>
                      View log<span className="visually-hidden"> of {row.host}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {result?.error ? <ErrorPanel error={result.error} title="The push did not start" /> : null}
      {startError ? <ErrorPanel error={startError} /> : null}
      {saveError ? <ErrorPanel error={saveError} title="The results were not saved" /> : null}
      {saved ? (
        <p className="hint" role="status">
          Results saved to <code className="wrap">{saved}</code>
        </p>
      ) : null}
      <div className="actions">
        {!result ? (
          <button type="button" onClick={() => void cancelPush()}>
            Cancel
          </button>
        ) : (
          <>
            <button type="button" onClick={backToServers}>
              Back to servers
            </button>
            <button type="button" onClick={() => void savePushResults()}>
              Save results as CSV
            </button>
            {failed > 0 ? (
              <button type="button" className="primary" onClick={() => void retryFailed()}>
                Retry failed
              </button>
            ) : null}
          </>
        )}
      </div>
    </WizardFrame>
  );
}
