import { describe, expect, it, vi } from 'vitest';
import { ALL_PASS, FakeSetupApi, NOT_INSTALLED } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import {
  boot,
  onJobEvent,
  onLogChanged,
  openLogs,
  preflightIfNeeded,
  register,
  setEndpoint,
  setInstallOption,
  setLogText,
  setPassphrase,
  startInstall,
} from './actions';
import { useInstall, useLogs, useRegistration, useWizard } from './stores';
import { setupError } from '../../shared/error-catalog';

function fakeApi(): FakeSetupApi {
  const api = new FakeSetupApi();
  useSetupApiForTests(api);
  return api;
}

const installed = {
  agentVersion: '9.60.0.0',
  installLocation: '/opt/asr',
  role: 'MS',
  platform: 'VmWare',
  status: 'Succeeded',
} as const;

describe('where the wizard opens', () => {
  it('on a clean machine: Installation Option, defaults filled, preflight run once the page asks', async () => {
    const api = fakeApi();
    await boot();
    expect(api.called('preflight')).toHaveLength(0);
    preflightIfNeeded();
    preflightIfNeeded();
    expect(useWizard.getState().step).toEqual({ type: 'installation-option' });
    expect(useInstall.getState().options).toEqual({
      role: 'MS',
      platform: 'VmWare',
      installLocation: '/usr/local/ASR',
    });
    await vi.waitFor(() => expect(useInstall.getState().preflight).toEqual({ status: 'done', summary: ALL_PASS }));
    expect(api.called('preflight')).toHaveLength(1);
  });

  it('installed but not registered: straight to Configuration Server Details', async () => {
    const api = fakeApi();
    api.state = { ...NOT_INSTALLED, installed };
    await boot();
    expect(useWizard.getState().step).toEqual({ type: 'configuration-server-details' });
    expect(useInstall.getState().options.installLocation).toBe('/opt/asr');
  });

  it('registered: the Registered page, with the endpoint kept for a change of server', async () => {
    const api = fakeApi();
    api.state = {
      ...NOT_INSTALLED,
      installed,
      registration: { csEndpoint: '10.0.0.5:443', hostId: 'h', registeredAt: 't', fingerprint: 'f' },
    };
    await boot();
    expect(useWizard.getState().step).toEqual({ type: 'finish' });
    expect(useRegistration.getState().endpoint).toBe('10.0.0.5:443');
  });

  it('when main cannot answer: an error page with the remedy', async () => {
    const api = fakeApi();
    api.getState = async () => {
      throw new Error('IPC_ERROR:{"code":"INSTALL_FAILED","message":"boom","remedy":"do x"}');
    };
    await boot();
    expect(useWizard.getState().step).toEqual({
      type: 'unavailable',
      error: { code: 'INSTALL_FAILED', message: 'boom', remedy: 'do x' },
    });
  });
});

describe('install', () => {
  it('waits for a passing preflight before it starts, then follows the job', async () => {
    const api = fakeApi();
    api.preflightAnswer = { ...ALL_PASS, canInstall: false };
    await boot();
    preflightIfNeeded();
    await vi.waitFor(() => expect(useInstall.getState().preflight.status).toBe('done'));
    await startInstall();
    expect(api.called('startInstall')).toEqual([]);
    api.preflightAnswer = ALL_PASS;
    setInstallOption({ installLocation: '/opt/new' });
    await vi.waitFor(
      () => expect(useInstall.getState().preflight).toMatchObject({ status: 'done', summary: { canInstall: true } }),
      { timeout: 2000 },
    );
    await startInstall();
    expect(api.called('startInstall')).toEqual([{ role: 'MS', platform: 'VmWare', installLocation: '/opt/new' }]);
    expect(useWizard.getState().step).toEqual({ type: 'installation-progress' });
    const jobId = useInstall.getState().job?.jobId ?? '';
    onJobEvent({
      jobId: 'someone-else',
      kind: 'install',
      event: { type: 'log', level: 'info', message: 'not ours', time: 't' },
    });
    onJobEvent({ jobId, kind: 'install', event: { type: 'log', level: 'info', message: 'ours', time: 't' } });
    expect(useInstall.getState().job?.details.map((d) => d.text)).toEqual(['ours']);
  });
});

describe('register', () => {
  it('does nothing with an invalid endpoint or no passphrase', async () => {
    const api = fakeApi();
    setEndpoint('10.0.0.300');
    setPassphrase('secret-passphrase');
    await register();
    setEndpoint('10.0.0.5');
    setPassphrase('');
    await register();
    expect(api.called('register')).toEqual([]);
  });

  it('a failure keeps what was typed and shows the error; success clears the passphrase', async () => {
    const api = fakeApi();
    setEndpoint('10.0.0.5:8443');
    setPassphrase('secret-passphrase');
    await register();
    const jobId = useRegistration.getState().job?.jobId ?? '';
    const error = setupError('CS_AUTH_FAILED', 'rejected');
    onJobEvent({
      jobId,
      kind: 'register',
      event: { type: 'result', status: 'Failed', exitCode: 1, msiCode: 1603, error },
    });
    expect(useRegistration.getState()).toMatchObject({
      endpoint: '10.0.0.5:8443',
      passphrase: 'secret-passphrase',
      submitting: false,
      error,
    });
    await register();
    const second = useRegistration.getState().job?.jobId ?? '';
    onJobEvent({
      jobId: second,
      kind: 'register',
      event: {
        type: 'result',
        status: 'Succeeded',
        exitCode: 0,
        msiCode: 0,
        error: null,
        summary: {
          csEndpoint: '10.0.0.5:8443',
          hostId: 'host-1',
          fingerprint: 'fp',
          registeredAt: '2026-11-25T10:00:07.000Z',
        },
      },
    });
    expect(useRegistration.getState()).toMatchObject({
      passphrase: '',
      error: undefined,
      // When the engine registered it, not when the page heard of it.
      registered: { csEndpoint: '10.0.0.5:8443', hostId: 'host-1', registeredAt: '2026-11-25T10:00:07.000Z' },
    });
    expect(useWizard.getState().step).toEqual({ type: 'finish' });
    expect(api.called('register')).toEqual([
      { endpoint: '10.0.0.5:8443', passphrase: 'secret-passphrase' },
      { endpoint: '10.0.0.5:8443', passphrase: 'secret-passphrase' },
    ]);
  });

  it('a refused call (bad endpoint caught by main) shows its catalog error', async () => {
    const api = fakeApi();
    api.registerFailure = setupError('ANOTHER_INSTALL_RUNNING', 'busy');
    setEndpoint('10.0.0.5');
    setPassphrase('secret-passphrase');
    await register();
    expect(useRegistration.getState().error?.code).toBe('ANOTHER_INSTALL_RUNNING');
    expect(useRegistration.getState().submitting).toBe(false);
  });
});

describe('logs', () => {
  it('opens on the tail, filters as typed, and grows with the file', async () => {
    const api = fakeApi();
    api.logLines = Array.from({ length: 450 }, (_, i) => ({
      number: i,
      text: `line ${i}${i % 100 === 0 ? ' special' : ''}`,
      level: 'info' as const,
    }));
    await openLogs('installer');
    expect(useLogs.getState().total).toBe(450);
    // The tail block (lines 400-449) is what loads first.
    expect([...useLogs.getState().blocks.keys()]).toEqual([2]);
    setLogText('special');
    await vi.waitFor(() => expect(useLogs.getState().total).toBe(5), { timeout: 2000 });
    setLogText('');
    await vi.waitFor(() => expect(useLogs.getState().total).toBe(450), { timeout: 2000 });
    api.logLines.push({ number: 450, text: 'line 450', level: 'error' });
    onLogChanged({ log: 'installer', size: 1, lineCount: 451 });
    await vi.waitFor(() => expect(useLogs.getState().total).toBe(451));
    expect(useLogs.getState().blocks.get(2)?.at(-1)?.text).toBe('line 450');
  });
});
