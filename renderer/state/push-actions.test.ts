import { describe, expect, it, vi } from 'vitest';
import { FakeSetupApi } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { setupError } from '../../shared/error-catalog';
import type { HostResult } from '../../shared/push-events';
import {
  acceptHostKey,
  canStartPush,
  leavePush,
  onPushEvent,
  openPushLog,
  pushFormProblems,
  pushFormReady,
  retryFailed,
  savePushResults,
  scanHostKeys,
  setPushForm,
  startPush,
} from './push-actions';
import { PUSH_FORM_DEFAULTS, usePush } from './push-store';
import { useLogs, useWizard } from './stores';

const FP = `SHA256:${'Z'.repeat(43)}`;

function fakeApi(): FakeSetupApi {
  const api = new FakeSetupApi();
  useSetupApiForTests(api);
  return api;
}

const ok = (host: string): HostResult => ({
  host,
  status: 'Succeeded',
  osLabel: 'DEBIAN12-64',
  agentVersion: '9.60.0.0',
  hostId: 'id',
  stoppedAt: null,
  error: null,
});
const failed = (host: string): HostResult => ({
  host,
  status: 'Failed',
  osLabel: null,
  agentVersion: null,
  hostId: null,
  stoppedAt: 'connect',
  error: setupError('PUSH_AUTH_FAILED', `${host} refused the credentials`),
});

/** A filled form whose servers main has checked. */
async function fillForm(servers: string): Promise<void> {
  setPushForm({
    serversText: servers,
    auth: 'password',
    password: 'pw-1234',
    csEndpoint: '10.0.0.5',
    passphrase: 'pp',
  });
  await vi.waitFor(() => expect(usePush.getState().servers.status).toBe('done'));
}

describe('the push form', () => {
  it('asks main to check the servers as typed, line by line, and shows each problem', async () => {
    const api = fakeApi();
    api.checkServersAnswer = (lines) => ({
      hosts: lines.filter((line) => line === '10.0.0.7'),
      problems: lines.flatMap((line, i) =>
        line === 'web 01' ? [{ line: i + 1, message: '"web 01" is neither an IP address nor a host name' }] : [],
      ),
    });
    setPushForm({ serversText: '10.0.0.7\nweb 01' });
    expect(usePush.getState().servers.status).toBe('checking');
    await vi.waitFor(() =>
      expect(usePush.getState().servers).toEqual({
        status: 'done',
        hosts: ['10.0.0.7'],
        problems: [{ line: 2, message: '"web 01" is neither an IP address nor a host name' }],
      }),
    );
    expect(api.called('checkPushServers')).toEqual([{ lines: ['10.0.0.7', 'web 01'], user: 'root' }]);
    expect(pushFormReady()).toBe(false);
  });

  it('checks the other fields in the page, with the CLI rules', () => {
    expect(pushFormProblems(PUSH_FORM_DEFAULTS)).toEqual({});
    expect(
      Object.keys(
        pushFormProblems({
          ...PUSH_FORM_DEFAULTS,
          user: 'root; id',
          keyFile: 'id_rsa',
          installLocation: '/etc/asr',
          csEndpoint: '10.0.0.300',
          parallel: '0',
        }),
      ).sort(),
    ).toEqual(['csEndpoint', 'installLocation', 'keyFile', 'parallel', 'user']);
  });

  it('a CS address needs its passphrase; credentials are required', async () => {
    fakeApi();
    await fillForm('10.0.0.7');
    expect(pushFormReady()).toBe(true);
    setPushForm({ passphrase: '' });
    expect(pushFormReady()).toBe(false);
    setPushForm({ csEndpoint: '' });
    expect(pushFormReady()).toBe(true);
    setPushForm({ auth: 'key' });
    expect(pushFormReady()).toBe(false);
    setPushForm({ keyFile: '/root/.ssh/id_ed25519' });
    expect(pushFormReady()).toBe(true);
  });
});

describe('host keys, the push and its results', () => {
  it('nothing is accepted until ticked; the push carries exactly the accepted keys', async () => {
    const api = fakeApi();
    api.hostKeys = [{ host: 'new-web', verdict: 'unknown', keyType: 'ssh-ed25519', fingerprint: FP }];
    await fillForm('10.0.0.7\nnew-web');
    await scanHostKeys();
    expect(useWizard.getState().step).toEqual({ type: 'push-host-keys' });
    expect(api.called('scanHostKeys')).toEqual([['10.0.0.7', 'new-web']]);
    expect(canStartPush()).toBe(false);
    await startPush();
    expect(api.called('startPush')).toEqual([]);
    acceptHostKey('new-web', FP, true);
    expect(canStartPush()).toBe(true);
    await startPush();
    expect(api.called('startPush')).toEqual([
      {
        hosts: ['10.0.0.7', 'new-web'],
        user: 'root',
        credentials: { kind: 'password', password: 'pw-1234' },
        role: 'MS',
        platform: 'VmWare',
        installLocation: '/usr/local/ASR',
        cs: { endpoint: '10.0.0.5', passphrase: 'pp' },
        parallel: 10,
        jump: '',
        canary: null,
        maxFailures: null,
        retryOf: null,
        acceptedHostKeys: [{ host: 'new-web', fingerprint: FP }],
      },
    ]);
    expect(useWizard.getState().step).toEqual({ type: 'push-progress' });
  });

  it('a bastion, a canary and a failure limit: checked as typed, the bastion key accepted like a server key, all passed on', async () => {
    const api = fakeApi();
    api.hostKeys = [
      { host: 'ops@bastion.corp', verdict: 'unknown', keyType: 'ssh-ed25519', fingerprint: FP, jumpHost: true },
    ];
    await fillForm('10.0.0.7');
    for (const [change, field] of [
      [{ jump: 'ops@bad host' }, 'jump'],
      [{ canary: '0' }, 'canary'],
      [{ maxFailures: '150%' }, 'maxFailures'],
      [{ maxFailures: 'two' }, 'maxFailures'],
    ] as const) {
      expect(Object.keys(pushFormProblems({ ...usePush.getState().form, ...change }))).toEqual([field]);
    }
    setPushForm({ jump: 'ops@bastion.corp', canary: '1', maxFailures: '10%' });
    expect(pushFormReady()).toBe(true);
    await scanHostKeys();
    expect(api.called('scanHostKeysJump')).toEqual(['ops@bastion.corp']);
    // The bastion's unknown key blocks the push until it is accepted.
    expect(canStartPush()).toBe(false);
    acceptHostKey('ops@bastion.corp', FP, true);
    expect(canStartPush()).toBe(true);
    await startPush();
    expect(api.called('startPush')).toEqual([
      expect.objectContaining({
        hosts: ['10.0.0.7'],
        jump: 'ops@bastion.corp',
        canary: 1,
        maxFailures: '10%',
        acceptedHostKeys: [{ host: 'ops@bastion.corp', fingerprint: FP }],
      }),
    ]);
  });

  it('a changed key blocks the push', async () => {
    const api = fakeApi();
    api.hostKeys = [{ host: 'moved-db', verdict: 'changed', keyType: 'ssh-ed25519', fingerprint: FP, recorded: 'x' }];
    await fillForm('moved-db');
    await scanHostKeys();
    expect(canStartPush()).toBe(false);
  });

  it('folds events into a row a server (early ones too), then retries only the failed servers', async () => {
    const api = fakeApi();
    await fillForm('10.0.0.7\nfail-01');
    await scanHostKeys();
    const pushId = '00000000-0000-4000-8000-000000000001';
    // The first events arrive before startPush has answered with the push's id.
    const started = startPush();
    api.emitPush({
      pushId,
      event: { type: 'push-started', hosts: ['10.0.0.7', 'fail-01'], time: 't', logFile: '/l/ASRPushInstall.log' },
    });
    await started;
    onPushEvent({
      pushId,
      event: { type: 'host-step', host: '10.0.0.7', step: 'copy', status: 'started', message: 'm', time: 't' },
    });
    onPushEvent({ pushId, event: { type: 'host-progress', host: '10.0.0.7', bytesDone: 5, bytesTotal: 10 } });
    onPushEvent({ pushId: 'another', event: { type: 'host-result', result: failed('10.0.0.7') } });
    let run = usePush.getState().run;
    expect(run?.logFile).toBe('/l/ASRPushInstall.log');
    expect(run?.rows.map((row) => [row.host, row.status, row.step, row.bytesDone])).toEqual([
      ['10.0.0.7', 'Running', 'copy', 5],
      ['fail-01', 'Waiting', null, 0],
    ]);
    await retryFailed();
    expect(api.called('startPush')).toHaveLength(1);
    onPushEvent({
      pushId,
      event: { type: 'result', status: 'Failed', exitCode: 1, hosts: [ok('10.0.0.7'), failed('fail-01')] },
    });
    run = usePush.getState().run;
    expect(run?.rows.map((row) => [row.host, row.status, row.os])).toEqual([
      ['10.0.0.7', 'Succeeded', 'DEBIAN12-64'],
      ['fail-01', 'Failed', null],
    ]);
    const first = usePush.getState().run?.pushId;
    await retryFailed();
    const retry = api.called('startPush')[1] as { hosts: string[]; retryOf: string | null };
    expect(retry.hosts).toEqual(['fail-01']);
    // Merged into the run: the success keeps its row, the retried server starts again.
    expect(retry.retryOf).toBe(first);
    expect(usePush.getState().run?.rows.map((row) => [row.host, row.status])).toEqual([
      ['10.0.0.7', 'Succeeded'],
      ['fail-01', 'Waiting'],
    ]);
  });

  it('saves the results, and a row opens the push log filtered to its server', async () => {
    const api = fakeApi();
    await fillForm('10.0.0.7');
    await scanHostKeys();
    await startPush();
    const pushId = usePush.getState().run?.pushId ?? '';
    await savePushResults();
    expect(api.called('savePushResults')).toEqual([]);
    onPushEvent({ pushId, event: { type: 'result', status: 'Succeeded', exitCode: 0, hosts: [ok('10.0.0.7')] } });
    await savePushResults();
    expect(api.called('savePushResults')).toEqual([pushId]);
    expect(usePush.getState().saved).toBe('/home/admin/push-results.csv');
    await openPushLog('10.0.0.7');
    expect(useWizard.getState().logsOpen).toBe(true);
    expect(useLogs.getState()).toMatchObject({ log: 'push', text: '[10.0.0.7]' });
  });

  it('a refused start shows its error; leaving the push path forgets the password and passphrase', async () => {
    const api = fakeApi();
    api.startPushFailure = setupError('INVALID_ARGUMENT', 'the key file /k cannot be read (ENOENT)');
    await fillForm('10.0.0.7');
    await scanHostKeys();
    await startPush();
    expect(usePush.getState().startError?.message).toMatch(/cannot be read/);
    expect(useWizard.getState().step).toEqual({ type: 'push-host-keys' });
    leavePush();
    expect(usePush.getState().form).toMatchObject({ password: '', passphrase: '', serversText: '10.0.0.7' });
    expect(useWizard.getState().step).toEqual({ type: 'installation-option' });
  });
});
