import { describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { english } from '../test-support/english';
import { setupError } from '../../shared/error-catalog';
import type { PreflightSummary } from '../../shared/ipc-contract';
import { ALL_PASS, FakeSetupApi, INSTALLED, NOT_INSTALLED } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { boot, changeConfigurationServer, onJobEvent, runPreflight, setInstallOption } from '../state/actions';
import { JUDGE_PAUSE_MS } from '../state/field-actions';
import { useDialog, useInstall, useRegistration, useWizard } from '../state/stores';
import { ConfigurationServerPage } from './configuration-server-page';
import { ExitDialog } from './exit-dialog';
import { InstallationOptionPage } from './installation-option-page';

function fakeApi(): FakeSetupApi {
  const api = new FakeSetupApi();
  useSetupApiForTests(api);
  return api;
}

function describedBy(field: HTMLElement): string {
  return (field.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

describe('the install location at its field', () => {
  it('empty: "Enter an install location" under the field, aria-invalid, and no call main would refuse', async () => {
    const api = fakeApi();
    await boot();
    render(<InstallationOptionPage />);
    await waitFor(() => expect(useInstall.getState().preflight.status).toBe('done'));
    const field = screen.getByLabelText('Install location');
    fireEvent.input(field, { target: { value: '' } });
    await act(() => runPreflight());
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(describedBy(field)).toBe('Enter an install location');
    expect(api.called('preflight')).toHaveLength(1);
    expect((screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByText(/Too small|bug in the wizard/)).toBeNull();
  });

  it('while re-checking, the last results stay (dimmed, aria-busy) and only what changed is announced', async () => {
    const api = fakeApi();
    await boot();
    render(<InstallationOptionPage />);
    await waitFor(() => expect(screen.getByText(/Debian 12/)).toBeTruthy());
    const checks = () => screen.getByRole('list', { name: 'Prerequisite checks' });
    expect(checks().getAttribute('aria-busy')).toBe('false');
    const refused: PreflightSummary = {
      ...ALL_PASS,
      canInstall: false,
      items: [
        ...ALL_PASS.items,
        { id: 'location', title: 'Install location', ok: false, message: '/srv/data is not empty' },
      ],
    };
    let answer: (summary: PreflightSummary) => void = () => undefined;
    api.preflight = async () => new Promise<PreflightSummary>((resolve) => (answer = resolve));
    act(() => setInstallOption({ role: 'MT' }));
    expect(checks().getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText(/Debian 12/)).toBeTruthy();
    expect(screen.queryByText('Checking this machine…')).toBeNull();
    await waitFor(() => expect(useInstall.getState().preflight.status).toBe('checking'));
    await act(async () => answer(refused));
    expect(checks().getAttribute('aria-busy')).toBe('false');
    expect(useInstall.getState().preflightNews.map(english)).toEqual(['Install location: failed.']);
    // The engine's location verdict shows at the field too, and the list points there.
    const field = screen.getByLabelText('Install location');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(describedBy(field)).toBe('/srv/data is not empty');
    expect(screen.getByText(/see the message under the install location field/)).toBeTruthy();
  });
});

describe('Configuration Server Details fields', () => {
  it("a bad host and a bad port are said together; 0.0.0.0 is refused as no server's address", () => {
    fakeApi();
    render(<ConfigurationServerPage />);
    const ip = screen.getByLabelText('IP address');
    fireEvent.input(ip, { target: { value: 'abc:99999' } });
    fireEvent.blur(ip);
    expect(describedBy(ip)).toContain('"abc" is a host name');
    expect(describedBy(ip)).toContain('Also, "abc:99999" has port 99999, outside 1-65535');
    fireEvent.input(ip, { target: { value: '0.0.0.0' } });
    fireEvent.blur(ip);
    expect(describedBy(ip)).toContain('"0.0.0.0" is the unspecified address');
  });

  it('"10." is no error while typing; it is judged when typing pauses or the field is left', async () => {
    fakeApi();
    vi.useFakeTimers();
    try {
      render(<ConfigurationServerPage />);
      const ip = screen.getByLabelText('IP address');
      fireEvent.input(ip, { target: { value: '10.' } });
      expect(ip.getAttribute('aria-invalid')).toBe('false');
      act(() => vi.advanceTimersByTime(JUDGE_PAUSE_MS - 100));
      expect(ip.getAttribute('aria-invalid')).toBe('false');
      act(() => vi.advanceTimersByTime(100));
      expect(ip.getAttribute('aria-invalid')).toBe('true');
      expect(describedBy(ip)).toContain('"10." is not a valid IPv4 address');
      fireEvent.input(ip, { target: { value: '10.0.0.5' } });
      expect(ip.getAttribute('aria-invalid')).toBe('false');
      fireEvent.input(ip, { target: { value: '10.0.0.5:' } });
      expect(ip.getAttribute('aria-invalid')).toBe('false');
      fireEvent.blur(ip);
      expect(ip.getAttribute('aria-invalid')).toBe('true');
    } finally {
      vi.useRealTimers();
    }
  });

  it('Register says what is missing', () => {
    fakeApi();
    render(<ConfigurationServerPage />);
    const register = screen.getByRole('button', { name: 'Register' });
    expect(describedBy(register)).toBe(
      "Enter the configuration server's IP address. Enter the passphrase, or load it from the passphrase file.",
    );
    fireEvent.input(screen.getByLabelText('IP address'), { target: { value: '10.0.0.5' } });
    expect(describedBy(register)).toBe('Enter the passphrase, or load it from the passphrase file.');
    fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'secret' } });
    expect(register.getAttribute('aria-describedby')).toBeNull();
    expect((register as HTMLButtonElement).disabled).toBe(false);
  });

  it('a wrong passphrase marks the passphrase field, and focus moves to the error', async () => {
    fakeApi();
    render(<ConfigurationServerPage />);
    fireEvent.input(screen.getByLabelText('IP address'), { target: { value: '10.0.0.5' } });
    fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'wrong' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Register' })));
    const jobId = useRegistration.getState().job?.jobId ?? '';
    const error = setupError('CS_AUTH_FAILED', 'the configuration server rejected the passphrase');
    act(() =>
      onJobEvent({
        jobId,
        kind: 'register',
        event: { type: 'result', status: 'Failed', exitCode: 1, msiCode: 1603, error },
      }),
    );
    const passphrase = screen.getByLabelText('Passphrase');
    expect(passphrase.getAttribute('aria-invalid')).toBe('true');
    expect(describedBy(passphrase)).toMatch(/^The configuration server rejected this passphrase/);
    expect(document.activeElement?.textContent).toContain('CS_AUTH_FAILED');
    fireEvent.input(passphrase, { target: { value: 'right' } });
    expect(passphrase.getAttribute('aria-invalid')).toBe('false');
  });

  it('reached by "Change configuration server", Back returns to Registered', async () => {
    const api = fakeApi();
    api.state = {
      ...NOT_INSTALLED,
      installed: INSTALLED,
      registration: { csEndpoint: '10.0.0.5:443', hostId: 'h', registeredAt: '2026-11-30T10:00:00Z', fingerprint: '' },
    };
    await boot();
    changeConfigurationServer();
    render(<ConfigurationServerPage />);
    fireEvent.input(screen.getByLabelText('IP address'), { target: { value: '10.0.0.9' } });
    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    expect(useWizard.getState().step).toEqual({ type: 'finish' });
    expect(useRegistration.getState().endpoint).toBe('10.0.0.5:443');
  });
});

describe('Exit', () => {
  it('closes at once when nothing would be lost', async () => {
    const api = fakeApi();
    await boot();
    render(<InstallationOptionPage />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Exit' })));
    expect(api.called('close')).toHaveLength(1);
  });

  it('asks first when the agent is installed but not registered; Escape keeps setup open', async () => {
    const api = fakeApi();
    api.state = { ...NOT_INSTALLED, installed: INSTALLED };
    await boot();
    render(
      <>
        <ConfigurationServerPage />
        <ExitDialog />
      </>,
    );
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Exit' })));
    const dialog = screen.getByRole('dialog', { name: 'Exit without registering?' });
    expect(dialog.textContent).toContain('The agent is installed but not registered');
    expect(api.called('close')).toHaveLength(0);
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(useDialog.getState().dialog.type).toBe('none');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Exit' })));
    await act(async () => fireEvent.click(screen.getAllByRole('button', { name: 'Exit' })[1] as HTMLElement));
    expect(api.called('close')).toHaveLength(1);
  });
});
