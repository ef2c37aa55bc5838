import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { AppState } from '../../shared/ipc-contract';
import { ALL_PASS, FakeSetupApi, INSTALLED, NOT_INSTALLED } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { newJob } from '../state/job-state';
import { boot, runPreflight } from '../state/actions';
import { useInstall, useWizard } from '../state/stores';
import { App } from '../app';

// Issue 23, items 9 and 10: a "Ready to install" summary before anything changes (Enter in the location field
// started the install), and the maintenance flow on a machine with the agent: both versions named, the button
// saying which, and a repair or upgrade of a registered agent finishing with its registration kept.

const REGISTERED: AppState = {
  ...NOT_INSTALLED,
  installed: INSTALLED,
  registration: { csEndpoint: '10.0.0.5:443', hostId: 'h-1', registeredAt: '2026-12-01T10:00:00Z', fingerprint: '' },
};

async function start(
  state: AppState,
  mode: 'fresh' | 'upgrade' | 'repair',
  agentVersion: string,
): Promise<FakeSetupApi> {
  const api = new FakeSetupApi();
  api.state = state;
  api.preflightAnswer = { ...ALL_PASS, mode, agentVersion };
  useSetupApiForTests(api);
  await act(() => boot());
  return api;
}

describe('Ready to install', () => {
  it('Enter in the location field shows the summary; nothing starts until its Install', async () => {
    const api = await start(NOT_INSTALLED, 'fresh', '9.60.0.0');
    render(<App />);
    await act(() => runPreflight());
    const location = screen.getByLabelText('Install location');
    await act(async () => fireEvent.submit(location.closest('form') as HTMLFormElement));
    expect(api.called('startInstall')).toEqual([]);
    // The page loads on first use.
    expect(await screen.findByRole('heading', { level: 1, name: 'Ready to install' })).toBeTruthy();
    const summary = document.querySelector('.facts') as HTMLElement;
    for (const text of ['Mobility service (MS)', 'VMware or physical (VmWare)', '9.60.0.0', '/usr/local/ASR'])
      expect(summary.textContent).toContain(text);
    // Still Installation Option in the sidebar; Show command line is here too.
    expect(
      screen.getByRole('navigation', { name: 'Setup steps' }).querySelector('[aria-current="step"]')?.textContent,
    ).toBe('Installation Option');
    expect(screen.getByRole('button', { name: 'Show command line' })).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Install' })));
    expect(api.called('startInstall')).toHaveLength(1);
    expect(useWizard.getState().step.type).toBe('installation-progress');
  });

  it('an upgrade names both versions, on Installation Option as it opens and on the button', async () => {
    await start(REGISTERED, 'upgrade', '9.61.0.0');
    useWizard.setState({ step: { type: 'installation-option' } });
    render(<App />);
    await waitFor(() =>
      expect(
        screen
          .getByText(
            /A newer agent package is in the repository: Next upgrades the installed agent 9\.60\.0\.0 → 9\.61\.0\.0/,
          )
          .getAttribute('role'),
      ).toBe('status'),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Ready to upgrade' })).toBeTruthy();
    expect(document.querySelector('.facts')?.textContent).toContain('Kept: registered with 10.0.0.5:443');
    expect(screen.getByRole('button', { name: 'Upgrade 9.60.0.0 → 9.61.0.0' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(useWizard.getState().step.type).toBe('installation-option');
  });

  it('a repair says Repair with the installed version', async () => {
    await start(REGISTERED, 'repair', '9.60.0.0');
    useWizard.setState({ step: { type: 'installation-option' } });
    render(<App />);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Next' }).matches(':disabled')).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Ready to repair' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Repair 9.60.0.0' })).toBeTruthy();
  });
});

describe('maintenance of a registered agent', () => {
  it('Registered names a newer package and leads to its upgrade', async () => {
    await start(REGISTERED, 'upgrade', '9.61.0.0');
    expect(useWizard.getState().step.type).toBe('finish');
    render(<App />);
    const newer = await screen.findByRole('region', { name: 'Upgrade available' }, { timeout: 3000 });
    expect(newer.textContent).toContain('The repository holds a newer agent package: 9.60.0.0 → 9.61.0.0.');
    fireEvent.click(screen.getByRole('button', { name: 'Upgrade 9.60.0.0 → 9.61.0.0…' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Ready to upgrade' })).toBeTruthy();
  });

  it('a finished upgrade keeps the registration: Finish, not a second passphrase prompt', async () => {
    await start(REGISTERED, 'upgrade', '9.61.0.0');
    useInstall.setState({
      jobKind: 'install',
      job: {
        ...newJob('j'),
        result: {
          status: 'Succeeded',
          error: null,
          summary: { mode: 'upgrade', role: 'MS', agentVersion: '9.61.0.0', installLocation: '/usr/local/ASR' },
        },
      },
    });
    useWizard.setState({ step: { type: 'installation-progress' } });
    render(<App />);
    expect(await screen.findByText('The registration with 10.0.0.5:443 was kept.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Proceed to Configuration' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Finish' }));
    expect(useWizard.getState().step.type).toBe('finish');
  });
});
