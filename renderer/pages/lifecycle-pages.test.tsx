import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { AppState } from '../../shared/ipc-contract';
import { setupError } from '../../shared/error-catalog';
import { FakeSetupApi, NOT_INSTALLED } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { boot, onJobEvent } from '../state/actions';
import { outcomeSentence } from '../state/job-outcome';
import { english } from '../test-support/english';
import { newJob, type JobView } from '../state/job-state';
import {
  loadUninstallPassphraseFile,
  openCommandLine,
  openUninstallDialog,
  saveDiagnostics,
} from '../state/lifecycle-actions';
import { useDialog, useInstall, useLogs, useRegistration, useWizard } from '../state/stores';
import { CommandLineDialog } from './command-line-dialog';
import { InstallationOptionPage } from './installation-option-page';
import { InstallationProgressPage } from './installation-progress-page';
import { UninstallDialog } from './uninstall-dialog';

const REGISTERED: AppState = {
  ...NOT_INSTALLED,
  installed: {
    agentVersion: '9.60.0.0',
    installLocation: '/usr/local/ASR',
    role: 'MS',
    platform: 'VmWare',
    status: 'Succeeded',
  },
  registration: {
    csEndpoint: '10.0.0.5:8443',
    hostId: '11111111-2222-4333-8444-555555555555',
    registeredAt: '2026-11-30T10:00:00.000Z',
    fingerprint: 'AB:CD',
  },
};

function fakeApi(state: AppState = REGISTERED): FakeSetupApi {
  const api = new FakeSetupApi();
  api.state = state;
  useSetupApiForTests(api);
  return api;
}

describe('Installation Option on a machine with the agent', () => {
  it('shows what is installed and where it is registered, and offers Uninstall…', async () => {
    fakeApi();
    await boot();
    render(<InstallationOptionPage />);
    const facts = screen.getByRole('region', { name: 'Installed agent' });
    for (const text of ['9.60.0.0', '/usr/local/ASR', 'Mobility service (MS)', 'VMware', '10.0.0.5:8443'])
      expect(facts.textContent).toContain(text);
    fireEvent.click(screen.getByRole('button', { name: 'Uninstall…' }));
    expect(useDialog.getState().dialog.type).toBe('uninstall');
  });

  it('locks role and platform to the installed agent and says how to change them', async () => {
    fakeApi();
    await boot();
    render(<InstallationOptionPage />);
    for (const name of ['Install master target', 'Azure virtual machine']) {
      const radio = screen.getByRole('radio', { name });
      expect(radio.matches(':disabled')).toBe(true);
      expect((radio as HTMLInputElement).checked).toBe(false);
    }
    const role = screen.getByRole('group', { name: 'What to install' });
    expect(role.getAttribute('aria-describedby')).toBe('kind-locked');
    expect(document.getElementById('kind-locked')?.textContent).toMatch(/uninstall it first/);
  });
});

describe('the Uninstall confirmation', () => {
  it('names what goes, masks the passphrase, traps focus and closes on Escape', async () => {
    fakeApi();
    await boot();
    openUninstallDialog();
    render(<UninstallDialog />);
    const dialog = screen.getByRole('dialog', { name: 'Uninstall the Mobility service agent' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.textContent).toContain('/usr/local/ASR');
    expect(dialog.textContent).toContain('service');
    expect(dialog.textContent).toContain('/var/lib/ASRSetup/install-record.json');
    const passphrase = screen.getByLabelText('Passphrase (optional)') as HTMLInputElement;
    expect(passphrase.type).toBe('password');
    expect(dialog.textContent).toContain('to remove this server from the configuration server 10.0.0.5:8443 too');
    const cancel = screen.getByRole('button', { name: 'Cancel' });
    const confirm = screen.getByRole('button', { name: 'Uninstall' });
    expect(document.activeElement).toBe(cancel);
    // Tab from the last control wraps to the first, Shift+Tab from the first to the last.
    confirm.focus();
    fireEvent.keyDown(confirm, { key: 'Tab' });
    expect(document.activeElement).toBe(passphrase);
    fireEvent.keyDown(passphrase, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(confirm);
    fireEvent.keyDown(confirm, { key: 'Escape' });
    expect(useDialog.getState().dialog.type).toBe('none');
  });

  it("the passphrase has Show and Load from file, as Register's has", async () => {
    fakeApi();
    await boot();
    openUninstallDialog();
    render(<UninstallDialog />);
    const passphrase = screen.getByLabelText('Passphrase (optional)') as HTMLInputElement;
    fireEvent.click(screen.getByRole('button', { name: 'Show passphrase' }));
    expect(passphrase.type).toBe('text');
    // jsdom's File cannot be read; a Blob's text() is all the action uses.
    const file = { text: async () => 'from-the-cs-file\n' } as unknown as Blob;
    await act(async () => {
      await loadUninstallPassphraseFile(file);
    });
    expect(passphrase.value).toBe('from-the-cs-file');
  });

  it('confirmed with a passphrase: starts the uninstall with it and shows its progress', async () => {
    const api = fakeApi();
    await boot();
    openUninstallDialog();
    render(<UninstallDialog />);
    fireEvent.input(screen.getByLabelText('Passphrase (optional)'), { target: { value: 'p4ss-phrase' } });
    fireEvent.click(screen.getByRole('button', { name: 'Uninstall' }));
    await waitFor(() => expect(useWizard.getState().step.type).toBe('installation-progress'));
    expect(api.called('startUninstall')).toEqual([{ passphrase: 'p4ss-phrase' }]);
    expect(useInstall.getState().jobKind).toBe('uninstall');
    expect(useDialog.getState().dialog.type).toBe('none');
  });

  it('without a passphrase sends null; a refusal stays in the dialog', async () => {
    const api = fakeApi();
    api.uninstallFailure = setupError('ANOTHER_INSTALL_RUNNING', 'a register job is already running');
    await boot();
    openUninstallDialog();
    render(<UninstallDialog />);
    fireEvent.click(screen.getByRole('button', { name: 'Uninstall' }));
    await screen.findByRole('alert');
    expect(api.called('startUninstall')).toEqual([{ passphrase: null }]);
    expect(screen.getByRole('alert').textContent).toContain('ANOTHER_INSTALL_RUNNING');
    expect(useWizard.getState().step.type).toBe('finish');
  });
});

function finished(status: 'Succeeded' | 'Warning' | 'Failed', summary: Record<string, string>): JobView {
  return {
    ...newJob('j'),
    steps: [
      {
        id: 'check',
        kind: 'preflight',
        title: 'Find the installed agent',
        optional: false,
        state: 'Succeeded',
        message: '',
      },
      {
        id: 'unregister',
        kind: 'register',
        title: 'Remove host h from 10.0.0.5',
        optional: false,
        state: status === 'Warning' ? 'Warning' : 'Succeeded',
        message: 'cannot reach 10.0.0.5: connection refused; remove it there.',
      },
    ],
    result: {
      status,
      error:
        status === 'Failed' ? setupError('CS_AUTH_FAILED', 'the configuration server refused the passphrase') : null,
      summary,
    },
  };
}

const sentenceOf = (...args: Parameters<typeof outcomeSentence>): string | undefined =>
  english(outcomeSentence(...args));

describe('the outcome, said once', () => {
  it('for an install', () => {
    const installed = { installLocation: '/usr/local/ASR', agentVersion: '9.60.0.0', role: 'MS', mode: 'fresh' };
    const job = finished('Succeeded', installed);
    // Issue 13: one sentence naming what was installed where ("Installation succeeded: Succeeded" said it twice).
    expect(sentenceOf('install', job)).toBe('Installed Mobility service 9.60.0.0 at /usr/local/ASR.');
    expect(sentenceOf('install', finished('Succeeded', { ...installed, role: 'MT', mode: 'upgrade' }))).toBe(
      'Upgraded master target to 9.60.0.0 at /usr/local/ASR.',
    );
    expect(sentenceOf('install', { ...job, steps: [], result: { status: 'Failed', error: null, summary: {} } })).toBe(
      'Installation failed.',
    );
    expect(sentenceOf('install', { ...job, result: { status: 'Failed', error: null, summary: {} } })).toBe(
      'Installation failed at step 2 of 2 (Remove host h from 10.0.0.5).',
    );
  });

  it('for an uninstall: removed, with a warning naming it, nothing to remove, failed', () => {
    expect(sentenceOf('uninstall', finished('Succeeded', { installLocation: '/usr/local/ASR' }))).toBe(
      'Removed the Mobility service agent from /usr/local/ASR.',
    );
    expect(sentenceOf('uninstall', finished('Warning', { installLocation: '/usr/local/ASR' }))).toBe(
      'Removed the Mobility service agent from /usr/local/ASR with a warning: cannot reach 10.0.0.5: connection refused; remove it there.',
    );
    expect(sentenceOf('uninstall', finished('Succeeded', { installed: 'false' }))).toContain('nothing to remove');
    expect(sentenceOf('uninstall', finished('Failed', {}))).toBe('Uninstall failed.');
    expect(sentenceOf('uninstall', finished('Failed', { removed: 'nothing' }))).toBe(
      'Uninstall failed: nothing was removed.',
    );
  });

  it('a refused unregister removed nothing: it says so, offers to uninstall without unregistering, and the sidebar has no install steps', async () => {
    const api = new FakeSetupApi();
    useSetupApiForTests(api);
    useWizard.setState({ step: { type: 'installation-progress' } });
    useInstall.setState({ job: finished('Failed', { removed: 'nothing' }), jobKind: 'uninstall' });
    render(<InstallationProgressPage />);
    expect(screen.getByRole('status').textContent).toBe('Uninstall failed: nothing was removed.');
    const steps = screen.getByRole('navigation', { name: 'Setup steps' });
    expect([...steps.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Installation Option', 'Uninstall']);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Uninstall without unregistering' })));
    expect(api.called('startUninstall')).toEqual([{ passphrase: null }]);
    expect(useInstall.getState().job?.result).toBeUndefined();
  });

  it('the progress page shows the uninstall steps, the sentence and the error with its remedy', () => {
    useSetupApiForTests(new FakeSetupApi());
    useInstall.setState({ job: finished('Failed', {}), jobKind: 'uninstall' });
    render(<InstallationProgressPage />);
    expect(screen.getByRole('heading', { name: 'Uninstall Progress' })).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Uninstall steps' }).textContent).toContain('Find the installed agent');
    expect(screen.getByRole('status').textContent).toBe('Uninstall failed.');
    expect(screen.getByRole('alert').textContent).toContain('CS_AUTH_FAILED');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Proceed to Configuration' })).toBeNull();
  });

  it('an uninstall that ends forgets the registration and refreshes what is installed', async () => {
    const api = fakeApi();
    await boot();
    useInstall.setState({ job: newJob('u'), jobKind: 'uninstall' });
    api.state = NOT_INSTALLED;
    onJobEvent({
      jobId: 'u',
      kind: 'uninstall',
      event: { type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null, summary: {} },
    });
    expect(useRegistration.getState().registered).toBeUndefined();
    await waitFor(() => expect(useWizard.getState().app?.installed).toBeNull());
  });
});

describe('Show command line', () => {
  it('shows the install in both syntaxes, this system first, each with its own default location and Copy', async () => {
    const api = fakeApi(NOT_INSTALLED);
    await boot();
    openCommandLine('install');
    render(<CommandLineDialog />);
    const dialog = screen.getByRole('dialog', { name: 'Install from the command line' });
    expect(
      within(dialog)
        .getAllByRole('region')
        .map((region) => region.getAttribute('aria-label')),
    ).toEqual(['Linux', 'Windows']);
    expect(dialog.textContent).toContain(
      'UnifiedAgent.exe /Role "MS" /InstallLocation "C:\\Program Files (x86)\\Microsoft Azure Site Recovery" /Platform "VmWare" /Silent',
    );
    expect(dialog.textContent).not.toContain('/InstallLocation "/usr/local/ASR"');
    expect(dialog.textContent).toContain('sudo ./install -d /usr/local/ASR -r MS -v VmWare -q');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy Linux command' })));
    expect(api.clipboard).toBe('sudo ./install -d /usr/local/ASR -r MS -v VmWare -q');
    expect(screen.getByRole('region', { name: 'Linux' }).textContent).toContain('Copied');
  });

  it('shows the register with the typed endpoint and a passphrase file, never the passphrase', async () => {
    fakeApi({ ...REGISTERED, registration: null });
    await boot();
    useRegistration.setState({ endpoint: '10.0.0.7:443', passphrase: 'top-secret-passphrase' });
    openCommandLine('register');
    render(<CommandLineDialog />);
    const dialog = screen.getByRole('dialog', { name: 'Register from the command line' });
    expect(dialog.textContent).toContain('UnifiedAgentConfigurator.exe /CSEndPoint 10.0.0.7:443 /PassphraseFilePath');
    expect(dialog.textContent).toContain(
      '/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh -i 10.0.0.7:443 -P /root/passphrase.txt',
    );
    expect(dialog.textContent).toContain('Write the passphrase to this file first');
    expect(dialog.textContent).not.toContain('top-secret-passphrase');
  });
});

describe('Save diagnostics…', () => {
  it('reports where the bundle was saved, nothing when cancelled, and an error with its remedy', async () => {
    const api = fakeApi();
    await saveDiagnostics();
    expect(useLogs.getState().diagnostics).toEqual({
      status: 'saved',
      path: '/home/admin/asr-setup-diagnostics.tar.gz',
    });
    api.diagnosticsAnswer = null;
    await saveDiagnostics();
    expect(useLogs.getState().diagnostics).toEqual({ status: 'idle' });
    api.diagnosticsAnswer = setupError('INVALID_ARGUMENT', 'the file exists already');
    await saveDiagnostics();
    expect(useLogs.getState().diagnostics).toMatchObject({ status: 'error', error: { code: 'INVALID_ARGUMENT' } });
    expect(api.called('saveDiagnostics')).toHaveLength(3);
  });
});
