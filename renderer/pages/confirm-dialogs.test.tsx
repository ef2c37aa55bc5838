import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { CancelInstallDialog } from './cancel-install-dialog';
import { ExitDialog } from './exit-dialog';
import { FakeSetupApi } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { useDialog, type ExitRisk } from '../state/stores';

// The confirmations look and behave alike: the choice that loses work is red (danger) and first, never the
// default; the safe one is the primary button, last, and has the focus.

function buttons(): { text: string | null; className: string; focused: boolean }[] {
  return screen.getAllByRole('button').map((button) => ({
    text: button.textContent,
    className: button.className,
    focused: document.activeElement === button,
  }));
}

describe('confirmation dialogs', () => {
  it('Cancel installation: red "cancel", blue "continue installing" with the focus', () => {
    useSetupApiForTests(new FakeSetupApi());
    useDialog.setState({ dialog: { type: 'cancel-install' } });
    render(<CancelInstallDialog />);
    const [destroy, keep] = buttons();
    expect(destroy?.className).toBe('danger');
    expect(keep?.className).toBe('primary');
    expect(keep?.focused).toBe(true);
  });

  it.each<ExitRisk>(['install-running', 'push-running', 'not-registered', 'busy'])(
    'Exit while %s: the same order, colours and focus',
    (risk) => {
      useSetupApiForTests(new FakeSetupApi());
      useDialog.setState({ dialog: { type: 'confirm-exit', risk } });
      render(<ExitDialog />);
      const [leave, stay] = buttons();
      expect(leave?.className).toBe('danger');
      expect(stay?.className).toBe('primary');
      expect(stay?.focused).toBe(true);
    },
  );
});
