import { useRef, useState } from 'react';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import {
  installCommandLines,
  PASSPHRASE_FILE_PLACEHOLDER,
  registerCommandLines,
  type CommandLines,
} from '../../shared/command-line-text';
import { closeDialog } from '../state/lifecycle-actions';
import { useDialog, useInstall, useRegistration, useWizard } from '../state/stores';
import { ModalDialog } from '../components/modal-dialog';

// Show command line: the silent command equivalent to what the wizard is about to do, in both syntaxes,
// each with a Copy button. The passphrase is never shown inline: the register commands read it from a file.

const EXAMPLE_ENDPOINT = '10.0.0.5';

function CommandBlock({ label, text }: { readonly label: string; readonly text: string }) {
  const code = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState('');
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('Copied');
    } catch {
      // The clipboard API may be refused: select the text so Ctrl+C copies it.
      const selection = window.getSelection();
      if (code.current && selection) selection.selectAllChildren(code.current);
      setCopied('Selected: press Ctrl+C to copy');
    }
  };
  return (
    <section className="command-block" aria-label={label}>
      <div className="row command-head">
        <h3>{label}</h3>
        <button type="button" onClick={() => void copy()}>
          Copy {label} command
        </button>
        <span role="status" className="hint">
          {copied}
        </span>
      </div>
      <pre className="command-text">
        <code ref={code}>{text}</code>
      </pre>
    </section>
  );
}

export function CommandLineDialog() {
  const dialog = useDialog((s) => s.dialog);
  const options = useInstall((s) => s.options);
  const endpointText = useRegistration((s) => s.endpoint);
  const app = useWizard((s) => s.app);
  if (dialog.type !== 'command-line') return null;
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
      title={dialog.of === 'install' ? 'Install from the command line' : 'Register from the command line'}
      onClose={closeDialog}
      className="command-dialog"
    >
      <p className="hint">
        {dialog.of === 'install'
          ? 'The same install as the wizard would do, silently. Run it as administrator (Windows) or root (Linux, from the extracted release folder).'
          : 'The same registration as the wizard would do, silently, as administrator or root.'}
      </p>
      <CommandBlock label="Windows" text={commands.windows.text} />
      <CommandBlock label="Linux" text={commands.linux.text} />
      {dialog.of === 'register' ? (
        <p className="hint">
          Write the passphrase to this file first ({PASSPHRASE_FILE_PLACEHOLDER.windows} or{' '}
          {PASSPHRASE_FILE_PLACEHOLDER.linux}), readable only by administrators or root, and delete it afterwards: it is
          never put on the command line.
          {exampleEndpoint ? ` Replace ${EXAMPLE_ENDPOINT} with the configuration server's IP address.` : ''}
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="primary" onClick={closeDialog}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
