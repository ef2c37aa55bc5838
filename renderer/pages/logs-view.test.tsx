import { formatDateTime } from '../state/time-format';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FakeSetupApi } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { openLogs, setLogText } from '../state/actions';
import { useLogs, useWizard } from '../state/stores';
import { LogsView } from './logs-view';

function fakeApi(lineCount: number): FakeSetupApi {
  const api = new FakeSetupApi();
  api.logLines = Array.from({ length: lineCount }, (_, number) => ({
    number,
    text: `2026-11-25T17:59:34.507Z INFO  line ${number}`,
    level: 'info' as const,
  }));
  useSetupApiForTests(api);
  return api;
}

describe('the logs view', () => {
  it("shows the log's full path; Open folder opens the folder of the log shown", async () => {
    const api = fakeApi(3);
    await act(() => openLogs('push'));
    render(<LogsView />);
    expect(screen.getByText('/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log').tagName).toBe('CODE');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Open folder' })));
    expect(api.called('openLogFolder')).toEqual(['push']);
  });

  it('Copy has main copy the whole log, not the lines loaded in the view', async () => {
    const api = fakeApi(1000);
    await act(() => openLogs());
    render(<LogsView />);
    // The view loaded the last 200-line block only.
    expect([...useLogs.getState().blocks.keys()]).toEqual([4]);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy log' })));
    expect(api.called('copyLog')).toEqual([{ query: { log: 'installer', level: 'all', text: '' }, run: null }]);
    expect(api.clipboard?.split('\n')).toHaveLength(1000);
    expect(screen.getByText(/Copied 1,000 lines of the whole log/)).toBeTruthy();
  });

  it('more than Copy takes is a plain notice (no error panel); a changed filter clears what Copy said', async () => {
    const api = fakeApi(1000);
    api.copyTooLarge = true;
    await act(() => openLogs());
    render(<LogsView />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy log' })));
    expect(screen.getByText(/Not copied: the lines are 40 MB and Copy takes at most 32 MB/)).toBeTruthy();
    expect(screen.queryByText('INVALID_ARGUMENT')).toBeNull();
    expect(useLogs.getState().error).toBeUndefined();
    api.copyTooLarge = false;
    await act(async () =>
      fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'nothing matches this' } }),
    );
    expect(screen.queryByText(/Not copied/)).toBeNull();
  });

  it('with a run chosen, Copy run has main copy that run (from its header), not the whole log', async () => {
    const api = fakeApi(1000);
    api.logRuns = [
      { line: 0, title: 'Mobility Service Setup 9.60.0.0: run started 2026-11-25T08:00:00.000Z', outcome: 'Succeeded' },
      {
        line: 600,
        title: 'Mobility Service Setup 9.60.0.0: run started 2026-11-25T09:00:00.000Z',
        outcome: 'Failed',
        code: 'COMPONENT_FAILED',
      },
    ];
    await act(() => openLogs());
    render(<LogsView />);
    const runs = screen.getByRole('combobox', { name: 'Run' });
    // The newest run first, each at its local time (not the raw ISO stamp) and with how it ended.
    expect([...(runs as HTMLSelectElement).options].map((option) => option.textContent)).toEqual([
      'Whole log',
      `${formatDateTime('2026-11-25T09:00:00.000Z', 'en')} · Mobility Service Setup 9.60.0.0 · failed (COMPONENT_FAILED)`,
      `${formatDateTime('2026-11-25T08:00:00.000Z', 'en')} · Mobility Service Setup 9.60.0.0 · succeeded`,
    ]);
    expect((runs as HTMLSelectElement).textContent).not.toMatch(/T\d\d:\d\d:\d\d/);
    await act(async () => fireEvent.change(runs, { target: { value: '600' } }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy run' })));
    expect(api.called('copyLog')).toEqual([{ query: { log: 'installer', level: 'all', text: '' }, run: 600 }]);
    expect(api.clipboard?.split('\n')).toHaveLength(400);
    expect(screen.getByText(/Copied 400 lines of the chosen run/)).toBeTruthy();
  });

  it('says "No lines match" when the filter finds nothing', async () => {
    fakeApi(5);
    await act(() => openLogs());
    render(<LogsView />);
    expect(screen.queryByText('No lines match the filter.')).toBeNull();
    await act(async () => {
      setLogText('nothing like this');
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    await waitFor(() => expect(screen.getByText('No lines match the filter.')).toBeTruthy());
  });

  it('Wrap lines makes long lines wrap instead of scrolling sideways', async () => {
    fakeApi(5);
    await act(() => openLogs());
    render(<LogsView />);
    const lines = screen.getByRole('log', { name: 'Installer log lines' });
    expect(lines.className).toBe('log-lines');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Wrap lines' }));
    expect(lines.className).toBe('log-lines wrap');
  });

  it('Escape closes it, except while it clears a typed filter', async () => {
    fakeApi(5);
    await act(() => openLogs());
    render(<LogsView />);
    const filter = screen.getByRole('searchbox', { name: 'Filter' });
    fireEvent.input(filter, { target: { value: 'line' } });
    fireEvent.keyDown(filter, { key: 'Escape' });
    expect(useWizard.getState().logsOpen).toBe(true);
    fireEvent.keyDown(screen.getByRole('log'), { key: 'Escape' });
    expect(useWizard.getState().logsOpen).toBe(false);
  });
});

describe('following the log', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stops at a wheel over the lines, through a passive listener; an unchanged choice re-renders nothing', async () => {
    const added = vi.spyOn(EventTarget.prototype, 'addEventListener');
    fakeApi(300);
    await act(() => openLogs());
    render(<LogsView />);
    const lines = screen.getByRole('log', { name: 'Installer log lines' });
    const wheel = added.mock.calls.filter((call, i) => call[0] === 'wheel' && added.mock.contexts[i] === lines);
    expect(wheel.map((call) => call[2])).toEqual([{ passive: true }]);
    expect(useLogs.getState().follow).toBe(true);
    const changes = vi.fn();
    const unsubscribe = useLogs.subscribe(changes);
    fireEvent.wheel(lines);
    fireEvent.wheel(lines);
    unsubscribe();
    expect(useLogs.getState().follow).toBe(false);
    expect(changes).toHaveBeenCalledTimes(1);
  });
});

describe('the logs view in a small window', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('keeps only the choice of log in the toolbar; the rest folds behind one button that says when it filters', async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({
      matches: query.includes('max-width'),
      media: query,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    }));
    fakeApi(3);
    await act(() => openLogs());
    render(<LogsView />);
    const toggle = screen.getByRole('button', { name: 'Filter and actions' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    for (const name of ['Copy log', 'Open folder', 'Save diagnostics…'])
      expect(screen.queryByRole('button', { name })).toBeNull();
    expect(screen.queryByRole('searchbox')).toBeNull();
    expect(screen.queryByText('/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log')).toBeNull();
    expect(screen.getByRole('button', { name: 'Installer log' })).toBeTruthy();

    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByRole('button', { name: 'Open folder' })).toBeTruthy();
    expect(screen.getByText('/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log')).toBeTruthy();
    await act(async () => fireEvent.input(screen.getByRole('searchbox'), { target: { value: 'line 2' } }));
    fireEvent.click(toggle);
    expect(screen.getByRole('button', { name: 'Filter and actions (filtered)' })).toBeTruthy();
  });
});
