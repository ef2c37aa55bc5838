import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushEvent } from '../../shared/push-events';
import { startReferenceConfigServer } from '../../e2e/config-server/reference-config-server';
import {
  startMachine,
  testMachinesUnavailable,
  type Fleet,
  type TestMachine,
} from '../../e2e/test-machines/test-machines';
import { Scratch } from '../engine/test-support/fixtures';
import { CLI, startCli, TOP } from '../engine/test-support/run-cli';
import {
  brokenAgent,
  packRelease,
  parseJobEvents,
  resultOf,
  unpackOn,
  type PackedRelease,
} from '../engine/test-support/machine-releases';

// The agent service on a machine whose PID 1 is SysV init (Debian's sysvinit-core, sysv-rc and insserv, as on
// Debian 7; RHEL 6 and SLES 11 work the same way with chkconfig), installed by the release's own ./install: a
// fresh install with the agent running from its init script, an upgrade with the service running, an upgrade
// killed with -9 after its new service started and the re-run, a daemon that dies at once rolled back,
// uninstall.sh, and a push-install onto it.

const scratch = new Scratch();
const unavailable = testMachinesUnavailable();
const LABEL = 'DEBIAN7-64';
const DEBIAN7 =
  'PRETTY_NAME="Debian GNU/Linux 7 (wheezy)"\nNAME="Debian GNU/Linux"\nVERSION_ID="7"\nVERSION="7 (wheezy)"\nID=debian\n';
const SCRIPT = '/etc/init.d/asr-mobility';
const FAILPOINTS = '/root/failpoints';
const sample = path.join(TOP, 'assets', 'sample-agent');

let fleet: Fleet | undefined;
let machine: TestMachine;
let key: string;
const releases = new Map<string, PackedRelease>();

function sh(command: string): Promise<string> {
  return machine.sh(command, { timeoutMs: 120_000, check: true });
}

async function installCommand(version: string): Promise<string> {
  const release = releases.get(version);
  if (!release) throw new Error(`no release ${version}`);
  return `${await unpackOn(machine, version, release)} -d /usr/local/ASR -r MS -v VmWare -q --json`;
}

async function install(version: string) {
  const run = await machine.exec(['sh', '-c', await installCommand(version)], { timeoutMs: 180_000 });
  const events = parseJobEvents(run.stdout);
  return { code: run.code, events, result: resultOf(events), stderr: run.stderr };
}

/** The agent's pid from its pid file, and what that process runs. */
async function daemon(): Promise<{ pid: number; command: string }> {
  const pid = Number(await sh("cut -d ' ' -f 1 /var/run/asr-mobility.pid"));
  return { pid, command: await sh(`tr '\\0' ' ' < /proc/${pid}/cmdline`) };
}

async function installedVersion(): Promise<string> {
  return sh("sed -n 's/^VERSION=//p' /usr/local/.vx_version");
}

async function scriptStatus(): Promise<number | null> {
  return (await machine.exec([SCRIPT, 'status'])).code;
}

beforeAll(async () => {
  if (unavailable) return;
  for (const version of ['9.61.0.0', '9.62.0.0', '9.63.0.0'])
    releases.set(version, await packRelease(scratch, LABEL, version, sample));
  releases.set('9.64.0.0', await packRelease(scratch, LABEL, '9.64.0.0', brokenAgent(scratch)));
  key = path.join(scratch.path('ssh'), 'id_ed25519');
  fs.mkdirSync(path.dirname(key), { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  ({ fleet, machine } = await startMachine({
    init: 'sysv',
    osRelease: DEBIAN7,
    authorizedKeys: [fs.readFileSync(`${key}.pub`, 'utf8')],
  }));
}, 300_000);

afterAll(async () => {
  await fleet?.teardown();
  scratch.cleanup();
});

describe.skipIf(unavailable)('the agent service on SysV init', () => {
  it('is a SysV machine: init is PID 1 and systemd is not running', async () => {
    expect(await sh('cat /proc/1/comm')).toBe('init');
    expect(await sh('test -d /run/systemd/system && echo systemd || echo none')).toBe('none');
    expect(await sh('runlevel')).toBe('N 2');
  });

  it('a fresh install writes the init script, registers it with update-rc.d, and the agent runs from it', async () => {
    const fresh = await install('9.61.0.0');
    expect(fresh.result?.status, fresh.stderr).toBe('Succeeded');
    const service = fresh.events.find((e) => e.type === 'step-finished' && e.stepId === 'service');
    expect(service?.type === 'step-finished' && service.message).toBe(
      `asr-mobility registered with update-rc.d and started (SysV init script ${SCRIPT})`,
    );
    expect(await scriptStatus()).toBe(0);
    expect(await sh(`head -2 ${SCRIPT}`)).toMatch(/Written by Mobility Service Setup/);
    // insserv (through update-rc.d) ordered it after its Required-Start facilities, in runlevels 2-5.
    expect(await sh('ls /etc/rc2.d /etc/rc3.d /etc/rc0.d | grep asr-mobility | sort')).toMatch(
      /^K\d\dasr-mobility\nS\d\dasr-mobility\nS\d\dasr-mobility$/,
    );
    expect((await daemon()).command).toMatch(/sleep infinity/);
    const status = await machine.exec([
      'sh',
      '-c',
      `${await unpackOn(machine, '9.61.0.0', releases.get('9.61.0.0') as PackedRelease)} --status --json`,
    ]);
    expect(JSON.parse(status.stdout)).toMatchObject({ installed: true, agentVersion: '9.61.0.0', service: 'active' });
  }, 300_000);

  it('an upgrade with the service running stops it before the swap and starts it on the new version', async () => {
    const before = await daemon();
    const upgrade = await install('9.62.0.0');
    expect(upgrade.result?.status, upgrade.stderr).toBe('Succeeded');
    expect(await installedVersion()).toBe('9.62.0.0');
    const after = await daemon();
    expect(after.pid).not.toBe(before.pid);
    expect(await sh(`kill -0 ${before.pid} 2>/dev/null && echo alive || echo gone`)).toBe('gone');
    expect(await scriptStatus()).toBe(0);
  }, 300_000);

  it('an upgrade killed with -9 after its new service started: the re-run finishes it, the new version running', async () => {
    await sh(`rm -rf ${FAILPOINTS} && mkdir -m 700 ${FAILPOINTS}`);
    const command = await installCommand('9.63.0.0');
    await sh(
      `ASRSETUP_TEST_FAILPOINT=after-service ASRSETUP_TEST_FAILPOINT_DIR=${FAILPOINTS} ` +
        `setsid ${command} > ${FAILPOINTS}/out 2>&1 < /dev/null &`,
    );
    await sh(
      `for i in $(seq 1 600); do test -e ${FAILPOINTS}/after-service.reached && exit 0; sleep 0.1; done; exit 1`,
    );
    const newService = await daemon();
    await sh(`kill -9 $(cat ${FAILPOINTS}/after-service.reached)`);
    await sh(`while kill -0 $(cat ${FAILPOINTS}/after-service.reached) 2>/dev/null; do sleep 0.05; done`);
    expect(await installedVersion()).toBe('9.62.0.0');
    expect(await sh('test -e /var/lib/ASRSetup/install-journal.json && echo journal || echo none')).toBe('journal');

    const rerun = await install('9.63.0.0');
    expect(rerun.result?.status, rerun.stderr).toBe('Succeeded');
    expect(rerun.result?.summary?.agentVersion).toBe('9.63.0.0');
    expect(await installedVersion()).toBe('9.63.0.0');
    expect(await scriptStatus()).toBe(0);
    // The one the killed run started was undone; the re-run's own service runs.
    expect((await daemon()).pid).not.toBe(newService.pid);
    expect(await sh('pgrep -c -x sleep')).toBe('1');
    expect(await sh('test -e /var/lib/ASRSetup/install-journal.json && echo left || echo gone')).toBe('gone');
  }, 300_000);

  it('an upgrade whose daemon dies at once is rolled back: the previous version back, its service running', async () => {
    const daemonBefore = await sh('cat /usr/local/ASR/bin/svagentsd');
    const broken = await install('9.64.0.0');
    expect(broken.result?.status, broken.stderr).toBe('Failed');
    expect(broken.result?.error?.code).toBe('INSTALL_FAILED');
    expect(broken.result?.error?.message).toMatch(/asr-mobility did not stay running/);
    expect(broken.result?.error?.remedy).toMatch(/\/var\/log\/asr-mobility\.log/);
    expect(await installedVersion()).toBe('9.63.0.0');
    expect(await sh('cat /usr/local/ASR/bin/svagentsd')).toBe(daemonBefore);
    expect(await scriptStatus()).toBe(0);
    expect((await daemon()).command).toMatch(/sleep infinity/);
    expect(await sh('grep -c "cannot load libagent.so" /var/log/asr-mobility.log')).not.toBe('0');
  }, 300_000);

  it('uninstall.sh -Y stops the agent, deregisters and removes its init script', async () => {
    const { pid } = await daemon();
    const run = await machine.exec(['/usr/local/ASR/uninstall.sh', '-Y', '--json'], { timeoutMs: 120_000 });
    expect(resultOf(parseJobEvents(run.stdout))?.status, run.stderr).toBe('Succeeded');
    expect(await sh(`test -e ${SCRIPT} && echo left || echo gone`)).toBe('gone');
    expect(await sh('ls /etc/rc?.d | grep -c asr-mobility || true')).toBe('0');
    expect(await sh(`kill -0 ${pid} 2>/dev/null && echo alive || echo gone`)).toBe('gone');
    expect(await sh('test -e /usr/local/ASR && echo left || echo gone')).toBe('gone');
  }, 300_000);

  it('push-install onto it installs, starts the agent from its init script and registers it', async () => {
    if (!fleet) throw new Error('no fleet');
    const repository = scratch.path('push-repository');
    fs.mkdirSync(repository);
    fs.copyFileSync(
      releases.get('9.61.0.0')?.file ?? '',
      path.join(repository, path.basename(releases.get('9.61.0.0')?.file ?? '')),
    );
    const passphraseFile = scratch.path('cs-passphrase');
    fs.writeFileSync(passphraseFile, 'sysv push passphrase\n', { mode: 0o600 });
    const cs = await startReferenceConfigServer({ host: fleet.gateway, port: 0, passphraseFile });
    try {
      const push = await startCli(
        CLI.pushInstall,
        [
          ...['--host', `root@${machine.address}`, '--identity', key],
          ...['--known-hosts', scratch.path('known_hosts'), '--accept-new-host-keys'],
          ...['--repository', repository, '--role', 'MS', '--platform', 'VmWare'],
          ...['--cs-endpoint', `${fleet.gateway}:${cs.port}`, '--passphrase-file', passphraseFile],
          ...['--log-dir', scratch.path('push-logs'), '--json'],
        ],
        { timeoutMs: 300_000 },
      ).done;
      const events = push.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as PushEvent);
      const result = events.find((event) => event.type === 'result');
      expect(result?.type === 'result' && result.hosts[0], push.stdout + push.stderr).toMatchObject({
        status: 'Succeeded',
        osLabel: LABEL,
        agentVersion: '9.61.0.0',
      });
      expect(cs.registeredHosts()).toHaveLength(1);
      expect(await scriptStatus()).toBe(0);
      expect(await sh('grep AGENT_CONFIGURATION_STATUS /usr/local/.vx_version')).toBe(
        'AGENT_CONFIGURATION_STATUS=Succeeded',
      );
    } finally {
      await cs.close();
    }
  }, 300_000);
});
