import { readFleetStatus } from '../state/fleet-actions';
import { ERROR_CATALOG } from '../../shared/error-catalog';
import type { HostKeyScan } from '../../shared/ipc-contract';
import {
  acceptHostKey,
  backToServers,
  blockedServers,
  canPushToTheRest,
  canStartPush,
  pushToTheRest,
  scanHostKeys,
  startPush,
} from '../state/push-actions';
import { usePush } from '../state/push-store';
import { ErrorPanel } from '../components/error-panel';
import { WizardFrame } from '../components/wizard-frame';
import { useTranslator } from '../i18n/use-translator';
import { FingerprintText, HostNameText } from '../components/token-text';
import './push.css';

// Before anything runs, each server's SSH host key as the scan found it (no login): known keys pass, unknown
// ones wait for the admin to accept that very fingerprint (nothing is pre-checked), and a changed, revoked or
// unreachable one is an error that stops the push. What the scan reports (a recorded key, an error) is the
// CLI's text, as sent.

const KEYGEN_COMMAND = 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub';

function Verdict({ scan, accepted }: { readonly scan: HostKeyScan; readonly accepted: string | undefined }) {
  const { t, rich, remedy } = useTranslator();
  switch (scan.verdict) {
    case 'known':
      return <span className="status-succeeded">{t('push.keys.known')}</span>;
    case 'unknown':
      return (
        <label className="choice">
          <input
            type="checkbox"
            checked={accepted !== undefined && accepted === scan.fingerprint}
            onChange={(event) => acceptHostKey(scan.host, scan.fingerprint ?? '', event.target.checked)}
          />
          {rich('push.keys.accept', { host: scan.host })}
        </label>
      );
    case 'changed':
      return (
        <span className="key-error">
          {rich('push.keys.changed', {
            errorCode: 'PUSH_HOST_KEY_CHANGED',
            recorded: scan.recorded ?? t('push.keys.anotherKey'),
            remedy: remedy({ code: 'PUSH_HOST_KEY_CHANGED', remedy: ERROR_CATALOG.PUSH_HOST_KEY_CHANGED.remedy }),
          })}
        </span>
      );
    case 'revoked':
      return <span className="key-error">{rich('push.keys.revoked')}</span>;
    case 'unreachable':
      return (
        <span className="key-error">
          {rich('push.keys.unreachable', {
            errorCode: 'PUSH_UNREACHABLE',
            error: scan.error ?? t('push.keys.noAnswer'),
            remedy: remedy({ code: 'PUSH_UNREACHABLE', remedy: ERROR_CATALOG.PUSH_UNREACHABLE.remedy }),
          })}
        </span>
      );
    default: {
      const unreachable: never = scan.verdict;
      return unreachable;
    }
  }
}

export function PushHostKeysPage() {
  const { t, rich } = useTranslator();
  const hostKeys = usePush((s) => s.hostKeys);
  const accepted = usePush((s) => s.accepted);
  const startError = usePush((s) => s.startError);
  const ready = canStartPush();
  const skip = canPushToTheRest() ? blockedServers().length : 0;
  const keys = hostKeys.status === 'done' ? hostKeys.keys : [];
  const unknown = keys.filter((key) => key.verdict === 'unknown').length;
  const blocked = keys.some((key) => key.verdict !== 'known' && key.verdict !== 'unknown');
  return (
    <WizardFrame title={t('step.pushHostKeys')}>
      <p className="hint">{rich('push.keys.intro', { command: KEYGEN_COMMAND })}</p>
      <div aria-live="polite">
        {hostKeys.status === 'scanning' ? (
          <p className="hint" role="status">
            {t('push.keys.reading', { count: hostKeys.hosts.length })}
          </p>
        ) : null}
        {hostKeys.status === 'error' ? <ErrorPanel error={hostKeys.error} /> : null}
      </div>
      {hostKeys.status === 'done' ? (
        <div className="table-scroll" role="region" aria-label={t('push.keys.table')} tabIndex={0}>
          <table className="push-table">
            <caption className="visually-hidden">{t('push.keys.table')}</caption>
            <thead>
              <tr>
                {/* What to decide comes right after the server: at 320 px both are on screen. */}
                <th scope="col">{t('push.keys.server')}</th>
                <th scope="col">{t('push.keys.hostKey')}</th>
                <th scope="col">{t('push.keys.fingerprint')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((scan) => (
                <tr key={scan.host}>
                  <th scope="row">
                    {scan.jumpHost ? (
                      rich('push.keys.bastion', { host: <HostNameText key="host" name={scan.host} /> })
                    ) : (
                      <HostNameText name={scan.host} />
                    )}
                  </th>
                  <td>
                    <Verdict scan={scan} accepted={accepted[scan.host]} />
                  </td>
                  <td>
                    <span className="key-type">{scan.keyType ?? '–'}</span>
                    {scan.fingerprint ? <FingerprintText fingerprint={scan.fingerprint} /> : '–'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {hostKeys.status === 'done' && blocked ? <p className="field-error">{t('push.keys.blocked')}</p> : null}
      {hostKeys.status === 'done' && !blocked && unknown > 0 && !ready ? (
        <p className="hint">{t('push.keys.acceptEach')}</p>
      ) : null}
      {startError ? <ErrorPanel error={startError} /> : null}
      <div className="actions">
        <button type="button" onClick={backToServers}>
          {t('common.back')}
        </button>
        <button type="button" disabled={hostKeys.status === 'scanning'} onClick={() => void scanHostKeys()}>
          {t('push.keys.scanAgain')}
        </button>
        <button type="button" disabled={!ready} onClick={() => void readFleetStatus()}>
          {t('push.keys.status')}
        </button>
        {skip > 0 ? (
          <button type="button" onClick={() => void pushToTheRest()}>
            {t('push.keys.skip', { count: skip })}
          </button>
        ) : null}
        <button type="button" className="primary" disabled={!ready} onClick={() => void startPush()}>
          {t('push.keys.start')}
        </button>
      </div>
    </WizardFrame>
  );
}
