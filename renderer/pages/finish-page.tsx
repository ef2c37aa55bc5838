import { changeConfigurationServer, closeApp, openLogs } from '../state/actions';
import { showInstallationOptions } from '../state/lifecycle-actions';
import { useRegistration } from '../state/stores';
import { WizardFrame } from '../components/wizard-frame';

export function FinishPage() {
  const registered = useRegistration((s) => s.registered);
  return (
    <WizardFrame title="Registered">
      <p role="status">The Mobility service is registered with the configuration server.</p>
      {registered ? (
        <dl className="facts">
          <dt>Configuration server</dt>
          <dd>{registered.csEndpoint}</dd>
          <dt>Host ID</dt>
          <dd>
            <code>{registered.hostId}</code>
          </dd>
          {registered.fingerprint ? (
            <>
              <dt>Server certificate (SHA-256)</dt>
              <dd>
                <code className="wrap">{registered.fingerprint}</code>
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
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
