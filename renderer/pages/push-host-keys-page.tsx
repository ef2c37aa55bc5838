import { ERROR_CATALOG } from '../../shared/error-catalog';
import type { HostKeyScan } from '../../shared/ipc-contract';
import { acceptHostKey, backToServers, canStartPush, scanHostKeys, startPush } from '../state/push-actions';
import { usePush } from '../state/push-store';
import { ErrorPanel } from '../components/error-panel';
import { WizardFrame } from '../components/wizard-frame';
import './push.css';

// Before anything runs, each server's SSH host key as the scan found it (no login): known keys pass, unknown
// ones wait for the admin to accept that very fingerprint (nothing is pre-checked), and a changed, revoked or
// unreachable one is an error that stops the push.

function Verdict({ scan, accepted }: { readonly scan: HostKeyScan; readonly accepted: string | undefined }) {
  switch (scan.verdict) {
    case 'known':
      return <span className="status-succeeded">Known</span>;
    case 'unknown':
      return (
        <label className="choice">
          <input
            type="checkbox"
            checked={accepted !== undefined && accepted === scan.fingerprint}
            onChange={(event) => acceptHostKey(scan.host, scan.fingerprint ?? '', event.target.checked)}
          />
          Accept<span className="visually-hidden"> the host key of {scan.host}</span>
        </label>
      );
    case 'changed':
      return (
        <span className="key-error">
          <strong>Changed</strong> <code>PUSH_HOST_KEY_CHANGED</code>: the push refuses this server. The known hosts
          file records {scan.recorded ?? 'another key'}. {ERROR_CATALOG.PUSH_HOST_KEY_CHANGED.remedy}
        </span>
      );
    case 'revoked':
      return (
        <span className="key-error">
          <strong>Revoked</strong>: the known hosts file marks this key as revoked; the push refuses this server.
        </span>
      );
    case 'unreachable':
      return (
        <span className="key-error">
          <strong>Unreachable</strong> <code>PUSH_UNREACHABLE</code>: {scan.error ?? 'no answer'}.{' '}
          {ERROR_CATALOG.PUSH_UNREACHABLE.remedy}
        </span>
      );
    default: {
      const unreachable: never = scan.verdict;
      return unreachable;
    }
  }
}

export function PushHostKeysPage() {
  const hostKeys = usePush((s) => s.hostKeys);
  const accepted = usePush((s) => s.accepted);
  const startError = usePush((s) => s.startError);
  const ready = canStartPush();
  const keys = hostKeys.status === 'done' ? hostKeys.keys : [];
  const unknown = keys.filter((key) => key.verdict === 'unknown').length;
  const blocked = keys.some((key) => key.verdict !== 'known' && key.verdict !== 'unknown');
  return (
    <WizardFrame title="Server host keys">
      <p className="hint">
        Setup checks each server&apos;s SSH host key before it signs in. Compare a new key&apos;s fingerprint with the
        one the server shows on its console (<code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>) before you
        accept it; accepted keys are added to your known hosts.
      </p>
      <div aria-live="polite">
        {hostKeys.status === 'scanning' ? (
          <p className="hint" role="status">
            Reading the host keys of {hostKeys.hosts.length} server{hostKeys.hosts.length === 1 ? '' : 's'}…
          </p>
        ) : null}
        {hostKeys.status === 'error' ? <ErrorPanel error={hostKeys.error} /> : null}
      </div>
      {hostKeys.status === 'done' ? (
        <div className="table-scroll" role="region" aria-label="Host keys of the servers" tabIndex={0}>
          <table className="push-table">
            <caption className="visually-hidden">Host keys of the servers</caption>
            <thead>
              <tr>
                <th scope="col">Server</th>
                <th scope="col">Key type</th>
                <th scope="col">Fingerprint (SHA-256)</th>
                <th scope="col">Host key</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((scan) => (
                <tr key={scan.host}>
                  <th scope="row">{scan.host}</th>
                  <td>{scan.keyType ?? '–'}</td>
                  <td>
                    <code className="wrap">{scan.fingerprint ?? '–'}</code>
                  </td>
                  <td>
                    <Verdict scan={scan} accepted={accepted[scan.host]} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {hostKeys.status === 'done' && blocked ? (
        <p className="field-error">
          The push starts only when every server&apos;s key is known or accepted: fix the servers marked above and scan
          again, or go back and remove them from the list.
        </p>
      ) : null}
      {hostKeys.status === 'done' && !blocked && unknown > 0 && !ready ? (
        <p className="hint">Accept each new host key to start the push.</p>
      ) : null}
      {startError ? <ErrorPanel error={startError} /> : null}
      <div className="actions">
        <button type="button" onClick={backToServers}>
          Back
        </button>
        <button type="button" disabled={hostKeys.status === 'scanning'} onClick={() => void scanHostKeys()}>
          Scan again
        </button>
        <button type="button" className="primary" disabled={!ready} onClick={() => void startPush()}>
          Start push
        </button>
      </div>
    </WizardFrame>
  );
}
