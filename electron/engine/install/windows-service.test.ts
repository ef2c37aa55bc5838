import { describe, expect, it } from 'vitest';
import { systemLayout } from '../system/system-layout';
import { fakeProbe } from '../test-support/fixtures';
import { recordingRunner, type RunnerAnswer } from '../test-support/recording-runner';
import {
  captureService,
  quiesceForUndo,
  registerService,
  restoreService,
  stopForReplacement,
} from './service-registration';
import { failureArgs, parseServiceKey, windowsBinPath } from './windows-service';

// The agent service on Windows through sc.exe, with a recording runner standing in for sc.exe and reg.exe: its
// configuration read from its registry key (what `sc qc` shows; Wine has no qc), sc config where it runs and a
// delete and create that keeps description, failure actions and start type where it does not (Wine), the settle
// window, and a capture that cannot read the old configuration failing instead of recording nothing. Under Wine
// for real: electron/cli/windows-under-wine.test.ts.

const spec = {
  name: 'asr-mobility',
  description: 'Azure Site Recovery Mobility service',
  exec: 'bin/svagentsd.exe',
  args: ['--config', 'etc/my conf'],
};
const LOCATION = 'C:\\Program Files (x86)\\Microsoft Azure Site Recovery';
const BIN_PATH = '"C:\\Program Files (x86)\\Microsoft Azure Site Recovery\\bin\\svagentsd.exe" --config "etc/my conf"';
const KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\asr-mobility';
// Restart after 60 s twice, then nothing; counters reset after a day (86400 s).
const FAILURE_ACTIONS = `80510100${'00'.repeat(4)}${'00'.repeat(4)}03000000${'00'.repeat(4)}01000000${'60ea0000'}01000000${'60ea0000'}00000000${'00000000'}`;
const OLD_KEY = [
  '',
  `HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\asr-mobility`,
  '    Type    REG_DWORD    0x10',
  '    Start    REG_DWORD    0x3',
  '    ErrorControl    REG_DWORD    0x1',
  '    ImagePath    REG_EXPAND_SZ    C:\\old\\svagentsd.exe',
  '    DisplayName    REG_SZ    Old Mobility service',
  '    Description    REG_SZ    The old agent',
  `    FailureActions    REG_BINARY    ${FAILURE_ACTIONS}`,
  '',
].join('\r\n');

function context(answer: RunnerAnswer) {
  const runner = recordingRunner(answer);
  return {
    runner,
    ctx: {
      layout: systemLayout('win32', undefined),
      probe: fakeProbe({ platform: 'win32' }),
      runner,
      log: () => undefined,
      sleep: async () => undefined,
    },
  };
}

const running = { output: 'SERVICE_NAME: asr-mobility\r\n        STATE              : 4  RUNNING\r\n', code: 0 };
const stopped = { output: 'SERVICE_NAME: asr-mobility\r\n        STATE              : 1  STOPPED\r\n', code: 0 };

describe('the service configuration from its registry key', () => {
  it('reads ImagePath, Start, DisplayName, Description and FailureActions as reg query prints them', () => {
    expect(parseServiceKey(OLD_KEY)).toEqual({
      binPath: 'C:\\old\\svagentsd.exe',
      startType: 'demand',
      displayName: 'Old Mobility service',
      description: 'The old agent',
      failureActions: FAILURE_ACTIONS,
      failureCommand: null,
    });
    expect(parseServiceKey('HKEY_LOCAL_MACHINE\\...\r\n    Type    REG_DWORD    0x10\r\n')).toBeUndefined();
  });

  it("turns FailureActions into sc failure's arguments", () => {
    const config = parseServiceKey(OLD_KEY);
    expect(config && failureArgs(config)).toEqual(['reset=', '86400', 'actions=', 'restart/60000/restart/60000//0']);
  });
});

describe('Windows', () => {
  it('fresh install: creates (argv only), describes and starts the service, then watches it settle; an undo stops and deletes it', async () => {
    let exists = false;
    const { runner, ctx } = context((_command, args) => {
      if (args[0] === 'query') return exists ? running : { kind: 'exited', code: 1060 };
      if (args[0] === 'create') exists = true;
      return { kind: 'exited', code: 0 };
    });
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({ managed: true, existed: false, windowsConfig: null });
    runner.calls.length = 0;
    const outcome = await registerService(spec, LOCATION, snapshot, ctx);
    expect(outcome).toMatchObject({ status: 'Succeeded', message: 'asr-mobility registered and started' });
    expect(runner.calls).toEqual([
      ['sc.exe', 'create', 'asr-mobility', 'binPath=', BIN_PATH, 'start=', 'auto', 'DisplayName=', spec.description],
      ['sc.exe', 'description', 'asr-mobility', spec.description],
      ['sc.exe', 'start', 'asr-mobility'],
      ['sc.exe', 'query', 'asr-mobility'],
      ['sc.exe', 'query', 'asr-mobility'],
      ['sc.exe', 'query', 'asr-mobility'],
    ]);
    runner.calls.length = 0;
    await quiesceForUndo(snapshot, ctx);
    exists = false;
    await restoreService(snapshot, ctx);
    expect(runner.calls[0]).toEqual(['sc.exe', 'stop', 'asr-mobility']);
  });

  it('upgrade: reads the old configuration from the registry, stops and waits, reconfigures keeping its start type; an undo puts it back', async () => {
    let polls = 0;
    const { runner, ctx } = context((command, args) => {
      if (command === 'reg.exe') return { output: OLD_KEY, code: 0 };
      if (args[0] === 'query') return polls++ < 2 ? running : stopped;
      return { kind: 'exited', code: 0 };
    });
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({ existed: true, wasActive: true, wasEnabled: true });
    expect(runner.calls).toEqual([
      ['sc.exe', 'query', 'asr-mobility'],
      ['reg.exe', 'query', KEY],
    ]);
    runner.calls.length = 0;
    expect(await stopForReplacement(snapshot, ctx)).toBeUndefined();
    expect(runner.calls.map((c) => c[1])).toEqual(['stop', 'query', 'query']);
    polls = 0;
    runner.calls.length = 0;
    await registerService(spec, LOCATION, snapshot, ctx);
    expect(runner.calls[0]).toEqual(['sc.exe', 'config', 'asr-mobility', 'binPath=', BIN_PATH, 'start=', 'demand']);
    expect(runner.calls[1]).toEqual(['sc.exe', 'start', 'asr-mobility']);
    runner.calls.length = 0;
    expect(await restoreService(snapshot, ctx)).toEqual([]);
    expect(runner.calls).toEqual([
      ['sc.exe', 'query', 'asr-mobility'],
      ['sc.exe', 'config', 'asr-mobility', 'binPath=', 'C:\\old\\svagentsd.exe', 'start=', 'demand'],
      ['sc.exe', 'start', 'asr-mobility'],
    ]);
  });

  it("where sc config cannot run (Wine's sc has none), deletes and creates it again with its description, failure actions and start type", async () => {
    const { runner, ctx } = context((command, args) => {
      if (command === 'reg.exe') return { output: OLD_KEY, code: 0 };
      if (args[0] === 'config') return { kind: 'exited', code: 1 };
      return args[0] === 'query' ? running : { kind: 'exited', code: 0 };
    });
    const snapshot = await captureService(spec.name, ctx);
    runner.calls.length = 0;
    const outcome = await registerService(spec, LOCATION, snapshot, ctx);
    expect(outcome).toMatchObject({ status: 'Succeeded', message: 'asr-mobility updated and started' });
    expect(runner.calls.slice(0, 6)).toEqual([
      ['sc.exe', 'config', 'asr-mobility', 'binPath=', BIN_PATH, 'start=', 'demand'],
      ['sc.exe', 'delete', 'asr-mobility'],
      [
        'sc.exe',
        'create',
        'asr-mobility',
        'binPath=',
        BIN_PATH,
        'start=',
        'demand',
        'DisplayName=',
        'Old Mobility service',
      ],
      ['sc.exe', 'description', 'asr-mobility', 'The old agent'],
      ['sc.exe', 'failure', 'asr-mobility', 'reset=', '86400', 'actions=', 'restart/60000/restart/60000//0'],
      ['sc.exe', 'start', 'asr-mobility'],
    ]);
  });

  it('a capture that cannot read the old configuration fails, instead of recording none', async () => {
    const { ctx } = context((command) => (command === 'reg.exe' ? { kind: 'exited', code: 1 } : running));
    await expect(captureService(spec.name, ctx)).rejects.toThrow(
      /cannot read the configuration of the existing asr-mobility service from HKLM\\SYSTEM\\CurrentControlSet\\Services\\asr-mobility: reg\.exe query .* exited with code 1/,
    );
  });

  it('a service that starts and exits at once fails the step with INSTALL_FAILED (the settle window)', async () => {
    let polls = 0;
    const { ctx } = context((_command, args) =>
      args[0] === 'query'
        ? polls++ === 0
          ? { kind: 'exited', code: 1060 }
          : polls > 2
            ? { output: 'STATE              : 1  STOPPED\r\nWIN32_EXIT_CODE    : 1067  (0x42b)', code: 0 }
            : running
        : { kind: 'exited', code: 0 },
    );
    const outcome = await registerService(spec, LOCATION, await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Failed');
    expect(outcome.error?.code).toBe('INSTALL_FAILED');
    expect(outcome.message).toBe('asr-mobility did not stay running (STOPPED, its process exited with status 1067)');
    expect(outcome.error?.remedy).toMatch(/sc query asr-mobility/);
  });

  it('quotes arguments with spaces or quotes in the service command line', () => {
    expect(windowsBinPath({ ...spec, exec: 'bin/svagentsd', args: ['--name', 'say "hi"'] }, 'C:\\ASR')).toBe(
      'C:\\ASR\\bin\\svagentsd --name "say \\"hi\\""',
    );
  });
});
