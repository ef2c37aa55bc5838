import { changeConfigurationServer, closeApp, openLogs } from '../state/actions';
import { showInstallationOptions } from '../state/lifecycle-actions';
import { useRegistration, useWizard } from '../state/stores';
import { formatDateTime } from '../state/time-format';
import { CopyButton } from '../components/copy-button';
import { GroupedText } from '../components/grouped-text';
import { WizardFrame } from '../components/wizard-frame';
import './progress-page.css';

/** What to do once registered, in the Mobility service documentation's terms. */
function NextStep({ role, csEndpoint }: { readonly role: 'MS' | 'MT'; readonly csEndpoint: string }) {
  return (
    <section aria-labelledby="next-step-heading" className="next-step">
      <h2 id="next-step-heading">Next step</h2>
      {role === 'MT' ? (
        <p>
          This server can now be chosen as the master target when you set up failback (reprotect) from Azure in the
          Azure portal.
        </p>
      ) : (
        <p>
          Enable replication for this machine: in the Azure portal, open the Recovery Services vault, select{' '}
          <strong>Enable Replication</strong>, choose the configuration server {csEndpoint} as the source and select
          this machine.
        </p>
      )}
    </section>
  );
}

export function FinishPage() {
  const registered = useRegistration((s) => s.registered);
  const role = useWizard((s) => s.app?.installed?.role ?? 'MS');
  return (
    <WizardFrame title="Registered">
      <div role="status" className="outcome-banner status-succeeded">
        <p className="banner-text">The Mobility service is registered with the configuration server.</p>
      </div>
      {registered ? (
        <dl className="facts">
          <dt>Configuration server</dt>
          <dd className="wrap">{registered.csEndpoint}</dd>
          {registered.registeredAt ? (
            <>
              <dt>Registered</dt>
              <dd>
                <time dateTime={registered.registeredAt}>{formatDateTime(registered.registeredAt)}</time>
              </dd>
            </>
          ) : null}
          <dt>Host ID</dt>
          <dd className="fact-value">
            <code>{registered.hostId}</code>
            <CopyButton text={registered.hostId} label="Copy host ID" />
          </dd>
          {registered.fingerprint ? (
            <>
              <dt>Server certificate (SHA-256)</dt>
              <dd className="fact-value">
                <GroupedText text={registered.fingerprint} />
                <CopyButton text={registered.fingerprint} label="Copy fingerprint" />
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {registered ? <NextStep role={role} csEndpoint={registered.csEndpoint} /> : null}
      <div className="actions">
        <button type="button" onClick={changeConfigurationServer}>
          Change configuration server
        </button>
        <button type="button" onClick={showInstallationOptions}>
          Repair, upgrade or uninstall
        </button>
        <button type="button" onClick={() => void openLogs()}>
          View logs
        </button>
        <button type="button" className="primary" onClick={() => void closeApp()}>
          Close
        </button>
      </div>
    </WizardFrame>
  );
}
