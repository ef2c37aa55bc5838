import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeInstallRecord, type InstallRecord } from '../engine/install/install-record';
import type { ProcessRunner } from '../engine/system/process-runner';
import { systemLayout, type SystemLayout } from '../engine/system/system-layout';
import { fakeProbe } from '../engine/test-support/fixtures';
import { readInstalledStateWithService } from './installed-state';

const RECORD: InstallRecord = {
  schema: 1,
  transactionId: 'tx-1',
  agentVersion: '9.60.0.0',
  osLabel: 'DEBIAN12-64',
  role: 'MS',
  platform: 'VmWare',
  installLocation: '/usr/local/ASR',
  packageFile: 'Microsoft-ASR_UA_9.60.0.0_DEBIAN12-64_GA.tar.gz',
  installedAt: '2026-12-06T08:00:00.000Z',
  serviceName: 'asr-mobility',
  status: 'Succeeded',
};

let scratch: string;
beforeEach(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-installed-state-'));
});
afterEach(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A live system's layout whose files are in the scratch folder, counting the reads of the install record. */
function liveLayout(): { layout: SystemLayout; recordReads: () => number } {
  const inner = systemLayout('linux', scratch);
  let reads = 0;
  const layout: SystemLayout = {
    ...inner,
    liveRoot: true,
    get recordFile() {
      reads++;
      return inner.recordFile;
    },
  };
  return { layout, recordReads: () => reads };
}

function systemctl(code: number): { runner: ProcessRunner; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    runner: {
      run: async (command, args) => {
        calls.push([command, ...args]);
        return { kind: 'exited', code };
      },
    },
  };
}

describe("the wizard's view of the installed agent (app:get-state)", () => {
  it("asks the service manager for the record's service, reading the install record once", async () => {
    const { layout, recordReads } = liveLayout();
    writeInstallRecord(layout.recordFile, RECORD);
    const before = recordReads();
    const { runner, calls } = systemctl(0);
    const state = await readInstalledStateWithService(layout, fakeProbe({ systemdRunning: () => true }), runner);
    expect(state.installed).toMatchObject({ agentVersion: '9.60.0.0', service: 'active' });
    expect(calls).toEqual([['systemctl', 'is-active', '--quiet', 'asr-mobility.service']]);
    expect(recordReads() - before).toBe(1);
    const systemd = fakeProbe({ systemdRunning: () => true });
    expect((await readInstalledStateWithService(layout, systemd, systemctl(3).runner)).installed?.service).toBe(
      'inactive',
    );
  });

  it('says absent for a record without a service and unknown when the service manager cannot be asked', async () => {
    const { layout } = liveLayout();
    writeInstallRecord(layout.recordFile, { ...RECORD, serviceName: null });
    const unused = systemctl(0);
    expect((await readInstalledStateWithService(layout, fakeProbe(), unused.runner)).installed?.service).toBe('absent');
    expect(unused.calls).toEqual([]);
    writeInstallRecord(layout.recordFile, RECORD);
    const failing: ProcessRunner = { run: () => Promise.reject(new Error('no systemctl')) };
    const state = await readInstalledStateWithService(layout, fakeProbe({ systemdRunning: () => true }), failing);
    expect(state.installed?.service).toBe('unknown');
  });

  it('nothing installed: no service asked', async () => {
    const { layout } = liveLayout();
    const { runner, calls } = systemctl(0);
    expect(await readInstalledStateWithService(layout, fakeProbe(), runner)).toEqual({
      installed: null,
      registration: null,
    });
    expect(calls).toEqual([]);
  });
});
