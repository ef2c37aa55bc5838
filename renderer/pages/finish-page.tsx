import { changeConfigurationServer, closeApp, openLogs } from '../state/actions';
import { showInstallationOptions } from '../state/lifecycle-actions';
import { useRegistration, useWizard } from '../state/stores';
import { formatDateTime } from '../state/time-format';
import { CopyButton } from '../components/copy-button';
import { GroupedText } from '../components/grouped-text';
import { OutcomeFacts } from '../components/outcome-facts';
import { WizardFrame } from '../components/wizard-frame';
import { useTranslator } from '../i18n/use-translator';
import './progress-page.css';

/** What to do once registered, in the Mobility service documentation's terms. */
function NextStep({ role, csEndpoint }: { readonly role: 'MS' | 'MT'; readonly csEndpoint: string }) {
  const { t, rich } = useTranslator();
  return (
    <section aria-labelledby="next-step-heading" className="next-step">
      <h2 id="next-step-heading">{t('finish.next')}</h2>
      {role === 'MT' ? <p>{t('finish.next.mt')}</p> : <p>{rich('finish.next.ms', { endpoint: csEndpoint })}</p>}
    </section>
  );
}

export function FinishPage() {
  const { t, locale } = useTranslator();
  const registered = useRegistration((s) => s.registered);
  const role = useWizard((s) => s.app?.installed?.role ?? 'MS');
  return (
    <WizardFrame title={t('finish.title')}>
      <div role="status" className="outcome-banner status-succeeded">
        <p className="banner-text">{t('finish.banner')}</p>
      </div>
      <OutcomeFacts />
      {registered ? (
        <dl className="facts">
          <dt>{t('finish.server')}</dt>
          <dd className="wrap">{registered.csEndpoint}</dd>
          {registered.registeredAt ? (
            <>
              <dt>{t('finish.registeredAt')}</dt>
              <dd>
                <time dateTime={registered.registeredAt}>{formatDateTime(registered.registeredAt, locale)}</time>
              </dd>
            </>
          ) : null}
          <dt>{t('finish.hostId')}</dt>
          <dd className="fact-value">
            <code>{registered.hostId}</code>
            <CopyButton text={registered.hostId} label={t('finish.copyHostId')} />
          </dd>
          {registered.fingerprint ? (
            <>
              <dt>{t('finish.fingerprint')}</dt>
              <dd className="fact-value">
                <GroupedText text={registered.fingerprint} />
                <CopyButton text={registered.fingerprint} label={t('finish.copyFingerprint')} />
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {registered ? <NextStep role={role} csEndpoint={registered.csEndpoint} /> : null}
      <div className="actions">
        <button type="button" onClick={changeConfigurationServer}>
          {t('finish.changeServer')}
        </button>
        <button type="button" onClick={showInstallationOptions}>
          {t('finish.repair')}
        </button>
        <button type="button" onClick={() => void openLogs()}>
          {t('frame.viewLogs')}
        </button>
        <button type="button" className="primary" onClick={() => void closeApp()}>
          {t('common.close')}
        </button>
      </div>
    </WizardFrame>
  );
}
