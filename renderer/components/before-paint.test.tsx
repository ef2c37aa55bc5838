import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { create } from 'zustand';
import { FakeSetupApi } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { openLogs } from '../state/actions';
import { useDialog, useWizard } from '../state/stores';
import { ExitDialog } from '../pages/exit-dialog';
import { LogsView } from '../pages/logs-view';
import { WizardFrame } from './wizard-frame';

// Preact runs plain effects a frame after the paint, unlike React after a click or key. What must answer a key
// as soon as it shows (a dialog's Escape and focus, the logs view's, a page's heading focus) runs before the
// paint. Each test here changes the store outside act, as main's events and timers do, lets that render happen
// (a microtask), and acts at once - before any frame.
async function rendered(): Promise<void> {
  for (let i = 0; i < 3; i++) await Promise.resolve();
}

describe('shown and ready for keys before the first paint', () => {
  it('a dialog: focus on the way to stay, and Escape closes it', async () => {
    render(<ExitDialog />);
    useDialog.setState({ dialog: { type: 'confirm-exit', risk: 'not-registered' } });
    await rendered();
    expect(screen.getByRole('dialog', { name: 'Exit without registering?' })).toBeTruthy();
    expect(document.activeElement?.textContent).toBe('Back to setup');
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(useDialog.getState().dialog.type).toBe('none');
  });

  it('the logs view: its heading has focus, and Escape leaves it', async () => {
    useSetupApiForTests(new FakeSetupApi());
    await openLogs();
    useWizard.setState({ logsOpen: false });
    function Host() {
      return useWizard((s) => s.logsOpen) ? <LogsView /> : null;
    }
    render(<Host />);
    useWizard.setState({ logsOpen: true });
    await rendered();
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Setup logs' }));
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(useWizard.getState().logsOpen).toBe(false);
  });

  it('a page: its heading has focus as soon as the title changes', async () => {
    const usePage = create(() => ({ title: 'First page' }));
    function Host() {
      return <WizardFrame title={usePage((s) => s.title)}>{null}</WizardFrame>;
    }
    render(<Host />);
    // The next page starts from its heading, not from the button that led to it.
    screen.getByRole('button', { name: 'View logs' }).focus();
    usePage.setState({ title: 'Second page' });
    await rendered();
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Second page' }));
  });
});
