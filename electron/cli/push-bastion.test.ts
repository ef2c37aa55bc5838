import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetRow } from '../../shared/fleet-status';
import type { HostResult } from '../../shared/push-events';
import { hideBehindBastion, type PrivateNetwork } from '../../e2e/test-machines/private-network';
import {
  startFleet,
  testMachinesUnavailable,
  type Fleet,
  type TestMachine,
} from '../../e2e/test-machines/test-machines';
import { Scratch } from '../engine/test-support/fixtures';
import { CLI, startCli, TOP } from '../engine/test-support/run-cli';

// Servers only a bastion reaches: a bastion machine on one bridge, two servers on a second bridge that this host
// (the admin's machine) has no route to; the bastion has a leg on both. --jump and ProxyJump, the bastion's host
// key checked before anything is sent to it, one connection to it shared by every server behind it, and a
// failing bastion failing its servers with PUSH_UNREACHABLE naming it.

const scratch = new Scratch();
const unavailable = testMachinesUnavailable();

let bastionFleet: Fleet;
let servers: Fleet;
let bastion: TestMachine;
let network: PrivateNetwork;
let repository: string;
let home: string;
let key: string;

beforeAll(async () => {
  if (unavailable) return;
  repository = scratch.path('releases');
  const packed = await startCli(CLI.packAgent, [
    ...['--from', path.join(TOP, 'assets', 'sample-agent'), '--os', 'DEBIAN12-64', '--agent-version', '9.61.0.0'],
    ...['--out', repository, '--with-installer', '--level', '1'],
  ]).done;
  expect(packed.code, packed.stderr).toBe(0);
  home = scratch.path('home');
  key = path.join(home, '.ssh', 'id_ed25519');
  fs.mkdirSync(path.dirname(key), { recursive: true, mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const authorizedKeys = [fs.readFileSync(`${key}.pub`, 'utf8').trim()];
  bastionFleet = await startFleet([{ authorizedKeys }]);
  servers = await startFleet([{ authorizedKeys }, { authorizedKeys }]);
  bastion = bastionFleet.machines[0] as TestMachine;
  network = await hideBehindBastion(servers, bastion);
}, 300_000);

afterAll(async () => {
  await network?.undo();
  await servers?.teardown();
  await bastionFleet?.teardown();
  scratch.cleanup();
});

function push(args: readonly string[]) {
  return startCli(CLI.pushInstall, [...args, '--json', '--log-dir', path.join(scratch.dir, 'logs')], {
    env: { HOME: home },
    timeoutMs: 240_000,
  }).done.then((run) => {
    const result = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { type: string; hosts?: HostResult[] })
      .find((event) => event.type === 'result');
    return { ...run, hosts: result?.hosts ?? [] };
  });
}

const install = (): string[] => ['--repository', repository, '--role', 'MS', '--platform', 'VmWare'];

/** Logins the bastion's sshd accepted so far. */
async function bastionLogins(): Promise<number> {
  const count = await bastion.sh("journalctl --no-pager -q _COMM=sshd | grep -c 'Accepted publickey' || true");
  return Number(count);
}

describe.skipIf(unavailable)('push-install through a bastion', () => {
  it('this host has no route to the private servers: a direct push fails at once with PUSH_UNREACHABLE', async () => {
    const target = servers.machines[0]?.address as string;
    const run = await push(['--host', target, '--identity', key, '--accept-new-host-keys', ...install()]);
    expect(run.code).toBe(1);
    expect(run.hosts[0]?.error?.code).toBe('PUSH_UNREACHABLE');
    expect(run.hosts[0]?.error?.message).toMatch(/no route to the server/);
  }, 60_000);

  it('--jump: the bastion key is refused when unknown, before any login; nothing reaches the servers', async () => {
    const before = await bastionLogins();
    const targets = servers.machines.flatMap((m) => ['--host', m.address]);
    const run = await push([...targets, '--jump', `root@${bastion.address}`, '--identity', key, ...install()]);
    expect(run.code).toBe(1);
    for (const host of run.hosts) {
      expect(host.error?.code).toBe('PUSH_UNREACHABLE');
      expect(host.error?.message).toMatch(
        new RegExp(`the bastion root@${bastion.address} failed \\(PUSH_HOST_KEY_UNKNOWN`),
      );
    }
    expect(await bastionLogins()).toBe(before);
    expect(await servers.machines[0]?.sh('test -e /usr/local/ASR && echo yes || echo no')).toBe('no');
  }, 60_000);

  it('--jump with accept-new: both servers installed through one shared connection to the bastion, its key and theirs recorded', async () => {
    const knownHosts = path.join(home, '.ssh', 'known_hosts');
    const before = await bastionLogins();
    const targets = servers.machines.flatMap((m) => ['--host', m.address]);
    const run = await push([
      ...targets,
      '--jump',
      `root@${bastion.address}`,
      '--identity',
      key,
      '--accept-new-host-keys',
      ...install(),
    ]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.hosts.map((h) => h.status)).toEqual(['Succeeded', 'Succeeded']);
    expect(await bastionLogins()).toBe(before + 1);
    // Recorded hashed, as OpenSSH's HashKnownHosts does: OpenSSH's own lookup finds each of them.
    for (const address of [bastion.address, ...servers.machines.map((m) => m.address)])
      expect(spawnSync('ssh-keygen', ['-F', address, '-f', knownHosts]).status).toBe(0);
    for (const machine of servers.machines) expect(await machine.sh('systemctl is-active asr-mobility')).toBe('active');
  }, 240_000);

  it('ProxyJump from ~/.ssh/config: --status reads the private servers by alias through the bastion alias', async () => {
    fs.writeFileSync(
      path.join(home, '.ssh', 'config'),
      [
        'Host bastion',
        `  HostName ${bastion.address}`,
        '  User root',
        'Host private-*',
        '  ProxyJump bastion',
        ...servers.machines.map((m, i) => `Host private-${i}\n  HostName ${m.address}`),
        '',
      ].join('\n'),
    );
    const run = await push(['--host', 'private-0', '--host', 'private-1', '--status']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const rows = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as FleetRow);
    expect(rows.map((row) => [row.host, row.reachable, row.agentVersion, row.service])).toEqual([
      ['private-0', true, '9.61.0.0', 'active'],
      ['private-1', true, '9.61.0.0', 'active'],
    ]);
  }, 120_000);

  it('a bastion that cannot be reached fails every server behind it with PUSH_UNREACHABLE naming it', async () => {
    const gone = bastionFleet.unusedAddress();
    const targets = servers.machines.flatMap((m) => ['--host', m.address]);
    const run = await push([
      ...targets,
      '--jump',
      `root@${gone}`,
      '--identity',
      key,
      '--ssh-config',
      'none',
      ...install(),
    ]);
    expect(run.code).toBe(1);
    expect(run.hosts).toHaveLength(2);
    for (const host of run.hosts) {
      expect(host.error?.code).toBe('PUSH_UNREACHABLE');
      expect(host.error?.message).toContain(`the bastion root@${gone} failed`);
    }
  }, 120_000);
});
