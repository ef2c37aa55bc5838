import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProcessOutcome, ProcessRunner, RunOptions } from './process-runner';
import { registerService, systemdUnitText } from './service-registration';
import { systemLayout } from './system-layout';
import { fakeProbe, makeRoot, Scratch } from './test-support/fixtures';

// The service step on each kind of system: under --root (written, not started), a live system without
// systemd (a container: written, Warning), a live system with systemd (enabled and started, or Failed),
// and Windows (sc.exe). A recording runner stands in for systemctl and sc.exe.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const spec = { name: 'asr-mobility', description: 'Azure Site Recovery Mobility service', exec: 'bin/svagentsd', args: ['--config', 'etc/my conf'] };

function recordingRunner(outcome: (command: string, args: readonly string[]) => ProcessOutcome): ProcessRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (command: string, args: readonly string[], _options: RunOptions) => {
      calls.push([command, ...args]);
      return outcome(command, args);
    },
  };
}

/** A layout that is "live" (root /) but keeps its unit folder inside a temp folder. */
function liveLayoutIn(dir: string): ReturnType<typeof systemLayout> {
  const layout = systemLayout('linux', undefined);
  return { ...layout, unitDir: path.join(dir, 'etc', 'systemd', 'system') };
}

describe('service registration', () => {
  it('writes a unit that starts the agent from the install location, quoting what needs it', () => {
    const unit = systemdUnitText(spec, '/usr/local/ASR');
    expect(unit).toContain('ExecStart=/usr/local/ASR/bin/svagentsd --config "etc/my conf"');
    expect(unit).toContain('WorkingDirectory=/usr/local/ASR');
    expect(unit).toContain('WantedBy=multi-user.target');
  });

  it('under --root: writes the unit, starts nothing, and succeeds', async () => {
    const root = makeRoot(scratch);
    const runner = recordingRunner(() => ({ kind: 'exited', code: 0 }));
    const outcome = await registerService(spec, { layout: systemLayout('linux', root), probe: fakeProbe({ systemdRunning: () => true }), runner, installLocation: '/usr/local/ASR', log: () => undefined });
    expect(outcome.status).toBe('Succeeded');
    expect(outcome.message).toMatch(/not started because --root/);
    expect(fs.existsSync(path.join(root, 'etc/systemd/system/asr-mobility.service'))).toBe(true);
    expect(runner.calls).toEqual([]);
  });

  it('on a live system without systemd (a container): writes the unit and ends in Warning, saying why', async () => {
    const dir = scratch.path('container');
    const runner = recordingRunner(() => ({ kind: 'exited', code: 0 }));
    const outcome = await registerService(spec, { layout: liveLayoutIn(dir), probe: fakeProbe({ systemdRunning: () => false }), runner, installLocation: '/usr/local/ASR', log: () => undefined });
    expect(outcome.status).toBe('Warning');
    expect(outcome.message).toMatch(/systemd is not running here .* was not started/);
    expect(fs.readFileSync(path.join(dir, 'etc/systemd/system/asr-mobility.service'), 'utf8')).toContain('ExecStart=/usr/local/ASR/bin/svagentsd');
    expect(runner.calls).toEqual([]);
  });

  it('on a live system with systemd: reloads, enables and starts the service', async () => {
    const runner = recordingRunner(() => ({ kind: 'exited', code: 0 }));
    const outcome = await registerService(spec, { layout: liveLayoutIn(scratch.path('live')), probe: fakeProbe({ systemdRunning: () => true }), runner, installLocation: '/usr/local/ASR', log: () => undefined });
    expect(outcome.status).toBe('Succeeded');
    expect(runner.calls).toEqual([['systemctl', 'daemon-reload'], ['systemctl', 'enable', '--now', 'asr-mobility.service']]);
  });

  it('a service that will not start fails the step with INSTALL_FAILED and a journalctl remedy', async () => {
    const runner = recordingRunner((_command, args) => (args[0] === 'enable' ? { kind: 'exited', code: 1 } : { kind: 'exited', code: 0 }));
    const outcome = await registerService(spec, { layout: liveLayoutIn(scratch.path('broken')), probe: fakeProbe({ systemdRunning: () => true }), runner, installLocation: '/usr/local/ASR', log: () => undefined });
    expect(outcome.status).toBe('Failed');
    expect(outcome.error?.code).toBe('INSTALL_FAILED');
    expect(outcome.error?.remedy).toMatch(/journalctl -u asr-mobility/);
  });

  it('on Windows: creates and starts the service with sc.exe, argv only', async () => {
    const runner = recordingRunner(() => ({ kind: 'exited', code: 0 }));
    const layout = systemLayout('win32', undefined);
    const outcome = await registerService(spec, { layout, probe: fakeProbe({ platform: 'win32' }), runner, installLocation: 'C:\\Program Files (x86)\\Microsoft Azure Site Recovery', log: () => undefined });
    expect(outcome.status).toBe('Succeeded');
    expect(runner.calls).toEqual([
      ['sc.exe', 'create', 'asr-mobility', 'binPath=', '"C:\\Program Files (x86)\\Microsoft Azure Site Recovery\\bin\\svagentsd" --config "etc/my conf"', 'start=', 'auto', 'DisplayName=', 'Azure Site Recovery Mobility service'],
      ['sc.exe', 'start', 'asr-mobility'],
    ]);
  });
});
