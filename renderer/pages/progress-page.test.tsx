import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { JobEvent, StepPlan } from '../../shared/job-events';
import { setupError } from '../../shared/error-catalog';
import { FakeSetupApi, NOT_INSTALLED } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { onJobEvent } from '../state/actions';
import { newJob } from '../state/job-state';
import { useDialog, useInstall, useWizard } from '../state/stores';
import { formatClock, formatDateTime } from '../state/time-format';
import { CancelInstallDialog } from './cancel-install-dialog';
import { InstallationProgressPage } from './installation-progress-page';

// Issue 13 on Installation Progress: the plan from the start, one outcome banner at the top, a cancel that
// asks first and reads as a cancel, and Copy details on the error.

const JOB = '00000000-0000-4000-8000-000000000001';
const LOG = '/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log';
const T0 = '2026-11-25T10:00:00.000Z';
const PLAN: StepPlan[] = [
  { id: 'locate', kind: 'locate', title: 'Locate the agent package', optional: false },
  { id: 'preflight', kind: 'preflight', title: 'Check prerequisites', optional: false },
  { id: 'extract', kind: 'extract', title: 'Verify and extract the package', optional: false },
  { id: 'configure', kind: 'configure', title: 'Write the agent configuration and install record', optional: false },
];

function start(): FakeSetupApi {
  const api = new FakeSetupApi();
  useSetupApiForTests(api);
  useWizard.setState({ app: NOT_INSTALLED });
  useInstall.setState({ job: newJob(JOB), jobKind: 'install' });
  return api;
}

function emit(event: JobEvent): void {
  act(() => onJobEvent({ jobId: JOB, kind: 'install', event }));
}

function planned(): void {
  emit({ type: 'job-started', job: 'install', time: T0, logFile: LOG });
  emit({ type: 'plan', steps: PLAN });
}

function runStep(index: number, time = T0): void {
  const step = PLAN[index] as StepPlan;
  emit({ type: 'step-started', step, time });
  emit({ type: 'step-finished', stepId: step.id, status: 'Succeeded', message: '', time });
}

const items = () => within(screen.getByRole('list', { name: 'Installation steps' })).getAllByRole('listitem');

describe('Installation Progress: the plan', () => {
  it('lists every planned step as Waiting before the first one finishes, with Step k of n', () => {
    start();
    render(<InstallationProgressPage />);
    planned();
    expect(items().map((item) => item.textContent)).toEqual(PLAN.map((step) => `○${step.title}Waiting`));
    expect(screen.getByText('4 steps planned')).toBeTruthy();
    emit({ type: 'step-started', step: PLAN[0] as StepPlan, time: T0 });
    expect(screen.getByText('Step 1 of 4: Locate the agent package')).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('0%, step 1 of 4');
    expect(screen.getByRole('status').textContent).toBe('');
    expect(screen.getByText(/^Started/).querySelector('time')?.textContent).toBe(formatClock(T0, 'en'));
  });

  it('ticks finished steps and says the outcome once, at the top, in one sentence', () => {
    start();
    render(<InstallationProgressPage />);
    planned();
    for (let i = 0; i < PLAN.length; i++) runStep(i);
    emit({
      type: 'result',
      status: 'Succeeded',
      exitCode: 0,
      msiCode: 0,
      error: null,
      summary: { installLocation: '/usr/local/ASR', agentVersion: '9.60.0.0', role: 'MS', mode: 'fresh' },
    });
    const banner = screen.getByRole('status');
    expect(banner.textContent).toBe('Installed Mobility service 9.60.0.0 at /usr/local/ASR.');
    // The banner comes before the steps.
    expect(banner.compareDocumentPosition(items()[0] as Node) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    for (const item of items()) expect(item.textContent).toMatch(/^✓.*Succeeded$/);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    // The detail lines show their time with its zone.
    const times = screen.getByRole('log').querySelectorAll('time');
    expect(times.length).toBeGreaterThan(0);
    for (const time of times) expect(time.textContent).toBe(formatClock(time.getAttribute('datetime') ?? '', 'en'));
  });
});

describe('Installation Progress: Cancel', () => {
  it('asks first; Continue installing cancels nothing; Cancel installation does, and the outcome reads as a cancel', async () => {
    const api = start();
    render(<InstallationProgressPage />);
    planned();
    runStep(0);
    runStep(1);
    emit({ type: 'step-started', step: PLAN[2] as StepPlan, time: T0 });
    emit({ type: 'step-progress', stepId: 'extract', bytesDone: 30, bytesTotal: 100, filesDone: 1, filesTotal: 4 });

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(useDialog.getState().dialog).toEqual({ type: 'cancel-install' });
    const dialog = render(<CancelInstallDialog />);
    const question = dialog.getByRole('dialog', { name: 'Cancel the installation?' });
    expect(question.textContent).toContain('Changes made so far will be undone');
    expect(document.activeElement?.textContent).toBe('Continue installing');
    fireEvent.click(dialog.getByRole('button', { name: 'Continue installing' }));
    expect(useDialog.getState().dialog).toEqual({ type: 'none' });
    expect(api.called('cancel')).toEqual([]);
    dialog.unmount();

    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    const again = render(<CancelInstallDialog />);
    await act(async () => fireEvent.click(again.getByRole('button', { name: 'Cancel installation' })));
    expect(api.called('cancel')).toEqual([JOB]);
    expect(screen.getByRole('button', { name: 'Cancelling…' }).hasAttribute('disabled')).toBe(true);
    again.unmount();

    const cancelled = setupError('CANCELLED', 'setup was cancelled; every change it had made was undone');
    emit({
      type: 'step-finished',
      stepId: 'extract',
      status: 'Failed',
      message: cancelled.message,
      error: cancelled,
      time: T0,
    });
    emit({ type: 'result', status: 'Failed', exitCode: 4, msiCode: 1602, error: cancelled });
    expect(screen.getByRole('status').textContent).toBe(
      'Installation cancelled at step 3 of 4 (Verify and extract the package): nothing was changed.',
    );
    expect(items().map((item) => item.textContent?.replace(/^\W/, ''))).toEqual([
      'Locate the agent packageSucceeded',
      'Check prerequisitesSucceeded',
      `Verify and extract the packageCancelled${cancelled.message}`,
      'Write the agent configuration and install recordNot run',
    ]);
    // Where it stopped: the bar is not full.
    expect(Number(screen.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeLessThan(100);
    const panel = screen.getByRole('region', { name: /Setup was cancelled/ });
    expect(panel.textContent).toContain('CANCELLED');
    // A window's user gets what the code is for, not a deployment tool's exit codes.
    expect(panel.querySelector('.error-help p')?.textContent).toMatch(/^Setup was cancelled: the run was cancelled\. /);
    expect(panel.querySelector('.error-help p')?.textContent).not.toMatch(/1602|exit/);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(document.body.textContent).not.toMatch(/fail/i);
    expect(screen.getByRole('button', { name: 'Back' })).toBeTruthy();
  });

  it('offers no Cancel once the install has ended, and the open question then goes without cancelling', async () => {
    const api = start();
    render(<InstallationProgressPage />);
    planned();
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    const dialog = render(<CancelInstallDialog />);
    const late = dialog.getByRole('button', { name: 'Cancel installation' });
    emit({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null, summary: {} });
    expect(useDialog.getState().dialog).toEqual({ type: 'none' });
    await act(async () => fireEvent.click(late));
    expect(api.called('cancel')).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });
});

describe('Copy details', () => {
  it('copies the code, message, remedy, log, time with its zone, and both versions as plain text', async () => {
    const api = start();
    useInstall.setState({
      preflight: {
        status: 'done',
        summary: {
          installLocation: '/usr/local/ASR',
          mode: 'fresh',
          items: [],
          canInstall: true,
          agentVersion: '9.60.0.0',
        },
      },
    });
    render(<InstallationProgressPage />);
    planned();
    emit({ type: 'step-started', step: PLAN[0] as StepPlan, time: '2026-11-25T10:00:05.000Z' });
    const error = setupError('COMPONENT_FAILED', 'Replication filter driver exited with code 9');
    emit({
      type: 'step-finished',
      stepId: 'locate',
      status: 'Failed',
      message: error.message,
      error,
      time: '2026-11-25T10:00:07.000Z',
    });
    emit({ type: 'result', status: 'Failed', exitCode: 1, msiCode: 1603, error });
    const alert = screen.getByRole('alert');
    // The panel speaks to a window's user: no repository path, no exit codes, the remedy said once.
    expect(alert.textContent).not.toMatch(/docs\/errors\.md|exits with|1603/);
    expect(alert.textContent?.split(error.remedy).length).toBe(2);
    expect(
      within(alert).getByText(/the run failed\. The setup log and the command line name this problem/),
    ).toBeTruthy();
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Copy details' })));
    const text = api.clipboard ?? '';
    expect(text.split('\n')).toEqual([
      'A required component failed to install (COMPONENT_FAILED)',
      'Replication filter driver exited with code 9',
      `What to do: ${error.remedy}`,
      'Reference: docs/errors.md#component_failed',
      `Log: ${LOG}`,
      `Time: ${formatDateTime('2026-11-25T10:00:07.000Z', 'en')} (2026-11-25T10:00:07.000Z)`,
      'Setup version: 1.0.0',
      'Agent version: 9.60.0.0',
    ]);
    expect(within(alert).getByText('Copied')).toBeTruthy();
  });

  it('says so when main cannot reach the clipboard, rather than claiming it copied', async () => {
    const api = start();
    api.clipboardFails = true;
    render(<InstallationProgressPage />);
    planned();
    const error = setupError('COMPONENT_FAILED', 'Replication filter driver exited with code 9');
    emit({ type: 'result', status: 'Failed', exitCode: 1, msiCode: 1603, error });
    const alert = screen.getByRole('alert');
    await act(async () => fireEvent.click(within(alert).getByRole('button', { name: 'Copy details' })));
    expect(api.called('copyText')).toHaveLength(1);
    expect(within(alert).queryByText('Copied')).toBeNull();
    expect(within(alert).getByText(/The clipboard is not available here/)).toBeTruthy();
  });
});
