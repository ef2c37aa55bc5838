import { closeDialog } from '../state/lifecycle-actions';
import { confirmExit } from '../state/exit-actions';
import { useDialog, type ExitRisk } from '../state/stores';
import { ModalDialog } from '../components/modal-dialog';

// Exit, when leaving would cost something: what is lost, a way to stay (focused first), and a way out.

const TEXT: Readonly<Record<ExitRisk, { title: string; body: string; stay: string; leave: string }>> = {
  'install-running': {
    title: 'Exit and cancel the installation?',
    body: 'The installation in progress stops and is rolled back: nothing it changed is kept.',
    stay: 'Continue installing',
    leave: 'Cancel installation and exit',
  },
  busy: {
    title: 'Exit while setup is still working?',
    body: 'The registration or uninstall in progress stops when setup exits. Run setup again to finish it.',
    stay: 'Keep working',
    leave: 'Exit anyway',
  },
  'push-running': {
    title: 'Exit and cancel the push?',
    body: 'The push in progress stops; each server rolls back what it had started.',
    stay: 'Continue pushing',
    leave: 'Cancel push and exit',
  },
  'not-registered': {
    title: 'Exit without registering?',
    body: 'The agent is installed but not registered with a configuration server, so it does not protect this machine yet. Register it later by running setup again, or with UnifiedAgentConfigurator.',
    stay: 'Back to setup',
    leave: 'Exit',
  },
};

export function ExitDialog() {
  const dialog = useDialog((s) => s.dialog);
  if (dialog.type !== 'confirm-exit') return null;
  const text = TEXT[dialog.risk];
  return (
    <ModalDialog title={text.title} onClose={closeDialog}>
      <p>{text.body}</p>
      <div className="actions">
        <button type="button" data-autofocus onClick={closeDialog}>
          {text.stay}
        </button>
        <button type="button" className="primary danger" onClick={() => void confirmExit()}>
          {text.leave}
        </button>
      </div>
    </ModalDialog>
  );
}
