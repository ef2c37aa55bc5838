import { useEffect } from 'react';
import { ModalDialog } from '../components/modal-dialog';
import { confirmCancel, keepInstalling } from '../state/progress-actions';
import { useInstall } from '../state/stores';

// The question before a cancel; the safe answer (keep installing) has focus, and Escape means it too. An
// install that ends while the question is open leaves nothing to cancel, so the question goes.
export function CancelInstallDialog() {
  const ended = useInstall((s) => s.job?.result !== undefined);
  useEffect(() => {
    if (ended) keepInstalling();
  }, [ended]);
  return (
    <ModalDialog title="Cancel the installation?" onClose={keepInstalling}>
      <p>Changes made so far will be undone, and the machine is left as it was before setup started.</p>
      <div className="actions">
        <button type="button" onClick={() => void confirmCancel()}>
          Cancel installation
        </button>
        <button type="button" className="primary" data-autofocus onClick={keepInstalling}>
          Continue installing
        </button>
      </div>
    </ModalDialog>
  );
}
