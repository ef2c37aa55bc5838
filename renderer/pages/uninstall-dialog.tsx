import {
  closeDialog,
  confirmUninstall,
  loadUninstallPassphraseFile,
  setUninstallPassphrase,
  toggleUninstallPassphrase,
} from '../state/lifecycle-actions';
import { LoadFileButton } from '../components/load-file-button';
import { TextField } from '../components/text-field';
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
          <TextField
            label={t('uninstall.passphrase')}
            value={dialog.passphrase}
            hint={t('uninstall.passphrase.hint', { endpoint: registration.csEndpoint, hostId: registration.hostId })}
            onChange={setUninstallPassphrase}
            reveal={{
              shown: dialog.shown,
              toggle: toggleUninstallPassphrase,
              showLabel: t('config.passphrase.show'),
              hideLabel: t('config.passphrase.hide'),
            }}
            beside={<LoadFileButton onFile={(file) => void loadUninstallPassphraseFile(file)} />}
          />
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
