import { useEffect } from 'react';
import { changeConfigurationServer, closeApp, openLogs, preflightIfNeeded, reviewInstall } from '../state/actions';
import { showInstallationOptions } from '../state/lifecycle-actions';
import { useInstall, useRegistration, useWizard } from '../state/stores';
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

/** A newer package in the repository, found by a quiet preflight: named with both versions, one click away. */
function NewerPackage() {
  const { t } = useTranslator();
  const preflight = useInstall((s) => s.preflight);
  const installed = useWizard((s) => s.app?.installed);
  useEffect(preflightIfNeeded, []);
  if (preflight.status !== 'done' || preflight.summary.mode !== 'upgrade' || !installed) return null;
  const versions = { from: installed.agentVersion, to: preflight.summary.agentVersion ?? '' };
  return (
    <section aria-labelledby="newer-heading" className="next-step">
      <h2 id="newer-heading">{t('finish.newer.heading')}</h2>
      <p role="status">{t('finish.newer', versions)}</p>
      <button type="button" disabled={!preflight.summary.canInstall} onClick={reviewInstall}>
        {t('finish.upgrade', versions)}
      </button>
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
      <NewerPackage />
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
