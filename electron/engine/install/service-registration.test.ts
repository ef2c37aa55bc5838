import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessRunner } from '../system/process-runner';
import { recordingRunner as record, type RunnerAnswer } from '../test-support/recording-runner';
import {
  captureService,
  quiesceForUndo,
  registerService,
  removeService,
  restoreService,
  stopForReplacement,
} from './service-registration';
import { systemdUnitText } from './systemd-unit';
import { systemLayout, type SystemLayout } from '../system/system-layout';
import { fakeProbe, makeRoot, Scratch } from '../test-support/fixtures';

// The agent service across a transaction, on each kind of system: under --root (written, never started), a
// live system with systemd (captured, stopped, restarted on the new files, and put back exactly on undo); SysV
// init is in sysv-service.test.ts, Windows in windows-service.test.ts. A recording runner stands in for systemctl and sc.exe
// and answers what the test says.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const spec = {
  name: 'asr-mobility',
  description: 'Azure Site Recovery Mobility service',
  exec: 'bin/svagentsd',
  args: ['--config', 'etc/my conf'],
};

type Answer = RunnerAnswer;

const RUNNING = 'ActiveState=active\nSubState=running\nNRestarts=0\nExecMainStatus=0';
const SETTLE_QUERY = [
  'systemctl',
  'show',
  '--property=ActiveState,SubState,NRestarts,ExecMainStatus',
  'asr-mobility.service',
];

/** Every command succeeds, and a started unit reports itself running. */
const allWell: Answer = (_command, args) =>
  args[0] === 'show' && args[1]?.startsWith('--property=ActiveState')
    ? { output: RUNNING, code: 0 }
    : { kind: 'exited', code: 0 };

function recordingRunner(answer: Answer = allWell): ReturnType<typeof record> {
  return record(answer);
}

/** A layout that is "live" (root /) but keeps its unit folder (and /etc) inside a temp folder. */
function liveLayoutIn(dir: string): SystemLayout {
  return {
    ...systemLayout('linux', undefined),
    unitDir: path.join(dir, 'etc', 'systemd', 'system'),
    etcDir: path.join(dir, 'etc'),
  };
}

/** A temp folder laid out as a live system whose unit folder already holds the previous version's unit. */
function withOldUnit(name: string): { dir: string; unitPath: string } {
  const dir = scratch.path(name);
  const unitPath = path.join(dir, 'etc/systemd/system/asr-mobility.service');
  fs.mkdirSync(path.dirname(unitPath), { recursive: true });
  fs.writeFileSync(unitPath, 'old unit\n');
  return { dir, unitPath };
}

function context(layout: SystemLayout, runner: ProcessRunner, systemd: boolean, platform: 'linux' | 'win32' = 'linux') {
  return {
    layout,
    probe: fakeProbe({ platform, systemdRunning: () => systemd }),
    runner,
    log: () => undefined,
    sleep: async () => undefined,
  };
}

describe('service unit', () => {
  it('starts the agent from the install location, quoting what needs it', () => {
    const unit = systemdUnitText(spec, '/usr/local/ASR');
    expect(unit).toContain('ExecStart=/usr/local/ASR/bin/svagentsd --config "etc/my conf"');
    expect(unit).toContain('WorkingDirectory=/usr/local/ASR');
    expect(unit).toContain('WantedBy=multi-user.target');
  });
});

// Security review finding 7: unit injection, systemd specifiers and system service names.
describe('unit text and names from the package', () => {
  it('doubles % everywhere and $ in ExecStart, so nothing from the package or the location is expanded', () => {
    const unit = systemdUnitText(
      { ...spec, description: 'Agent 100% up', args: ['--home', '$HOME', '%h'] },
      '/opt/a%b/ASR',
    );
    expect(unit).toContain('Description=Agent 100%% up');
    expect(unit).toContain('ExecStart=/opt/a%%b/ASR/bin/svagentsd --home "$$HOME" %%h');
    expect(unit).toContain('WorkingDirectory=/opt/a%%b/ASR');
  });

  it('refuses a name that another unit of the system already has', async () => {
    const dir = scratch.path('vendor-unit');
    const runner = recordingRunner((_command, args) =>
      args[0] === 'show'
        ? { output: '/lib/systemd/system/asr-mobility.service', code: 0 }
        : { kind: 'exited', code: 0 },
    );
    await expect(captureService(spec.name, context(liveLayoutIn(dir), runner, true))).rejects.toThrow(
      /a service named asr-mobility.service already exists \(\/lib\/systemd\/system\/asr-mobility.service\) and setup did not write it/,
    );
  });
});

describe('under --root', () => {
  it('writes the unit, runs no service command, succeeds, and an undo removes the unit again', async () => {
    const root = makeRoot(scratch);
    const runner = recordingRunner();
    const ctx = context(systemLayout('linux', root), runner, true);
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({ managed: false, existed: false, previousUnit: null });
    const outcome = await registerService(spec, '/usr/local/ASR', snapshot, ctx);
    expect(outcome.status).toBe('Succeeded');
    expect(outcome.message).toMatch(/not started because --root/);
    const unit = path.join(root, 'etc/systemd/system/asr-mobility.service');
    expect(fs.existsSync(unit)).toBe(true);
    await restoreService(snapshot, ctx);
    expect(fs.existsSync(unit)).toBe(false);
    expect(runner.calls).toEqual([]);
  });
});

describe('a live system with systemd', () => {
  it('fresh install: enables and starts; an undo disables and stops it and removes the unit', async () => {
    const dir = scratch.path('fresh');
    const runner = recordingRunner();
    const ctx = context(liveLayoutIn(dir), runner, true);
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({ managed: true, existed: false, wasActive: false });
    // Where systemd says the unit lives, not only our folder, decides whether the name is free.
    expect(runner.calls).toEqual([['systemctl', 'show', '--property=FragmentPath', '--value', 'asr-mobility.service']]);
    runner.calls.length = 0;
    expect(await stopForReplacement(snapshot, ctx)).toBeUndefined();
    const outcome = await registerService(spec, '/usr/local/ASR', snapshot, ctx);
    expect(outcome).toMatchObject({ status: 'Succeeded', message: 'asr-mobility enabled and started' });
    expect(runner.calls).toEqual([
      ['systemctl', 'enable', '--no-reload', 'asr-mobility.service'],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'restart', 'asr-mobility.service'],
      ...Array.from({ length: 3 }, () => SETTLE_QUERY),
    ]);
    runner.calls.length = 0;
    expect(await quiesceForUndo(snapshot, ctx)).toEqual([]);
    expect(runner.calls).toEqual([
      ['systemctl', 'is-active', '--quiet', 'asr-mobility.service'],
      ['systemctl', 'stop', 'asr-mobility.service'],
    ]);
    runner.calls.length = 0;
    expect(await restoreService(snapshot, ctx)).toEqual([]);
    expect(runner.calls).toEqual([
      ['systemctl', 'disable', '--no-reload', 'asr-mobility.service'],
      ['systemctl', 'daemon-reload'],
    ]);
    expect(fs.existsSync(path.join(dir, 'etc/systemd/system/asr-mobility.service'))).toBe(false);
  });

  it('upgrade: captures the running service, stops it before the swap, restarts it on the new files; an undo brings the old unit back running', async () => {
    const { dir, unitPath } = withOldUnit('upgrade');
    const runner = recordingRunner();
    const ctx = context(liveLayoutIn(dir), runner, true);
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({
      managed: true,
      existed: true,
      wasEnabled: true,
      wasActive: true,
      previousUnit: 'old unit\n',
    });
    expect(runner.calls).toEqual([
      ['systemctl', 'show', '--property=FragmentPath', '--value', 'asr-mobility.service'],
      ['systemctl', 'is-enabled', '--quiet', 'asr-mobility.service'],
      ['systemctl', 'is-active', '--quiet', 'asr-mobility.service'],
    ]);
    runner.calls.length = 0;
    expect(await stopForReplacement(snapshot, ctx)).toBeUndefined();
    expect(runner.calls).toEqual([['systemctl', 'stop', 'asr-mobility.service']]);
    runner.calls.length = 0;
    const outcome = await registerService(spec, '/usr/local/ASR', snapshot, ctx);
    expect(outcome.message).toBe('asr-mobility enabled and restarted');
    expect(runner.calls.at(-1)).toEqual(SETTLE_QUERY);
    runner.calls.length = 0;
    expect(await restoreService(snapshot, ctx)).toEqual([]);
    expect(fs.readFileSync(unitPath, 'utf8')).toBe('old unit\n');
    expect(runner.calls).toEqual([
      ['systemctl', 'enable', '--no-reload', 'asr-mobility.service'],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'restart', 'asr-mobility.service'],
    ]);
  });

  it('an undo reports the service commands that failed (so the journal is kept for a retry)', async () => {
    const { dir } = withOldUnit('restore-fails');
    const ctx = context(liveLayoutIn(dir), recordingRunner(), true);
    const snapshot = await captureService(spec.name, ctx);
    const failing = context(
      liveLayoutIn(dir),
      recordingRunner((_command, args) => ({ kind: 'exited', code: args[0] === 'restart' ? 1 : 0 })),
      true,
    );
    expect(await restoreService(snapshot, failing)).toEqual([
      'systemctl restart asr-mobility.service exited with code 1',
    ]);
  });

  it('a state query that cannot run (timed out) is an error, not "not running"', async () => {
    const { dir } = withOldUnit('query-timeout');
    const ctx = context(
      liveLayoutIn(dir),
      recordingRunner(() => ({ kind: 'timed-out', afterMs: 120_000 })),
      true,
    );
    await expect(captureService(spec.name, ctx)).rejects.toThrow(/cannot read the state of the asr-mobility service/);
  });

  it('an undo leaves a service that was installed but stopped and disabled, stopped and disabled', async () => {
    const { dir } = withOldUnit('stopped');
    const runner = recordingRunner((_command, args) => ({
      kind: 'exited',
      code: args[0] === 'is-enabled' || args[0] === 'is-active' ? 3 : 0,
    }));
    const ctx = context(liveLayoutIn(dir), runner, true);
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({ existed: true, wasEnabled: false, wasActive: false });
    runner.calls.length = 0;
    await restoreService(snapshot, ctx);
    expect(runner.calls).toEqual([
      ['systemctl', 'disable', '--no-reload', 'asr-mobility.service'],
      ['systemctl', 'daemon-reload'],
    ]);
  });

  it('a settle look that cannot run fails the step, naming the query, and logs no property lines', async () => {
    let looks = 0;
    // Two looks see it running (their property lines stay out of the log), the third cannot run.
    const runner = recordingRunner((_command, args) => {
      if (!(args[0] === 'show' && args[1]?.startsWith('--property=ActiveState'))) return { kind: 'exited', code: 0 };
      looks++;
      return looks < 3 ? { output: RUNNING, code: 0 } : { kind: 'timed-out', afterMs: 30_000 };
    });
    const logged: string[] = [];
    const ctx = {
      ...context(liveLayoutIn(scratch.path('look-fails')), runner, true),
      log: (line: string) => void logged.push(line),
    };
    const outcome = await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Failed');
    expect(outcome.error?.message).toMatch(
      /systemctl show --property=ActiveState,SubState,NRestarts,ExecMainStatus asr-mobility\.service did not finish within 30 s/,
    );
    expect(looks).toBe(3);
    expect(logged.filter((line) => /ActiveState=/.test(line))).toEqual([]);
  });

  it('a service that will not start fails the step with INSTALL_FAILED and a journalctl remedy', async () => {
    const runner = recordingRunner((_command, args) => ({ kind: 'exited', code: args[0] === 'restart' ? 1 : 0 }));
    const ctx = context(liveLayoutIn(scratch.path('broken')), runner, true);
    const outcome = await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Failed');
    expect(outcome.error?.code).toBe('INSTALL_FAILED');
    expect(outcome.error?.remedy).toMatch(/journalctl -u asr-mobility/);
  });

  it('a running service that cannot be stopped is reported before anything is swapped', async () => {
    const { dir } = withOldUnit('unstoppable');
    const runner = recordingRunner((_command, args) => ({ kind: 'exited', code: args[0] === 'stop' ? 1 : 0 }));
    const ctx = context(liveLayoutIn(dir), runner, true);
    expect(await stopForReplacement(await captureService(spec.name, ctx), ctx)).toMatch(
      /systemctl stop asr-mobility.service exited with code 1/,
    );
  });
});

describe('an upgrade to a version that declares no service', () => {
  it('a unit that starts but does not stay running (its daemon exits; systemd retries) fails the step', async () => {
    // systemctl restart of a Type=simple unit succeeds at the fork; the settle window catches the exit.
    let polls = 0;
    const runner = recordingRunner((command, args) => {
      if (args[0] !== 'show' || !args[1]?.startsWith('--property=ActiveState')) return allWell(command, args);
      polls++;
      return polls < 3
        ? { output: RUNNING, code: 0 }
        : { output: 'ActiveState=activating\nSubState=auto-restart\nNRestarts=1\nExecMainStatus=1', code: 0 };
    });
    const ctx = context(liveLayoutIn(scratch.path('exits')), runner, true);
    const outcome = await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Failed');
    expect(outcome.error?.code).toBe('INSTALL_FAILED');
    expect(outcome.error?.message).toMatch(
      /asr-mobility\.service did not stay running \(activating\/auto-restart, its process exited with status 1\)/,
    );
    expect(outcome.error?.remedy).toMatch(/journalctl -u asr-mobility/);
    expect(polls).toBe(3);
  });

  it('a unit restarted by systemd within the window (running again, but NRestarts grew) fails the step', async () => {
    let polls = 0;
    const runner = recordingRunner((command, args) => {
      if (args[0] !== 'show' || !args[1]?.startsWith('--property=ActiveState')) return allWell(command, args);
      polls++;
      return { output: RUNNING.replace('NRestarts=0', `NRestarts=${polls > 2 ? 1 : 0}`), code: 0 };
    });
    const ctx = context(liveLayoutIn(scratch.path('flaps')), runner, true);
    const outcome = await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Failed');
  });

  it('removes the old service, and an undo brings it back enabled and running', async () => {
    const { dir, unitPath } = withOldUnit('dropped');
    const runner = recordingRunner();
    const ctx = context(liveLayoutIn(dir), runner, true);
    const snapshot = await captureService(spec.name, ctx);
    runner.calls.length = 0;
    const outcome = await removeService(snapshot, ctx);
    expect(outcome.status).toBe('Succeeded');
    expect(runner.calls).toEqual([
      ['systemctl', 'stop', 'asr-mobility.service'],
      ['systemctl', 'disable', '--no-reload', 'asr-mobility.service'],
      ['systemctl', 'daemon-reload'],
    ]);
    expect(fs.existsSync(unitPath)).toBe(false);
    runner.calls.length = 0;
    await restoreService(snapshot, ctx);
    expect(fs.readFileSync(unitPath, 'utf8')).toBe('old unit\n');
    expect(runner.calls).toEqual([
      ['systemctl', 'enable', '--no-reload', 'asr-mobility.service'],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'restart', 'asr-mobility.service'],
    ]);
  });
});
