import { useId } from 'react';
import { closeDialog, confirmUninstall, setUninstallPassphrase } from '../state/lifecycle-actions';
import { useDialog, useWizard } from '../state/stores';
import { ErrorPanel } from '../components/error-panel';
import { ModalDialog } from '../components/modal-dialog';
import { PathText } from '../components/path-text';
import { useTranslator } from '../i18n/use-translator';

// The Uninstall confirmation: what goes (the install location, the service, the install record), what
// stays (the logs, anything the admin put in the install location), and, on a registered machine, an
// optional passphrase to remove this server from its configuration server too.

const RECORD_FILE = {
  linux: '/var/lib/ASRSetup/install-record.json',
  win32: '%ProgramData%\\ASRSetup\\install-record.json',
} as const;

export function UninstallDialog() {
  const { t, rich } = useTranslator();
  const dialog = useDialog((s) => s.dialog);
  const app = useWizard((s) => s.app);
  const ids = { pass: useId(), hint: useId() };
  if (dialog.type !== 'uninstall' || !app?.installed) return null;
  const { installed, registration } = app;
  return (
    <ModalDialog title={t('uninstall.title')} onClose={closeDialog}>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void confirmUninstall();
        }}
      >
        <p>{t('uninstall.removes', { version: installed.agentVersion })}</p>
        <ul className="removal-list">
          <li>
            {rich('uninstall.removes.files', {
              location: <PathText key="location" path={installed.installLocation} />,
            })}
          </li>
          <li>{t('uninstall.removes.service')}</li>
          <li>{rich('uninstall.removes.record', { file: RECORD_FILE[app.hostPlatform] })}</li>
        </ul>
        <p className="hint">{t('uninstall.logsStay')}</p>
        {registration ? (
          <div className="field">
            <label htmlFor={ids.pass}>{t('uninstall.passphrase')}</label>
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
              {t('uninstall.passphrase.hint', { endpoint: registration.csEndpoint, hostId: registration.hostId })}
            </p>
          </div>
        ) : null}
        {dialog.error ? <ErrorPanel error={dialog.error} title={t('uninstall.cannotStart')} /> : null}
        <div className="actions">
          <button type="button" data-autofocus onClick={closeDialog}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary danger">
            {t('uninstall.confirm')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
