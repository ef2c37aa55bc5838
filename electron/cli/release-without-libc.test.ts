import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceConfigServer } from '../../e2e/config-server/reference-config-server';
import {
  startMachine,
  testMachinesUnavailable,
  type Fleet,
  type TestMachine,
} from '../../e2e/test-machines/test-machines';
import { Scratch } from '../engine/test-support/fixtures';
import { TOP } from '../engine/test-support/run-cli';
import { packRelease, parseJobEvents, resultOf } from '../engine/test-support/machine-releases';

// The release on a system whose C library it cannot use: a test machine whose root has no C library at all
// (busybox-static is its only program, as its shell and tools; RHEL 6's release files and runlevel folders;
// busybox init as PID 1; no systemd). The release's ./install, --status, UnifiedAgentConfigurator.sh and
// uninstall.sh -Y all run there on the runtime's own loader and libraries.

const scratch = new Scratch();
const unavailable =
  testMachinesUnavailable() ?? (fs.existsSync('/bin/busybox') ? undefined : "Debian's busybox-static is missing");
const RELEASE = '/root/release';

let fleet: Fleet | undefined;
let machine: TestMachine;
let top: string;

/** A root of busybox alone, laid out as RHEL 6 lays out its init scripts and runlevels. */
function busyboxRoot(): string {
  const root = scratch.path('busybox-root');
  const dirs = ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'usr/local', 'usr/libexec', 'proc', 'sys', 'dev', 'run', 'tmp'];
  const rc = ['etc/rc.d/init.d', ...['0', '1', '2', '3', '4', '5', '6'].map((level) => `etc/rc.d/rc${level}.d`)];
  for (const dir of [...dirs, ...rc, 'root', 'var/log', 'var/run', 'var/lib'])
    fs.mkdirSync(path.join(root, dir), { recursive: true });
  fs.chmodSync(path.join(root, 'tmp'), 0o1777);
  fs.copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) if (applet !== 'busybox') fs.symlinkSync('busybox', path.join(root, 'bin', applet));
  fs.symlinkSync('../bin/busybox', path.join(root, 'sbin/init'));
  fs.symlinkSync('rc.d/init.d', path.join(root, 'etc/init.d'));
  fs.writeFileSync(path.join(root, 'etc/redhat-release'), 'CentOS release 6.10 (Final)\n');
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\n');
  return root;
}

function sh(command: string, timeoutMs = 120_000) {
  return machine.exec(['/bin/sh', '-c', command], { timeoutMs });
}

async function out(command: string): Promise<string> {
  const run = await sh(command);
  expect(run.code, `${command}: ${run.stderr}`).toBe(0);
  return run.stdout.trim();
}

beforeAll(async () => {
  if (unavailable) return;
  const release = await packRelease(scratch, 'RHEL6-64', '9.61.0.0', path.join(TOP, 'assets', 'sample-agent'));
  top = `${RELEASE}/${release.top}`;
  const root = busyboxRoot();
  fs.mkdirSync(path.join(root, RELEASE.slice(1)));
  execFileSync('tar', ['-xzf', release.file, '-C', path.join(root, RELEASE.slice(1))]);
  ({ fleet, machine } = await startMachine({ init: { busyboxRoot: root } }));
}, 300_000);

afterAll(async () => {
  await fleet?.teardown();
  scratch.cleanup();
});

describe.skipIf(unavailable)('the release in a root with no C library (busybox only)', () => {
  it('has no C library, no loader and no systemd; busybox init is PID 1', async () => {
    expect(await out('cat /proc/1/comm')).toBe('init');
    expect(
      await out(
        `find / -xdev \\( -name 'libc.so*' -o -name 'ld-linux*' -o -name 'libc-*' \\) | grep -v '^${RELEASE}/' || true`,
      ),
    ).toBe('');
    expect(await out('test -e /lib || test -e /lib64 || test -e /usr/lib || echo none')).toBe('none');
    expect(await out('test -d /run/systemd/system && echo systemd || echo none')).toBe('none');
  });

  it("without util-linux's flock the install is refused, saying so, and nothing is installed", async () => {
    const run = await sh(`cd ${top} && ./install -r MS -v VmWare -q --json`);
    const result = resultOf(parseJobEvents(run.stdout));
    expect(result?.status, run.stderr).toBe('Failed');
    expect(result?.error?.message).toMatch(/util-linux's flock is needed/);
    expect(result?.error?.remedy).toMatch(/^Install util-linux, which provides flock/);
    expect(await out('ls /usr/local; ls /etc/rc.d/init.d')).toBe('');
  });

  it('./install installs and starts the agent from its init script, linked into the runlevels by hand', async () => {
    // Every system of the seed's table has util-linux's flock; busybox-static has none. This one runs on the
    // release's C library too, so the root still has none of its own.
    const flock = fs.realpathSync(spawnSync('sh', ['-c', 'command -v flock'], { encoding: 'utf8' }).stdout.trim());
    await machine.exec(['/bin/sh', '-c', 'cat > /usr/libexec/flock && chmod 755 /usr/libexec/flock'], {
      input: fs.readFileSync(flock),
    });
    await out(
      `printf '#!/bin/sh\\nexec ${top}/runtime/lib/ld-linux-x86-64.so.2 --library-path ${top}/runtime/lib /usr/libexec/flock "$@"\\n' > /usr/bin/flock && chmod 755 /usr/bin/flock`,
    );
    const run = await sh(`cd ${top} && ./install -d /usr/local/ASR -r MS -v VmWare -q --json`);
    const events = parseJobEvents(run.stdout);
    expect(resultOf(events)?.status, run.stdout + run.stderr).toBe('Succeeded');
    const service = events.find((e) => e.type === 'step-finished' && e.stepId === 'service');
    expect(service?.type === 'step-finished' && service.message).toBe(
      'asr-mobility linked into its runlevels and started (SysV init script /etc/rc.d/init.d/asr-mobility)',
    );
    expect(await out('readlink /etc/rc.d/rc3.d/S90asr-mobility')).toBe('../init.d/asr-mobility');
    expect((await sh('/etc/init.d/asr-mobility status')).code).toBe(0);
    const status = await sh(`cd ${top} && ./install --status --json`);
    expect(JSON.parse(status.stdout)).toMatchObject({ installed: true, agentVersion: '9.61.0.0', service: 'active' });
  });

  it('UnifiedAgentConfigurator.sh registers, and uninstall.sh -Y unregisters and removes everything', async () => {
    if (!fleet) throw new Error('no fleet');
    const passphraseFile = scratch.path('passphrase');
    fs.writeFileSync(passphraseFile, 'busybox root passphrase\n', { mode: 0o600 });
    await machine.exec(['/bin/sh', '-c', 'umask 077 && cat > /root/passphrase'], {
      input: fs.readFileSync(passphraseFile),
    });
    const cs = await startReferenceConfigServer({ host: fleet.gateway, port: 0, passphraseFile });
    try {
      const register = await sh(
        `/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh -i ${fleet.gateway}:${cs.port} -P /root/passphrase --json`,
      );
      expect(register.code, register.stdout + register.stderr).toBe(0);
      expect(cs.registeredHosts()).toHaveLength(1);
      const pid = await out("cut -d ' ' -f 1 /var/run/asr-mobility.pid");
      const uninstall = await sh('/usr/local/ASR/uninstall.sh -Y -P /root/passphrase --json');
      expect(resultOf(parseJobEvents(uninstall.stdout))?.status, uninstall.stderr).toBe('Succeeded');
      expect(cs.registeredHosts()).toEqual([]);
      expect(await out('ls /usr/local /etc/rc.d/init.d /etc/rc.d/rc3.d')).toBe(
        '/etc/rc.d/init.d:\n\n/etc/rc.d/rc3.d:\n\n/usr/local:',
      );
      expect(await out(`kill -0 ${pid} 2>/dev/null && echo alive || echo gone`)).toBe('gone');
    } finally {
      await cs.close();
    }
  });
});
