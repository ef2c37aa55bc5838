import { useEffect } from 'react';
import { ModalDialog } from '../components/modal-dialog';
import { useTranslator } from '../i18n/use-translator';
import { confirmCancel, keepInstalling } from '../state/progress-actions';
import { useInstall } from '../state/stores';

// The question before a cancel; the safe answer (keep installing) has focus, and Escape means it too. An
// install that ends while the question is open leaves nothing to cancel, so the question goes.
export function CancelInstallDialog() {
  const { t } = useTranslator();
  const ended = useInstall((s) => s.job?.result !== undefined);
  useEffect(() => {
    if (ended) keepInstalling();
  }, [ended]);
  return (
    <ModalDialog title={t('cancel.title')} onClose={keepInstalling}>
      <p>{t('cancel.body')}</p>
      <div className="actions">
        {/* As in every confirmation: the step that loses work is red and never the default; going on is. */}
        <button type="button" className="danger" onClick={() => void confirmCancel()}>
          {t('cancel.confirm')}
        </button>
        <button type="button" className="primary" data-autofocus onClick={keepInstalling}>
          {t('cancel.keep')}
        </button>
      </div>
    </ModalDialog>
  );
}
