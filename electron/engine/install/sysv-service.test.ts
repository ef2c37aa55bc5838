import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessRunner } from '../system/process-runner';
import { systemLayout, type SystemLayout } from '../system/system-layout';
import { fakeProbe, makeRoot, Scratch } from '../test-support/fixtures';
import { recordingRunner, type RunnerAnswer } from '../test-support/recording-runner';
import {
  captureService,
  quiesceForUndo,
  registerService,
  removeService,
  restoreService,
  serviceBackend,
  stopForReplacement,
} from './service-registration';
import { initScriptText, SCRIPT_MARKER } from './sysv-init-script';

// The agent service where PID 1 is not systemd (RHEL/CentOS/OL 6, SLES 11, Debian 7, Ubuntu 14.04's Upstart):
// an LSB init script registered with the system's own tool (or linked by hand), started, watched for the settle
// window, and put back exactly on undo. A recording runner stands in for the tools and the script; the script
// itself runs for real in init-script.test.ts, and on a SysV test machine in electron/cli/service-on-sysv.test.ts.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const spec = {
  name: 'asr-mobility',
  description: 'Azure Site Recovery Mobility service',
  exec: 'bin/svagentsd',
  args: ['--config', "etc/it's conf"],
};

/** A live layout ("/") whose /etc is a temp folder laid out as `kind` has it. */
function liveSystem(kind: 'debian' | 'rhel' | 'suse' | 'none'): { layout: SystemLayout; etc: string } {
  const etc = path.join(scratch.path(kind), 'etc');
  const levels = ['0', '1', '2', '3', '4', '5', '6'];
  if (kind === 'debian')
    for (const dir of ['init.d', ...levels.map((l) => `rc${l}.d`)])
      fs.mkdirSync(path.join(etc, dir), { recursive: true });
  if (kind === 'rhel') {
    for (const dir of ['rc.d/init.d', ...levels.map((l) => `rc.d/rc${l}.d`)])
      fs.mkdirSync(path.join(etc, dir), { recursive: true });
    fs.symlinkSync('rc.d/init.d', path.join(etc, 'init.d'));
  }
  if (kind === 'suse')
    for (const dir of ['init.d', ...levels.map((l) => `init.d/rc${l}.d`)])
      fs.mkdirSync(path.join(etc, dir), { recursive: true });
  if (kind === 'none') fs.mkdirSync(path.join(etc, 'init.d'), { recursive: true });
  return { layout: { ...systemLayout('linux', undefined), etcDir: etc }, etc };
}

/** Tools the system has, by name. */
function context(layout: SystemLayout, runner: ProcessRunner, tools: Record<string, string> = {}) {
  return {
    layout,
    probe: fakeProbe({ systemdRunning: () => false, findCommand: (name: string) => tools[name] }),
    runner,
    log: () => undefined,
    sleep: async () => undefined,
  };
}

/** The script answers status with `statusCodes` in turn (the last one repeats); everything else succeeds. */
function scripted(statusCodes: number[]): RunnerAnswer {
  let look = 0;
  return (command, args) => {
    if (args[0] !== 'status') return { kind: 'exited', code: 0 };
    const code = statusCodes[Math.min(look++, statusCodes.length - 1)] ?? 0;
    return {
      output: code === 0 ? 'asr-mobility is running (pid 42)' : 'asr-mobility is dead, but its pid file exists',
      code,
    };
  };
}

const UPDATE_RC_D = { 'update-rc.d': '/usr/sbin/update-rc.d' };

describe('which service manager', () => {
  it('a live system: systemd when it runs (/run/systemd/system), SysV init otherwise, whatever the OS label', () => {
    const live = systemLayout('linux', undefined);
    expect(serviceBackend(live, fakeProbe({ systemdRunning: () => true }))).toBe('systemd');
    expect(serviceBackend(live, fakeProbe({ systemdRunning: () => false }))).toBe('sysv');
    expect(serviceBackend(systemLayout('win32', undefined), fakeProbe({ platform: 'win32' }))).toBe('windows');
  });

  it('an image under --root: systemd if it has one, SysV if it has init scripts and no systemd, a unit otherwise', () => {
    const probe = fakeProbe({ systemdRunning: () => true });
    const sysv = makeRoot(scratch, {
      'etc/redhat-release': 'CentOS release 6.10 (Final)\n',
      'etc/rc.d/init.d/network': '',
    });
    expect(serviceBackend(systemLayout('linux', sysv), probe)).toBe('sysv');
    const systemd = makeRoot(scratch, { 'etc/init.d/ssh': '', 'lib/systemd/systemd': '' });
    expect(serviceBackend(systemLayout('linux', systemd), probe)).toBe('systemd');
    expect(serviceBackend(systemLayout('linux', makeRoot(scratch)), probe)).toBe('systemd');
  });
});

describe('the init script', () => {
  it('has an LSB header and a chkconfig line, and quotes every value from the package as one sh word', () => {
    const text = initScriptText(spec, '/opt/My ASR');
    expect(text.split('\n').slice(0, 4)).toEqual([
      '#!/bin/sh',
      SCRIPT_MARKER,
      '# chkconfig: 2345 90 10',
      '# description: Azure Site Recovery Mobility service',
    ]);
    expect(text).toContain('### BEGIN INIT INFO\n# Provides:          asr-mobility\n');
    expect(text).toContain('# Required-Start:    $network $remote_fs\n');
    expect(text).toContain('# Default-Start:     2 3 4 5\n# Default-Stop:      0 1 6\n');
    expect(text).toContain("dir='/opt/My ASR'");
    expect(text).toContain(`setsid '/opt/My ASR/bin/svagentsd' '--config' 'etc/it'\\''s conf' </dev/null`);
  });
});

describe('a live SysV system (Debian 7, Ubuntu 14.04: update-rc.d)', () => {
  it('fresh install: registers with update-rc.d, starts, watches it settle; an undo stops, deregisters and removes it', async () => {
    const { layout, etc } = liveSystem('debian');
    const runner = recordingRunner(scripted([0]));
    const ctx = context(layout, runner, UPDATE_RC_D);
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({
      initSystem: 'sysv',
      managed: true,
      existed: false,
      wasActive: false,
      previousLinks: [],
    });
    expect(snapshot.rcTool).toEqual({ kind: 'update-rc.d', command: '/usr/sbin/update-rc.d' });
    expect(runner.calls).toEqual([]);
    const script = path.join(etc, 'init.d', 'asr-mobility');
    const outcome = await registerService(spec, '/usr/local/ASR', snapshot, ctx);
    expect(outcome).toMatchObject({ status: 'Succeeded' });
    expect(outcome.message).toBe(`asr-mobility registered with update-rc.d and started (SysV init script ${script})`);
    expect(fs.statSync(script).mode & 0o777).toBe(0o755);
    expect(runner.calls).toEqual([
      ['/usr/sbin/update-rc.d', 'asr-mobility', 'defaults'],
      [script, 'restart'],
      [script, 'status'],
      [script, 'status'],
      [script, 'status'],
    ]);
    runner.calls.length = 0;
    expect(await quiesceForUndo(snapshot, ctx)).toEqual([]);
    expect(await restoreService(snapshot, ctx)).toEqual([]);
    expect(runner.calls).toEqual([
      [script, 'status'],
      [script, 'stop'],
      ['/usr/sbin/update-rc.d', '-f', 'asr-mobility', 'remove'],
    ]);
    expect(fs.existsSync(script)).toBe(false);
  });

  it('upgrade: stops the running service before the swap, restarts it on the new files; an undo brings the old script, links and running service back', async () => {
    const { layout, etc } = liveSystem('debian');
    const script = path.join(etc, 'init.d', 'asr-mobility');
    fs.writeFileSync(script, `#!/bin/sh\n${SCRIPT_MARKER}\n# the old version's script\n`, { mode: 0o755 });
    const oldLinks = ['rc2.d/S20asr-mobility', 'rc3.d/S20asr-mobility', 'rc0.d/K80asr-mobility'];
    for (const link of oldLinks) fs.symlinkSync('../init.d/asr-mobility', path.join(etc, link));
    const runner = recordingRunner(scripted([0]));
    const ctx = context(layout, runner, UPDATE_RC_D);
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({ existed: true, wasEnabled: true, wasActive: true });
    expect(snapshot.previousLinks.map((l) => path.relative(etc, l.path)).sort()).toEqual([...oldLinks].sort());
    expect(await stopForReplacement(snapshot, ctx)).toBeUndefined();
    const outcome = await registerService(spec, '/usr/local/ASR', snapshot, ctx);
    expect(outcome.message).toMatch(/registered with update-rc.d and restarted/);
    expect(fs.readFileSync(script, 'utf8')).toContain("dir='/usr/local/ASR'");
    // update-rc.d stood in: the new links as the tool would have made them.
    for (const link of oldLinks) fs.rmSync(path.join(etc, link));
    fs.symlinkSync('../init.d/asr-mobility', path.join(etc, 'rc2.d/S01asr-mobility'));
    runner.calls.length = 0;
    expect(await quiesceForUndo(snapshot, ctx)).toEqual([]);
    expect(await restoreService(snapshot, ctx)).toEqual([]);
    expect(fs.readFileSync(script, 'utf8')).toContain("the old version's script");
    const links = ['rc0.d', 'rc2.d', 'rc3.d'].flatMap((d) => fs.readdirSync(path.join(etc, d)).map((n) => `${d}/${n}`));
    expect(links.sort()).toEqual([...oldLinks].sort());
    expect(runner.calls).toEqual([
      [script, 'status'],
      [script, 'stop'],
      ['/usr/sbin/update-rc.d', 'asr-mobility', 'defaults'],
      [script, 'start'],
    ]);
  });

  it('refuses a script of that name that setup did not write', async () => {
    const { layout, etc } = liveSystem('debian');
    fs.writeFileSync(path.join(etc, 'init.d', 'asr-mobility'), '#!/bin/sh\n# a vendor script\n', { mode: 0o755 });
    await expect(captureService(spec.name, context(layout, recordingRunner(scripted([0]))))).rejects.toThrow(
      /a service named asr-mobility already exists \(.*init\.d\/asr-mobility\) and setup did not write it/,
    );
  });

  it('a daemon that exits at once (status 1 on the second look) fails the step, naming its log', async () => {
    const { layout } = liveSystem('debian');
    const ctx = context(layout, recordingRunner(scripted([0, 1])), UPDATE_RC_D);
    const outcome = await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Failed');
    expect(outcome.error?.code).toBe('INSTALL_FAILED');
    expect(outcome.message).toMatch(
      /asr-mobility did not stay running \(asr-mobility is dead, but its pid file exists\)/,
    );
    expect(outcome.error?.remedy).toMatch(/See \/var\/log\/asr-mobility\.log and run ".*init\.d\/asr-mobility status"/);
  });

  it('update-rc.d failing fails the step before anything is started', async () => {
    const { layout } = liveSystem('debian');
    const runner = recordingRunner((command) =>
      command.endsWith('update-rc.d')
        ? { output: 'update-rc.d: error: bad LSB header', code: 1 }
        : { kind: 'exited', code: 0 },
    );
    const ctx = context(layout, runner, UPDATE_RC_D);
    const outcome = await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Failed');
    expect(runner.calls).toHaveLength(1);
  });

  it('uninstall: stops, deregisters and removes the script', async () => {
    const { layout, etc } = liveSystem('debian');
    const runner = recordingRunner(scripted([0]));
    const ctx = context(layout, runner, UPDATE_RC_D);
    await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    runner.calls.length = 0;
    const outcome = await removeService(await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Succeeded');
    const script = path.join(etc, 'init.d', 'asr-mobility');
    expect(runner.calls).toEqual([
      [script, 'status'],
      [script, 'stop'],
      ['/usr/sbin/update-rc.d', '-f', 'asr-mobility', 'remove'],
    ]);
    expect(fs.existsSync(script)).toBe(false);
  });
});

describe('RHEL/CentOS/OL 6 and SLES 11 (chkconfig)', () => {
  it('writes the script in /etc/rc.d/init.d and registers it with chkconfig --add; uninstall uses chkconfig --del', async () => {
    const { layout, etc } = liveSystem('rhel');
    const runner = recordingRunner(scripted([0]));
    const ctx = context(layout, runner, { chkconfig: '/sbin/chkconfig', insserv: '/sbin/insserv' });
    await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    const script = path.join(etc, 'rc.d', 'init.d', 'asr-mobility');
    expect(runner.calls[0]).toEqual(['/sbin/chkconfig', '--add', 'asr-mobility']);
    expect(runner.calls[1]).toEqual([script, 'restart']);
    runner.calls.length = 0;
    await removeService(await captureService(spec.name, ctx), ctx);
    expect(runner.calls).toContainEqual(['/sbin/chkconfig', '--del', 'asr-mobility']);
  });
});

describe('SLES 11 (its runlevels in /etc/init.d/rcN.d)', () => {
  it('finds the links chkconfig made there, and puts them back exactly on undo', async () => {
    const { layout, etc } = liveSystem('suse');
    const script = path.join(etc, 'init.d', 'asr-mobility');
    fs.writeFileSync(script, `#!/bin/sh\n${SCRIPT_MARKER}\n# old\n`, { mode: 0o755 });
    fs.symlinkSync('../asr-mobility', path.join(etc, 'init.d/rc3.d/S05asr-mobility'));
    fs.symlinkSync('../asr-mobility', path.join(etc, 'init.d/rc3.d/K01asr-mobility'));
    const ctx = context(layout, recordingRunner(scripted([0])), { chkconfig: '/sbin/chkconfig' });
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot.previousLinks.map((l) => path.relative(etc, l.path))).toEqual([
      'init.d/rc3.d/K01asr-mobility',
      'init.d/rc3.d/S05asr-mobility',
    ]);
    expect(snapshot.wasEnabled).toBe(true);
    await registerService(spec, '/usr/local/ASR', snapshot, ctx);
    fs.rmSync(path.join(etc, 'init.d/rc3.d/S05asr-mobility'));
    await restoreService(snapshot, ctx);
    expect(fs.readdirSync(path.join(etc, 'init.d/rc3.d')).sort()).toEqual(['K01asr-mobility', 'S05asr-mobility']);
  });
});

describe('a system with none of the tools', () => {
  it('links the script into its runlevels as the tools would (S90 in 2-5, K10 in 0, 1, 6); an undo removes them', async () => {
    const { layout, etc } = liveSystem('rhel');
    const ctx = context(layout, recordingRunner(scripted([0])));
    const snapshot = await captureService(spec.name, ctx);
    const outcome = await registerService(spec, '/usr/local/ASR', snapshot, ctx);
    expect(outcome.message).toMatch(/asr-mobility linked into its runlevels and started/);
    const links = ['0', '1', '2', '3', '4', '5', '6'].flatMap((l) =>
      fs
        .readdirSync(path.join(etc, 'rc.d', `rc${l}.d`))
        .map((n) => `rc${l}.d/${n} -> ${fs.readlinkSync(path.join(etc, 'rc.d', `rc${l}.d`, n))}`),
    );
    expect(links).toEqual([
      'rc0.d/K10asr-mobility -> ../init.d/asr-mobility',
      'rc1.d/K10asr-mobility -> ../init.d/asr-mobility',
      'rc2.d/S90asr-mobility -> ../init.d/asr-mobility',
      'rc3.d/S90asr-mobility -> ../init.d/asr-mobility',
      'rc4.d/S90asr-mobility -> ../init.d/asr-mobility',
      'rc5.d/S90asr-mobility -> ../init.d/asr-mobility',
      'rc6.d/K10asr-mobility -> ../init.d/asr-mobility',
    ]);
    await quiesceForUndo(snapshot, ctx);
    await restoreService(snapshot, ctx);
    expect(['0', '3', '6'].flatMap((l) => fs.readdirSync(path.join(etc, 'rc.d', `rc${l}.d`)))).toEqual([]);
  });

  it('with no runlevel folders either: started, but a Warning that it will not start at boot', async () => {
    const { layout } = liveSystem('none');
    const ctx = context(layout, recordingRunner(scripted([0])));
    const outcome = await registerService(spec, '/usr/local/ASR', await captureService(spec.name, ctx), ctx);
    expect(outcome.status).toBe('Warning');
    expect(outcome.message).toMatch(
      /started, but this system has neither runlevel folders nor chkconfig, update-rc.d or insserv/,
    );
  });
});

describe('a SysV image under --root', () => {
  it('writes the script and its runlevel links, runs nothing, and an undo removes both', async () => {
    const root = makeRoot(scratch, { 'etc/redhat-release': 'CentOS release 6.10 (Final)\n' });
    for (const level of ['0', '1', '2', '3', '4', '5', '6'])
      fs.mkdirSync(path.join(root, 'etc/rc.d', `rc${level}.d`), { recursive: true });
    fs.mkdirSync(path.join(root, 'etc/rc.d/init.d'));
    const runner = recordingRunner(scripted([0]));
    const ctx = context(systemLayout('linux', root), runner, UPDATE_RC_D);
    const snapshot = await captureService(spec.name, ctx);
    expect(snapshot).toMatchObject({ initSystem: 'sysv', managed: false, rcTool: null });
    const outcome = await registerService(spec, '/usr/local/ASR', snapshot, ctx);
    expect(outcome.message).toMatch(
      /wrote .*etc\/rc\.d\/init\.d\/asr-mobility and its runlevel links; not started because --root/,
    );
    expect(fs.readlinkSync(path.join(root, 'etc/rc.d/rc3.d/S90asr-mobility'))).toBe('../init.d/asr-mobility');
    await restoreService(snapshot, ctx);
    expect(fs.existsSync(path.join(root, 'etc/rc.d/init.d/asr-mobility'))).toBe(false);
    expect(fs.readdirSync(path.join(root, 'etc/rc.d/rc3.d'))).toEqual([]);
    expect(runner.calls).toEqual([]);
  });
});
