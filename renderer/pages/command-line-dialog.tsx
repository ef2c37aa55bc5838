import { useRef, useState } from 'react';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import {
  installCommandLines,
  PASSPHRASE_FILE_PLACEHOLDER,
  PUSH_FILE_PLACEHOLDERS,
  pushCommandLine,
  registerCommandLines,
  type CommandLines,
  type PushCommandOptions,
} from '../../shared/command-line-text';
import { copyText } from '../state/clipboard-actions';
import { closeDialog } from '../state/lifecycle-actions';
import { useDialog, useInstall, useRegistration, useWizard } from '../state/stores';
import { ModalDialog } from '../components/modal-dialog';
import { useTranslator } from '../i18n/use-translator';

// Show command line: the silent command equivalent to what the wizard is about to do, in both syntaxes,
// each with a Copy button. The passphrase is never shown inline: the register commands read it from a file.

const EXAMPLE_ENDPOINT = '10.0.0.5';

function CommandBlock({ label, text }: { readonly label: string; readonly text: string }) {
  const { t } = useTranslator();
  const code = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<'command.copied' | 'command.selected' | undefined>(undefined);
  const copy = async (): Promise<void> => {
    if (await copyText(text)) {
      setCopied('command.copied');
      return;
    }
    // Main could not reach the clipboard: select the text so Ctrl+C copies it.
    const selection = window.getSelection();
    if (code.current && selection) selection.selectAllChildren(code.current);
    setCopied('command.selected');
  };
  return (
    <section className="command-block" aria-label={label}>
      <div className="row command-head">
        <h3>{label}</h3>
        <button type="button" onClick={() => void copy()}>
          {t('command.copy', { system: label })}
        </button>
        <span role="status" className="hint">
          {copied ? t(copied) : ''}
        </span>
      </div>
      <pre className="command-text">
        <code ref={code}>{text}</code>
      </pre>
    </section>
  );
}

/** The push runs from this machine: one command, the CLI the wizard itself runs, with its files named. */
function PushCommandDialog({ options }: { readonly options: PushCommandOptions }) {
  const { t } = useTranslator();
  const command = pushCommandLine(options);
  const inFile = options.hosts.length > 4;
  return (
    <ModalDialog title={t('command.push.title')} onClose={closeDialog} className="command-dialog">
      <p className="hint">{t('command.push.hint')}</p>
      <CommandBlock label={t('command.push.label')} text={command.text} />
      <ul className="hint">
        {inFile ? <li>{t('command.push.serversFile', { file: PUSH_FILE_PLACEHOLDERS.servers })}</li> : null}
        {options.keyFile === null ? (
          <li>{t('command.push.passwordFile', { file: PUSH_FILE_PLACEHOLDERS.password })}</li>
        ) : null}
        {options.csEndpoint !== null ? (
          <li>{t('command.push.passphraseFile', { file: PASSPHRASE_FILE_PLACEHOLDER.linux })}</li>
        ) : null}
      </ul>
      <div className="actions">
        <button type="button" className="primary" onClick={closeDialog}>
          {t('common.close')}
        </button>
      </div>
    </ModalDialog>
  );
}

export function CommandLineDialog() {
  const { t } = useTranslator();
  const dialog = useDialog((s) => s.dialog);
  const options = useInstall((s) => s.options);
  const endpointText = useRegistration((s) => s.endpoint);
  const app = useWizard((s) => s.app);
  if (dialog.type !== 'command-line') return null;
  if (dialog.of === 'push') return <PushCommandDialog options={dialog.push} />;
  let commands: CommandLines;
  let exampleEndpoint = false;
  if (dialog.of === 'install') {
    commands = installCommandLines(options);
  } else {
    const parsed = parseCsEndpoint(endpointText.trim());
    exampleEndpoint = !parsed.ok;
    commands = registerCommandLines({
      endpoint: parsed.ok ? parsed.endpoint.display : EXAMPLE_ENDPOINT,
      installLocation: app?.installed?.installLocation ?? app?.defaultInstallLocation ?? '/usr/local/ASR',
    });
  }
  return (
    <ModalDialog
      title={t(dialog.of === 'install' ? 'command.install.title' : 'command.register.title')}
      onClose={closeDialog}
      className="command-dialog"
    >
      <p className="hint">{t(dialog.of === 'install' ? 'command.install.hint' : 'command.register.hint')}</p>
      {/* This system's syntax first; the other's with its own default location where the chosen one is not its kind. */}
      {(app?.hostPlatform === 'win32' ? (['windows', 'linux'] as const) : (['linux', 'windows'] as const)).map(
        (system) => (
          <CommandBlock
            key={system}
            label={t(system === 'windows' ? 'command.windows' : 'command.linux')}
            text={commands[system].text}
          />
        ),
      )}
      {dialog.of === 'register' ? (
        <p className="hint">
          {t('command.passphraseFile', {
            windows: PASSPHRASE_FILE_PLACEHOLDER.windows,
            linux: PASSPHRASE_FILE_PLACEHOLDER.linux,
          })}
          {exampleEndpoint ? ` ${t('command.replaceEndpoint', { example: EXAMPLE_ENDPOINT })}` : ''}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="primary" onClick={closeDialog}>
          {t('common.close')}
        </button>
      </div>
    </ModalDialog>
  );
}
