import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ConfigurationServerPage } from './configuration-server-page';
import { InstallationOptionPage } from './installation-option-page';
import { InstallationProgressPage } from './installation-progress-page';
import { ALL_PASS, FakeSetupApi } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { onJobEvent, runPreflight } from '../state/actions';
import { newJob } from '../state/job-state';
import { useInstall, useRegistration } from '../state/stores';
import { setupError } from '../../shared/error-catalog';

describe('Configuration Server Details while registering', () => {
  it('locks the fields, shows the time it has taken, and Cancel or Escape cancels it', async () => {
    const api = new FakeSetupApi();
    useSetupApiForTests(api);
    render(<ConfigurationServerPage />);
    const ip = screen.getByLabelText('IP address') as HTMLInputElement;
    fireEvent.input(ip, { target: { value: '10.0.0.5' } });
    fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'secret-passphrase' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Register' })));
    const jobId = useRegistration.getState().job?.jobId ?? '';
    const time = new Date(Date.now() - 7000).toISOString();
    act(() =>
      onJobEvent({ jobId, kind: 'register', event: { type: 'job-started', job: 'register', time, logFile: '/x.log' } }),
    );
    // Typing into the fields now would make the error that comes back name an address they no longer hold.
    expect(ip.matches(':disabled')).toBe(true);
    expect(screen.getByLabelText('Passphrase').matches(':disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Load from file…' }).matches(':disabled')).toBe(true);
    expect(document.querySelector('.job-clock .elapsed')?.textContent).toMatch(/^0:0[7-9]$/);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
    expect(api.called('cancel')).toEqual([jobId]);
    await act(async () => fireEvent.keyDown(document.body, { key: 'Escape' }));
    expect(api.called('cancel')).toEqual([jobId, jobId]);
    const cancelled = setupError('CANCELLED', 'setup was cancelled');
    act(() =>
      onJobEvent({
        jobId,
        kind: 'register',
        event: { type: 'result', status: 'Failed', exitCode: 4, msiCode: 1602, error: cancelled },
      }),
    );
    expect(ip.matches(':disabled')).toBe(false);
    expect(ip.value).toBe('10.0.0.5');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.getByRole('region', { name: /Registration cancelled/ })).toBeTruthy();
  });
});

describe('Configuration Server Details', () => {
  it('validates the IP address when the field is left and only then allows Register', () => {
    useSetupApiForTests(new FakeSetupApi());
    render(<ConfigurationServerPage />);
    const ip = screen.getByLabelText('IP address');
    const register = screen.getByRole('button', { name: 'Register' });
    fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'secret-passphrase' } });
    fireEvent.input(ip, { target: { value: '10.0.0.256' } });
    fireEvent.blur(ip);
    expect(ip.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/"10.0.0.256" is not a valid IPv4 address/)).toBeTruthy();
    expect((register as HTMLButtonElement).disabled).toBe(true);
    fireEvent.input(ip, { target: { value: '10.0.0.5:8443' } });
    expect(ip.getAttribute('aria-invalid')).toBe('false');
    expect((register as HTMLButtonElement).disabled).toBe(false);
  });

  it('masks the passphrase until shown', () => {
    useSetupApiForTests(new FakeSetupApi());
    render(<ConfigurationServerPage />);
    const field = screen.getByLabelText('Passphrase') as HTMLInputElement;
    expect(field.type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Show passphrase' }));
    expect(field.type).toBe('text');
    expect(screen.getByRole('button', { name: 'Hide passphrase' }).getAttribute('aria-pressed')).toBe('true');
  });
});

describe('Installation Option', () => {
  it('keeps Install disabled while a prerequisite fails, and shows the remedy', async () => {
    const api = new FakeSetupApi();
    api.preflightAnswer = {
      ...ALL_PASS,
      canInstall: false,
      items: [
        {
          id: 'location',
          title: 'Install location',
          ok: false,
          message: '"/etc/asr" is inside the system folder /etc',
          code: 'INSTALL_LOCATION_INVALID',
          remedy: 'Choose another folder.',
        },
      ],
    };
    useSetupApiForTests(api);
    useInstall.setState((s) => ({ options: { ...s.options, installLocation: '/etc/asr' } }));
    render(<InstallationOptionPage />);
    await runPreflight();
    await waitFor(() => expect(screen.getByText(/inside the system folder \/etc/)).toBeTruthy());
    expect(screen.getByText(/What to do: Choose another folder\./)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Installation Progress', () => {
  it('shows a failed result with its code and remedy, and no way forward', () => {
    useSetupApiForTests(new FakeSetupApi());
    const error = setupError(
      'COMPONENT_FAILED',
      'Replication filter driver exited with code 9; the installation was rolled back',
    );
    useInstall.setState({ job: { ...newJob('j'), result: { status: 'Failed', error, summary: {} } } });
    render(<InstallationProgressPage />);
    expect(screen.getByRole('alert').textContent).toContain('COMPONENT_FAILED');
    expect(screen.getByRole('alert').textContent).toContain(error.remedy);
    expect(screen.queryByRole('button', { name: 'Proceed to Configuration' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Back' })).toBeTruthy();
  });
});
