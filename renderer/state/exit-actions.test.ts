import { describe, expect, it } from 'vitest';
import { FakeSetupApi, INSTALLED, NOT_INSTALLED } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { confirmExit, exitRisk, requestExit } from './exit-actions';
import { newJob } from './job-state';
import { usePush } from './push-store';
import { newPushRun } from './push-state';
import { useDialog, useInstall, useRegistration, useWizard } from './stores';

// Exit on every page: what each risk asks, and what confirming stops before the window closes.

const JOB_ID = '3b0c9a4e-1f3a-4b6f-9a51-0c5f3d2e8a11';
const PUSH_ID = '9d2f3c1a-6b7e-4f80-a1b2-c3d4e5f60718';
function fakeApi(): FakeSetupApi {
  const api = new FakeSetupApi();
  useSetupApiForTests(api);
  useWizard.setState({ app: NOT_INSTALLED });
  return api;
}

async function exitAndConfirm(api: FakeSetupApi, expectedRisk: string): Promise<void> {
  await requestExit();
  const { dialog } = useDialog.getState();
  expect(dialog).toEqual({ type: 'confirm-exit', risk: expectedRisk });
  // Asked first: nothing is closed or stopped until the admin confirms.
  expect(api.called('close')).toHaveLength(0);
  expect(api.called('cancel')).toHaveLength(0);
  expect(api.called('cancelPush')).toHaveLength(0);
  await confirmExit();
  expect(useDialog.getState().dialog.type).toBe('none');
}

describe('Exit asks first when something would be lost', () => {
  it('an install running: confirming cancels it (it rolls back) before the window closes', async () => {
    const api = fakeApi();
    useInstall.setState({ job: newJob(JOB_ID), jobKind: 'install' });
    await exitAndConfirm(api, 'install-running');
    expect(api.calls.map((call) => call.method).filter((method) => method !== 'getState')).toEqual(['cancel', 'close']);
    expect(api.called('cancel')).toEqual([JOB_ID]);
  });

  it('an uninstall running: busy, and the window closes without cancelling what the engine finishes alone', async () => {
    const api = fakeApi();
    useWizard.setState({ app: { ...NOT_INSTALLED, installed: INSTALLED } });
    useInstall.setState({ job: newJob(JOB_ID), jobKind: 'uninstall' });
    await exitAndConfirm(api, 'busy');
    expect(api.called('cancel')).toHaveLength(0);
    expect(api.called('close')).toHaveLength(1);
  });

  it('a registration being sent: busy', async () => {
    const api = fakeApi();
    useWizard.setState({ app: { ...NOT_INSTALLED, installed: INSTALLED } });
    useRegistration.setState({ submitting: true });
    await exitAndConfirm(api, 'busy');
    expect(api.called('close')).toHaveLength(1);
  });

  it('a push running: confirming cancels the push (each server rolls back) before the window closes', async () => {
    const api = fakeApi();
    useWizard.setState({ step: { type: 'push-progress' } });
    usePush.setState({ run: newPushRun(PUSH_ID, ['10.0.0.7', '10.0.0.8']) });
    await exitAndConfirm(api, 'push-running');
    expect(api.called('cancelPush')).toEqual([PUSH_ID]);
    expect(api.calls.map((call) => call.method).slice(-2)).toEqual(['cancelPush', 'close']);
  });

  it('no risk once the job has ended: a finished install that is registered closes at once', async () => {
    const api = fakeApi();
    useWizard.setState({ app: { ...NOT_INSTALLED, installed: INSTALLED } });
    useRegistration.setState({
      registered: {
        csEndpoint: '10.0.0.5:443',
        hostId: 'host-1',
        fingerprint: 'ab'.repeat(32),
        registeredAt: '2026-11-25T10:00:00.000Z',
      },
    });
    useInstall.setState({ job: newJob(JOB_ID), jobKind: 'install' });
    expect(await exitRisk()).toBe('install-running');
    // The same job, ended: nothing runs any more.
    useInstall.setState({
      job: { ...newJob(JOB_ID), result: { status: 'Succeeded', error: null, summary: {} } },
    });
    expect(await exitRisk()).toBeUndefined();
    await requestExit();
    expect(api.called('close')).toHaveLength(1);
  });
});
