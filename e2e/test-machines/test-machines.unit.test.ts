import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOL_ENV, mustRun, runCommand } from './run-command';
import type { CommandResult } from './run-command';
import { readSshBanner } from './machine';
import { startFleet, testMachinesUnavailable } from './test-machines';
import type { Fleet, TestMachine } from './test-machines';

// The push-installation tests trust these machines to behave like separate hosts: systemd as PID 1, sshd with its
// own host key, their own os-release, units that do not leak between machines, and nothing left on this host after.

const unavailable = testMachinesUnavailable();

const OS_RELEASE_A = 'NAME="Test Linux A"\nID=testa\nVERSION_ID="1.0"\nPRETTY_NAME="Test Linux A 1.0"\n';
const OS_RELEASE_B = 'NAME="Test Linux B"\nID=testb\nVERSION_ID="2.0"\nPRETTY_NAME="Test Linux B 2.0"\n';
const BOOT_TIMEOUT_MS = 120_000;

describe.skipIf(unavailable !== undefined)('test machines', () => {
  let fleet: Fleet;
  let a: TestMachine;
  let b: TestMachine;
  let keyDir: string;
  let clientKey: string;

  function machineAt(index: number): TestMachine {
    const machine = fleet.machines[index];
    if (!machine) throw new Error(`no machine ${index}`);
    return machine;
  }

  /** The system ssh client, non-interactive, checking the host key the fleet reported. */
  function ssh(machine: TestMachine, command: string, timeoutMs = 30_000): Promise<CommandResult> {
    const knownHosts = path.join(keyDir, `known_hosts-${machine.id}`);
    fs.writeFileSync(knownHosts, `${machine.address} ${machine.hostKey.publicKey}\n`);
    return runCommand(
      [
        'ssh',
        '-F',
        '/dev/null',
        '-i',
        clientKey,
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'ConnectTimeout=10',
        `root@${machine.address}`,
        command,
      ],
      { timeoutMs, env: { ...TOOL_ENV, HOME: keyDir } },
    );
  }

  beforeAll(async () => {
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-machines-client-'));
    clientKey = path.join(keyDir, 'id_ed25519');
    await mustRun(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'test-client', '-f', clientKey]);
    const publicKey = fs.readFileSync(`${clientKey}.pub`, 'utf8');
    fleet = await startFleet(
      [
        {
          osRelease: OS_RELEASE_A,
          authorizedKeys: [publicKey],
          users: [{ name: 'alice', password: 'alice-secret', sudo: 'nopasswd' }],
          passwordAuth: true,
          tmpfs: [{ path: '/opt', sizeMb: 50 }],
        },
        { osRelease: OS_RELEASE_B, authorizedKeys: [publicKey] },
      ],
      { bootTimeoutMs: BOOT_TIMEOUT_MS },
    );
    a = machineAt(0);
    b = machineAt(1);
    console.info(`test machines: 2 booted (SSH answering) in ${fleet.bootMs} ms`);
  }, BOOT_TIMEOUT_MS + 30_000);

  afterAll(async () => {
    await fleet?.teardown();
    if (keyDir) fs.rmSync(keyDir, { recursive: true, force: true });
  }, 60_000);

  it('runs systemd as PID 1 of each machine, booted to running (or degraded)', async () => {
    for (const machine of [a, b]) {
      expect((await machine.exec(['cat', '/proc/1/comm'])).stdout.trim()).toBe('systemd');
      const state = await machine.exec(['systemctl', 'is-system-running', '--wait'], { timeoutMs: 60_000 });
      expect(['running', 'degraded']).toContain(state.stdout.trim());
      expect((await machine.exec(['hostname'])).stdout.trim()).toBe(machine.id);
    }
    expect(a.initPid).not.toBe(b.initPid);
  });

  it('answers SSH on port 22 of each address, from the host', async () => {
    for (const machine of [a, b]) {
      expect(await readSshBanner(machine.address, 22, 5_000)).toMatch(/^SSH-2\.0-OpenSSH/);
      expect((await machine.exec(['systemctl', 'is-active', 'ssh'])).stdout.trim()).toBe('active');
    }
  });

  it('gives each machine its own os-release and SSH host key, and no node', async () => {
    expect((await a.exec(['cat', '/etc/os-release'])).stdout).toBe(OS_RELEASE_A);
    expect((await b.exec(['cat', '/etc/os-release'])).stdout).toBe(OS_RELEASE_B);
    expect(a.hostKey.fingerprint).not.toBe(b.hostKey.fingerprint);
    for (const machine of [a, b]) {
      expect(machine.hostKey.type).toBe('ssh-ed25519');
      expect(machine.hostKey.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      const listed = await machine.exec([
        'ssh-keygen',
        '-l',
        '-E',
        'sha256',
        '-f',
        '/etc/ssh/ssh_host_ed25519_key.pub',
      ]);
      expect(listed.stdout).toContain(machine.hostKey.fingerprint);
      const node = await machine.exec(['sh', '-c', 'command -v node nodejs; ls /usr/bin/node /usr/bin/nodejs']);
      expect(node.stdout.trim()).toBe('');
      expect(node.code).not.toBe(0);
    }
  });

  it('sh runs a shell command inside and gives its trimmed output; with check, a failing one throws', async () => {
    expect(await a.sh('hostname; echo "  "')).toBe(a.id);
    expect(await a.sh('echo partial; exit 3')).toBe('partial');
    await expect(a.sh('echo nope >&2; exit 3', { check: true })).rejects.toThrow(/exited 3: nope/);
  });

  it('keeps units apart: stopping "probe" on B leaves A\'s running', async () => {
    const start = ['systemd-run', '--unit=probe', '--service-type=exec', 'sleep', '300'];
    expect((await a.exec(start)).code).toBe(0);
    expect((await b.exec(start)).code).toBe(0);
    expect((await b.exec(['systemctl', 'stop', 'probe'])).code).toBe(0);
    expect((await b.exec(['systemctl', 'is-active', 'probe'])).stdout.trim()).not.toBe('active');
    expect((await a.exec(['systemctl', 'is-active', 'probe'])).stdout.trim()).toBe('active');
    expect((await a.exec(['pgrep', '-x', 'sleep'])).code).toBe(0);
    await a.exec(['systemctl', 'stop', 'probe']);
  });

  it('logs in over SSH with the authorised client key and runs commands as root', async () => {
    for (const [machine, osRelease] of [
      [a, OS_RELEASE_A],
      [b, OS_RELEASE_B],
    ] as const) {
      const result = await ssh(machine, 'cat /etc/os-release; systemctl is-active ssh; id -u');
      expect(result.stderr).not.toMatch(/WARNING|denied/i);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${osRelease}active\n0\n`);
    }
  });

  it('drops an open SSH connection when its sshd processes are killed', async () => {
    const knownHosts = path.join(keyDir, 'known_hosts-drop');
    fs.writeFileSync(knownHosts, `${b.address} ${b.hostKey.publicKey}\n`);
    const session = spawn(
      'ssh',
      [
        '-F',
        '/dev/null',
        '-i',
        clientKey,
        '-o',
        'BatchMode=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        `root@${b.address}`,
        'sleep 120',
      ],
      { env: { ...TOOL_ENV, HOME: keyDir }, stdio: 'ignore' },
    );
    const ended = new Promise<number | null>((resolve) => session.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while ((await b.exec(['pgrep', '-x', 'sleep'])).code !== 0) {
        if (Date.now() > deadline) throw new Error('the SSH session never started its command');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await b.killSshSessions('root')).toBe(true);
      const code = await Promise.race([ended, new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000))]);
      expect(code).not.toBe('hung');
      expect(code).not.toBe(0);
    } finally {
      session.kill('SIGKILL');
    }
  });

  it('sets up password users with sudo, password auth and size-limited tmpfs where asked', async () => {
    const config = async (machine: TestMachine): Promise<string> => (await machine.exec(['sshd', '-T'])).stdout;
    expect(await config(a)).toMatch(/^passwordauthentication yes$/m);
    expect(await config(a)).toMatch(/^kbdinteractiveauthentication yes$/m);
    expect(await config(b)).toMatch(/^passwordauthentication no$/m);
    const sudo = await a.exec(['su', '-', 'alice', '-c', 'sudo -n id -u']);
    expect(sudo.stdout.trim()).toBe('0');
    const shadow = await a.exec(['getent', 'shadow', 'alice']);
    expect(shadow.stdout).toMatch(/^alice:\$/);
    expect((await b.exec(['id', 'alice'])).code).not.toBe(0);
    const opt = await a.exec(['df', '-m', '--output=size,target', '/opt']);
    expect(opt.stdout).toMatch(/\b(49|50)\s+\/opt/);
    const full = await a.exec(['sh', '-c', 'head -c 60000000 /dev/zero > /opt/fill']);
    expect(full.code).not.toBe(0);
    expect(full.stderr).toMatch(/No space left/);
  });

  it('has an unused address in the subnet that does not answer', async () => {
    const unused = fleet.unusedAddress();
    expect(unused.split('.').slice(0, 3).join('.')).toBe(fleet.subnet.split('.').slice(0, 3).join('.'));
    expect(fleet.machines.map((machine) => machine.address)).not.toContain(unused);
    const started = Date.now();
    await expect(readSshBanner(unused, 22, 1_000)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('tears down everything it started', async () => {
    const fleetDir = path.dirname(path.dirname(a.consoleLog));
    const pids = fleet.machines.map((machine) => machine.initPid);
    await fleet.teardown();
    await fleet.teardown(); // idempotent
    const netns = await mustRun(['ip', 'netns', 'list']);
    expect(netns).not.toContain(`tm-${fleet.id}-`);
    for (const pid of pids) expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
    const systemds = (await runCommand(['pgrep', '-x', 'systemd'])).stdout.split('\n').filter(Boolean);
    const ours = systemds.filter((pid) => {
      try {
        return pid !== '1' && fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(`tm-${fleet.id}-`);
      } catch {
        return false;
      }
    });
    expect(ours).toEqual([]);
    expect(fs.existsSync(`/sys/class/net/${fleet.bridge}`)).toBe(false);
    expect((await mustRun(['ip', '-o', 'link'])).includes(`-${fleet.id}`)).toBe(false);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(fleetDir);
    expect(fs.existsSync(fleetDir)).toBe(false);
    const cgroups = await runCommand(['find', '/sys/fs/cgroup', '-type', 'd', '-name', `tm-${fleet.id}-*`]);
    expect(cgroups.stdout).toBe('');
  });
});
