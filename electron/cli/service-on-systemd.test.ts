import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/job-events';
import {
  startMachine,
  testMachinesUnavailable,
  type Fleet,
  type TestMachine,
} from '../../e2e/test-machines/test-machines';
import { Scratch } from '../engine/test-support/fixtures';
import { TOP } from '../engine/test-support/run-cli';
import {
  brokenAgent,
  packRelease,
  parseJobEvents,
  resultOf,
  unpackOn,
  type PackedRelease,
} from '../engine/test-support/machine-releases';

// The agent's service under a real systemd (PID 1 of a test machine), installed by the release's own
// ./install as an admin runs it: an upgrade killed with -9 while the new service already runs and the
// re-run that finishes it; and an upgrade whose daemon exits at once, rolled back to the previous version
// with its service running again. The recording-runner tests cover the same steps for Windows' sc.exe.

const scratch = new Scratch();
const unavailable = testMachinesUnavailable();
const LABEL = 'DEBIAN12-64';
const UNIT = 'asr-mobility.service';
const FAILPOINTS = '/root/failpoints';

let fleet: Fleet | undefined;
let machine: TestMachine;
const releases = new Map<string, PackedRelease>();

async function packAgentRelease(version: string, from: string): Promise<void> {
  releases.set(version, await packRelease(scratch, LABEL, version, from));
}

function sh(command: string): Promise<string> {
  return machine.sh(command, { timeoutMs: 120_000, check: true });
}

function releaseInstaller(version: string): Promise<string> {
  const release = releases.get(version);
  if (!release) throw new Error(`no release ${version}`);
  return unpackOn(machine, version, release);
}

async function installCommand(version: string): Promise<string> {
  return `${await releaseInstaller(version)} -d /usr/local/ASR -r MS -v VmWare -q --json`;
}

async function install(version: string): Promise<{ code: number | null; events: JobEvent[]; stderr: string }> {
  const result = await machine.exec(['sh', '-c', await installCommand(version)], { timeoutMs: 180_000 });
  return { code: result.code, events: parseJobEvents(result.stdout), stderr: result.stderr };
}

async function mainPid(): Promise<number> {
  return Number(await sh(`systemctl show -p MainPID --value ${UNIT}`));
}

/** What the running daemon executes: the script systemd started, read through /proc. */
async function runningDaemonScript(): Promise<string> {
  const pid = await mainPid();
  expect(pid).toBeGreaterThan(0);
  return sh(`cat /proc/${pid}/cmdline | tr '\\0' ' '`);
}

async function installedVersion(): Promise<string> {
  return sh("sed -n 's/^VERSION=//p' /usr/local/.vx_version");
}

beforeAll(async () => {
  if (unavailable) return;
  await packAgentRelease('9.61.0.0', path.join(TOP, 'assets', 'sample-agent'));
  await packAgentRelease('9.62.0.0', path.join(TOP, 'assets', 'sample-agent'));
  await packAgentRelease('9.63.0.0', brokenAgent(scratch));
  ({ fleet, machine } = await startMachine());
}, 300_000);

afterAll(async () => {
  await fleet?.teardown();
  scratch.cleanup();
});

describe.skipIf(unavailable)('the agent service on a real systemd', () => {
  it('an upgrade killed with -9 after its new service started: the re-run finishes it, the new version running', async () => {
    const fresh = await install('9.61.0.0');
    expect(resultOf(fresh.events)?.status, fresh.stderr).toBe('Succeeded');
    expect(await sh(`systemctl is-active ${UNIT}`)).toBe('active');
    const oldPid = await mainPid();

    // The upgrade pauses once the new service runs, uncommitted; the engine is killed there.
    await sh(`rm -rf ${FAILPOINTS} && mkdir -m 700 ${FAILPOINTS}`);
    const command = await installCommand('9.62.0.0');
    await sh(
      `ASRSETUP_TEST_FAILPOINT=after-service ASRSETUP_TEST_FAILPOINT_DIR=${FAILPOINTS} ` +
        `setsid ${command} > ${FAILPOINTS}/out 2>&1 < /dev/null &`,
    );
    await sh(
      `for i in $(seq 1 600); do test -e ${FAILPOINTS}/after-service.reached && exit 0; sleep 0.1; done; exit 1`,
    );
    expect(await sh(`systemctl is-active ${UNIT}`)).toBe('active');
    expect(await mainPid()).not.toBe(oldPid);
    await sh(`kill -9 $(cat ${FAILPOINTS}/after-service.reached)`);
    await sh(`while kill -0 $(cat ${FAILPOINTS}/after-service.reached) 2>/dev/null; do sleep 0.05; done`);
    // Killed before its commit: the record still says the old version.
    expect(await installedVersion()).toBe('9.61.0.0');
    expect(await sh('test -e /var/lib/ASRSetup/install-journal.json && echo journal || ls /var/lib/ASRSetup')).toBe(
      'journal',
    );

    const rerun = await install('9.62.0.0');
    const result = resultOf(rerun.events);
    expect(result?.status, rerun.stderr).toBe('Succeeded');
    expect(result?.summary?.agentVersion).toBe('9.62.0.0');
    const recover = rerun.events.find((e) => e.type === 'step-finished' && e.stepId === 'recover');
    expect(recover?.type === 'step-finished' && recover.message).toMatch(/undid the installation started/);
    expect(await installedVersion()).toBe('9.62.0.0');
    expect(await sh(`systemctl is-active ${UNIT}`)).toBe('active');
    expect(await runningDaemonScript()).toMatch(/\/usr\/local\/ASR\/bin\/svagentsd|sleep infinity/);
    expect(await sh('test -e /var/lib/ASRSetup/install-journal.json && echo left || echo gone')).toBe('gone');
  }, 300_000);

  it('an upgrade whose daemon exits at once is rolled back: the previous version back, its service running', async () => {
    if ((await machine.exec(['test', '-e', '/usr/local/.vx_version'])).code !== 0) {
      expect((await install('9.62.0.0')).code).toBe(0);
    }
    const before = await installedVersion();
    const daemonBefore = await sh('cat /usr/local/ASR/bin/svagentsd');
    expect(await sh(`systemctl is-active ${UNIT}`)).toBe('active');

    const broken = await install('9.63.0.0');
    const result = resultOf(broken.events);
    expect(result?.status, broken.stderr).toBe('Failed');
    expect(result?.error?.code).toBe('INSTALL_FAILED');
    expect(result?.error?.message).toMatch(/asr-mobility\.service did not stay running/);
    expect(result?.error?.remedy).toMatch(/journalctl -u asr-mobility/);

    expect(await installedVersion()).toBe(before);
    expect(await sh('cat /usr/local/ASR/bin/svagentsd')).toBe(daemonBefore);
    expect(await sh(`systemctl is-active ${UNIT}`)).toBe('active');
    expect(await runningDaemonScript()).toMatch(/sleep infinity/);
    expect(await sh('test -e /var/lib/ASRSetup/install-journal.json && echo left || echo gone')).toBe('gone');
    // The status command agrees with systemd.
    const status = await machine.exec(['sh', '-c', `${await releaseInstaller(before)} --status --json`]);
    expect(status.stdout).toMatch(/"service":"active"/);
  }, 300_000);
});
