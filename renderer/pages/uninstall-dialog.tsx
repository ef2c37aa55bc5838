import { useId } from 'react';
import { closeDialog, confirmUninstall, setUninstallPassphrase } from '../state/lifecycle-actions';
import { useDialog, useWizard } from '../state/stores';
import { ErrorPanel } from '../components/error-panel';
import { ModalDialog } from '../components/modal-dialog';

// The Uninstall confirmation: what goes (the install location, the service, the install record), what
// stays (the logs, anything the admin put in the install location), and, on a registered machine, an
// optional passphrase to remove this server from its configuration server too.

const RECORD_FILE = {
  linux: '/var/lib/ASRSetup/install-record.json',
  win32: '%ProgramData%\\ASRSetup\\install-record.json',
} as const;

export function UninstallDialog() {
  const dialog = useDialog((s) => s.dialog);
  const app = useWizard((s) => s.app);
  const ids = { pass: useId(), hint: useId() };
  if (dialog.type !== 'uninstall' || !app?.installed) return null;
  const { installed, registration } = app;
  return (
    <ModalDialog title="Uninstall the Mobility service agent" onClose={closeDialog}>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void confirmUninstall();
        }}
      >
        <p>Uninstalling agent {installed.agentVersion} removes:</p>
        <ul className="removal-list">
          <li>
            what setup installed at <code>{installed.installLocation}</code> (anything else there is kept)
          </li>
          <li>the agent&apos;s service: stopped, disabled and removed</li>
          <li>
            the install record, <code>{RECORD_FILE[app.hostPlatform]}</code>
          </li>
        </ul>
        <p className="hint">The setup logs stay.</p>
        {registration ? (
          <div className="field">
            <label htmlFor={ids.pass}>Passphrase (optional)</label>
            <input
              id={ids.pass}
              type="password"
              spellCheck={false}
              autoComplete="off"
              value={dialog.passphrase}
              aria-describedby={ids.hint}
              onChange={(event) => setUninstallPassphrase(event.target.value)}
            />
            <p id={ids.hint} className="hint">
              Enter the passphrase to remove this server from the configuration server {registration.csEndpoint} too.
              Without it, the configuration server keeps its entry for host {registration.hostId}.
            </p>
          </div>
        ) : null}
        {dialog.error ? <ErrorPanel error={dialog.error} title="Uninstall could not start" /> : null}
        <div className="actions">
          <button type="button" data-autofocus onClick={closeDialog}>
            Cancel
          </button>
          <button type="submit" className="primary danger">
            Uninstall
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
