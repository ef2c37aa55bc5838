import { describe, expect, it, vi } from 'vitest';
import { act, render, screen, within, waitFor } from '@testing-library/react';
import { ERROR_CATALOG, setupError } from '../../shared/error-catalog';
import { ERROR_CATALOG_DE } from '../../shared/error-catalog-de';
import { ErrorPanel } from '../components/error-panel';
import { formatBytes } from '../i18n/format-bytes';
import { applyLocale, currentIntl, useLocale } from '../i18n/locale-store';
import { useSetupApiForTests } from '../setup-api';
import { boot, runPreflight } from '../state/actions';
import { newJob } from '../state/job-state';
import { useInstall, useLogs, useWizard } from '../state/stores';
import { FakeSetupApi, NOT_INSTALLED } from '../test-support/fake-setup-api';
import { InstallationOptionPage } from './installation-option-page';
import { InstallationProgressPage } from './installation-progress-page';
import { LogsView } from './logs-view';

// Issue 13, item 8: the wizard in the system's language (German here), English for one it lacks, the
// pseudo-locale on request; the catalog's remedies in that language; numbers, sizes and times as it writes them.

describe('the language the wizard speaks', () => {
  it('follows the language main reports: de-AT is German, on the page and in <html lang>', async () => {
    const api = new FakeSetupApi();
    api.state = { ...NOT_INSTALLED, locale: 'de-AT' };
    useSetupApiForTests(api);
    await boot();
    expect(useLocale.getState().locale).toBe('de');
    expect(document.documentElement.lang).toBe('de');
    render(<InstallationOptionPage />);
    expect(screen.getByRole('heading', { level: 1, name: 'Installations\u00ADoption' })).toBeTruthy();
    expect(screen.getByRole('radio', { name: 'Mobility Service installieren' })).toBeTruthy();
    expect(screen.getByRole('navigation', { name: 'Setup-Schritte' })).toBeTruthy();
    await runPreflight();
    await waitFor(() => expect(screen.getByText(/Unterstütztes Betriebssystem/)).toBeTruthy());
    expect((screen.getByRole('button', { name: 'Weiter' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('falls back to English for a language it has no catalog for', async () => {
    const api = new FakeSetupApi();
    api.state = { ...NOT_INSTALLED, locale: 'fr-FR' };
    useSetupApiForTests(api);
    await boot();
    expect(document.documentElement.lang).toBe('en');
    render(<InstallationOptionPage />);
    expect(screen.getByRole('heading', { level: 1, name: 'Installation Option' })).toBeTruthy();
  });

  it('speaks the pseudo-locale when asked: accented, longer, each message in brackets', async () => {
    useSetupApiForTests(new FakeSetupApi());
    await act(() => applyLocale('en-XA'));
    expect(document.documentElement.lang).toBe('en-XA');
    render(<InstallationOptionPage />);
    const heading = screen.getByRole('heading', { level: 1 });
    expect(heading.textContent).toMatch(/^\[ÎÎññšţååļļ.*\]$/);
    expect(heading.textContent?.length).toBeGreaterThan('Installation Option'.length + 2);
  });

  it('field messages from the shared rules come in German too', async () => {
    useSetupApiForTests(new FakeSetupApi());
    await act(() => applyLocale('de'));
    useInstall.setState((s) => ({ options: { ...s.options, installLocation: '' } }));
    render(<InstallationOptionPage />);
    await act(() => runPreflight());
    expect(screen.getByText('Geben Sie einen Installationsort ein')).toBeTruthy();
  });
});

describe('error remedies from the catalog in the chosen language', () => {
  it('shows the German title and remedy for a catalog error, and the engine message as sent', async () => {
    await act(() => applyLocale('de'));
    render(<ErrorPanel error={setupError('CS_AUTH_FAILED', 'the configuration server refused the passphrase')} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(ERROR_CATALOG_DE.CS_AUTH_FAILED.title);
    expect(alert.textContent).toContain(`Was tun: ${ERROR_CATALOG_DE.CS_AUTH_FAILED.remedy}`);
    expect(alert.textContent).toContain('the configuration server refused the passphrase');
    expect(alert.textContent).not.toContain(ERROR_CATALOG.CS_AUTH_FAILED.remedy);
  });

  it("says what to do in German, and the engine's advice for the case beside it, marked as English", async () => {
    await act(() => applyLocale('de'));
    const remedy = 'Free 12 MiB on the file system of /srv, or choose another install location.';
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      render(<ErrorPanel error={setupError('INSUFFICIENT_DISK_SPACE', 'only 3 MiB free at /srv', remedy)} />);
      // The English advice is an element among the message's parts: keyed, or React warns about the list.
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      consoleError.mockRestore();
    }
    const alert = screen.getByRole('alert');
    // It read "Was tun: Free 12 MiB …": an English sentence after a German heading.
    expect(alert.textContent).toContain(`Was tun: ${ERROR_CATALOG_DE.INSUFFICIENT_DISK_SPACE.remedy}`);
    expect(alert.textContent).not.toContain(`Was tun: ${remedy}`);
    const english = within(alert).getByText(remedy);
    expect(english.getAttribute('lang')).toBe('en');
    expect(english.parentElement?.textContent).toContain(`Für diesen Fall (auf Englisch): ${remedy}`);
    expect(alert.textContent).toContain(ERROR_CATALOG_DE.INSUFFICIENT_DISK_SPACE.title);
  });

  it("a wrong passphrase: the remedy is German; in English only the engine's own remedy shows", async () => {
    const error = setupError(
      'CS_AUTH_FAILED',
      'the login failed',
      'Check the passphrase on the configuration server (genpassphrase.exe -v) and that the IP address is your configuration server, then try again.',
    );
    await act(() => applyLocale('de'));
    const { unmount } = render(<ErrorPanel error={error} />);
    expect(screen.getByRole('alert').textContent).toContain(`Was tun: ${ERROR_CATALOG_DE.CS_AUTH_FAILED.remedy}`);
    unmount();
    await act(() => applyLocale('en'));
    render(<ErrorPanel error={error} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(`What to do: ${error.remedy}`);
    expect(alert.textContent).not.toMatch(/in English/);
  });
});

describe('numbers, sizes and times as the language writes them', () => {
  it('sizes keep their binary units and get the decimal comma in German', async () => {
    expect(formatBytes(currentIntl(), 1.5 * 1024 ** 2)).toBe('1.5 MiB');
    await applyLocale('de');
    expect(formatBytes(currentIntl(), 1.5 * 1024 ** 2)).toBe('1,5 MiB');
    expect(formatBytes(currentIntl(), 2.25 * 1024 ** 3)).toBe('2,25 GiB');
    expect(formatBytes(currentIntl(), 1500)).toBe('2 KiB');
  });

  it('the progress bar reads its percentage and the extract counts in German', async () => {
    useSetupApiForTests(new FakeSetupApi());
    await act(() => applyLocale('de'));
    useInstall.setState({
      job: {
        ...newJob('j'),
        steps: [{ id: 'extract', kind: 'extract', title: 'Extract', optional: false, state: 'running', message: '' }],
        progress: {
          stepId: 'extract',
          bytesDone: 1.5 * 1024 ** 2,
          bytesTotal: 3 * 1024 ** 2,
          filesDone: 1200,
          filesTotal: 2400,
        },
      },
    });
    render(<InstallationProgressPage />);
    expect(screen.getByRole('heading', { level: 1, name: 'Installationsfortschritt' })).toBeTruthy();
    expect(screen.getByText('1,5 MiB von 3,0 MiB · 1.200 von 2.400 Dateien')).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe(
      '50\u00a0%, Schritt 1 von 1: 1,5 MiB von 3,0 MiB, 1.200 von 2.400 Dateien',
    );
  });

  it('counts with plurals and groups thousands as German does', async () => {
    useSetupApiForTests(new FakeSetupApi());
    await act(() => applyLocale('de'));
    useWizard.setState({ logsOpen: true });
    useLogs.setState({ copied: { id: 'logs.copy.done', values: { lines: 1500, scope: 'log', filtered: 'no' } } });
    const { rerender } = render(<LogsView />);
    expect(screen.getByText(/1\.500 Zeilen des ganzen Protokolls kopiert/)).toBeTruthy();
    act(() =>
      useLogs.setState({ copied: { id: 'logs.copy.done', values: { lines: 1, scope: 'run', filtered: 'yes' } } }),
    );
    rerender(<LogsView />);
    expect(screen.getByText(/1 Zeile des gewählten Laufs kopiert, nur Zeilen, die zum Filter passen/)).toBeTruthy();
  });
});
