import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { FakeSetupApi } from './test-support/fake-setup-api';
import { useSetupApiForTests } from './setup-api';
import { boot } from './state/actions';
import { App } from './app';
import { currentIntl, forgetMessagePartsForTests, resetLocale } from './i18n/locale-store';
import { messagesEnPush } from './i18n/messages-en-push';

describe('setup that cannot start', () => {
  it('says why, with the remedy, and still has a way out: Exit closes at once', async () => {
    const api = new FakeSetupApi();
    api.getState = async () => {
      throw new Error('main did not answer');
    };
    useSetupApiForTests(api);
    await boot();
    render(<App />);
    expect(screen.getByRole('heading', { name: 'Mobility Service Setup cannot start' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('main did not answer');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Exit' })));
    expect(api.called('close')).toHaveLength(1);
  });
});

describe('the parts of the catalog that load with their pages', () => {
  it('shows the first page without the dialogs or push messages, and each page or dialog with its own', async () => {
    forgetMessagePartsForTests();
    resetLocale();
    const errors = vi.spyOn(console, 'error');
    useSetupApiForTests(new FakeSetupApi());
    await boot();
    render(<App />);
    await screen.findByRole('heading', { name: 'Installation Option' });
    const messages = () => currentIntl().messages;
    expect(messages()['option.location']).toBeDefined();
    expect(messages()['command.install.title']).toBeUndefined();
    expect(messages()['push.intro']).toBeUndefined();

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Show command line' })));
    expect(await screen.findByRole('dialog', { name: 'Install from the command line' })).toBeTruthy();
    expect(messages()['push.intro']).toBeUndefined();
    await act(async () => fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' }));

    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Push to servers' })));
    expect(await screen.findByText(messagesEnPush['push.intro'])).toBeTruthy();
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });
});
