import { openLogs } from '../state/actions';
import { useWizard } from '../state/stores';
import { useTranslator } from '../i18n/use-translator';
import { CopyButton } from './copy-button';
import { PathText } from './path-text';

// What an admin checks once setup has finished, on success as on failure: is the agent's service running,
// where is the setup log (and open it here), and, when registered, the host id the configuration server knows.

export function OutcomeFacts({ hostId }: { readonly hostId?: string }) {
  const { t } = useTranslator();
  const installed = useWizard((s) => s.app?.installed);
  const log = useWizard((s) => s.app?.installerLog);
  return (
    <dl className="facts outcome-facts">
      {installed?.service ? (
        <>
          <dt>{t('outcome.facts.service')}</dt>
          <dd className={`service-state service-${installed.service}`}>
            {t('outcome.facts.serviceState', { state: installed.service })}
          </dd>
        </>
      ) : null}
      {log ? (
        <>
          <dt>{t('outcome.facts.log')}</dt>
          <dd className="fact-value">
            <code>
              <PathText path={log} />
            </code>
            <button type="button" onClick={() => void openLogs('installer')}>
              {t('outcome.facts.openLog')}
            </button>
          </dd>
        </>
      ) : null}
      {hostId ? (
        <>
          <dt>{t('finish.hostId')}</dt>
          <dd className="fact-value">
            <code>{hostId}</code>
            <CopyButton text={hostId} label={t('finish.copyHostId')} />
          </dd>
        </>
      ) : null}
    </dl>
  );
}
