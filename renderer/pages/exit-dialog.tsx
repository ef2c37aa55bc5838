import type { MessageId } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import { closeDialog } from '../state/lifecycle-actions';
import { confirmExit } from '../state/exit-actions';
import { useDialog, type ExitRisk } from '../state/stores';
import { ModalDialog } from '../components/modal-dialog';

// Exit, when leaving would cost something: what is lost, a way to stay (focused first), and a way out.

const TEXT: Readonly<Record<ExitRisk, { title: MessageId; body: MessageId; stay: MessageId; leave: MessageId }>> = {
  'install-running': {
    title: 'exit.installRunning.title',
    body: 'exit.installRunning.body',
    stay: 'exit.installRunning.stay',
    leave: 'exit.installRunning.leave',
  },
  busy: { title: 'exit.busy.title', body: 'exit.busy.body', stay: 'exit.busy.stay', leave: 'exit.busy.leave' },
  'push-running': {
    title: 'exit.pushRunning.title',
    body: 'exit.pushRunning.body',
    stay: 'exit.pushRunning.stay',
    leave: 'exit.pushRunning.leave',
  },
  'not-registered': {
    title: 'exit.notRegistered.title',
    body: 'exit.notRegistered.body',
    stay: 'exit.notRegistered.stay',
    leave: 'exit.notRegistered.leave',
  },
};

export function ExitDialog() {
  const { t } = useTranslator();
  const dialog = useDialog((s) => s.dialog);
  if (dialog.type !== 'confirm-exit') return null;
  const text = TEXT[dialog.risk];
  return (
    <ModalDialog title={t(text.title)} onClose={closeDialog}>
      <p>{t(text.body)}</p>
      <div className="actions">
        {/* As in every confirmation: the step that loses work is red and never the default; staying is. */}
        <button type="button" className="danger" onClick={() => void confirmExit()}>
          {t(text.leave)}
        </button>
        <button type="button" className="primary" data-autofocus onClick={closeDialog}>
          {t(text.stay)}
        </button>
      </div>
    </ModalDialog>
  );
}
