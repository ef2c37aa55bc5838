import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetRow } from '../../shared/fleet-status';
import type { HostResult, PushEvent } from '../../shared/push-events';
import {
  startReferenceConfigServer,
  type ReferenceConfigServer,
} from '../../e2e/config-server/reference-config-server';
import { startFleet, testMachinesUnavailable, type Fleet } from '../../e2e/test-machines/test-machines';
import { Scratch } from '../engine/test-support/fixtures';
import { CLI, startCli, TOP } from '../engine/test-support/run-cli';

// push-install as admins run fleets, on real test machines: their OpenSSH setup (~/.ssh/config with Include,
// aliases, IdentityFile, known hosts), keys in ssh-agent or encrypted, Ansible inventories with --limit, staged
// rollouts (a failing canary, --max-failures, a killed run resumed) and the fleet's status. Servers on a private
// bridge only a bastion reaches are in push-bastion.test.ts.

const scratch = new Scratch();
const unavailable = testMachinesUnavailable();
const PLAN9 = 'ID=plan9\nVERSION_ID=4\nPRETTY_NAME="Plan 9 from Bell Labs"\n';
const PASSPHRASE = 'fleet-canary-passphrase-52e1';
const KEY_PASSPHRASE = 'key-canary-passphrase-9a0c';

let fleet: Fleet;
let cs: ReferenceConfigServer;
let repository: string;
let oldRepository: string;
let home: string;
let key: string;
let encryptedKey: string;
let addresses: string[];

async function pack(version: string, out: string): Promise<void> {
  const run = await startCli(CLI.packAgent, [
    ...['--from', path.join(TOP, 'assets', 'sample-agent'), '--os', 'DEBIAN12-64', '--agent-version', version],
    ...['--out', out, '--with-installer', '--level', '1'],
  ]).done;
  expect(run.code, run.stderr).toBe(0);
}

function keyPair(file: string, passphrase: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', file]);
  return fs.readFileSync(`${file}.pub`, 'utf8').trim();
}

beforeAll(async () => {
  if (unavailable) return;
  repository = scratch.path('releases');
  oldRepository = scratch.path('old-releases');
  await pack('9.61.0.0', repository);
  await pack('9.60.0.0', oldRepository);
  home = scratch.path('home');
  key = path.join(home, 'keys', 'fleet_ed25519');
  encryptedKey = path.join(home, 'keys', 'encrypted_ed25519');
  const authorized = [keyPair(key, ''), keyPair(encryptedKey, KEY_PASSPHRASE)];
  fleet = await startFleet(
    [0, 1, 2, 3, 4].map((i) => ({ authorizedKeys: authorized, ...(i >= 3 ? { osRelease: PLAN9 } : {}) })),
  );
  addresses = fleet.machines.map((machine) => machine.address);
  const passphraseFile = scratch.path('cs-passphrase');
  fs.writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  cs = await startReferenceConfigServer({ host: fleet.gateway, port: 0, passphraseFile });
  // The admin's OpenSSH setup: an alias a server, through an Include, and a known hosts file of its own.
  fs.mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(home, '.ssh', 'config'),
    [
      'Include conf.d/*.conf',
      'Host web-*',
      '  User root',
      `  IdentityFile ${key}`,
      '  IdentitiesOnly yes',
      '  UserKnownHostsFile ~/.ssh/fleet_known_hosts',
      '  StrictHostKeyChecking accept-new',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(home, '.ssh', 'conf.d', 'fleet.conf'),
    addresses.map((address, i) => `Host web-${i}\n  HostName ${address}\n`).join(''),
  );
}, 300_000);

afterAll(async () => {
  await cs?.close();
  await fleet?.teardown();
  scratch.cleanup();
});

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: PushEvent[];
  readonly hosts: readonly HostResult[];
}

function parse(code: number | null, stdout: string, stderr: string): Run {
  const events = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as PushEvent);
  const result = events.find((event) => event.type === 'result');
  return { code, stdout, stderr, events, hosts: result?.type === 'result' ? result.hosts : [] };
}

const INSTALL = ['--role', 'MS', '--platform', 'VmWare', '--json', '--log-dir', path.join(scratch.dir, 'logs')];

function start(args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const run = startCli(CLI.pushInstall, args, {
    env: { HOME: home, ...options.env },
    input: options.input ?? '',
    timeoutMs: 240_000,
  });
  return { child: run.child, done: run.done.then((r) => parse(r.code, r.stdout, r.stderr)) };
}

function statusRows(stdout: string): FleetRow[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as FleetRow & { type: string });
}

const sh = (index: number, command: string): Promise<string> =>
  (fleet.machines[index] as Fleet['machines'][number]).sh(command, { timeoutMs: 60_000 });

describe.skipIf(unavailable)('push-install with the admin’s OpenSSH setup and inventories', () => {
  it('reaches servers by their ~/.ssh/config aliases (Include, HostName, IdentityFile, its own known hosts), and registers', async () => {
    const run = await start(
      [
        '--host',
        'web-0',
        '--repository',
        repository,
        '--cs-endpoint',
        `${cs.host}:${cs.port}`,
        '--passphrase-file',
        '-',
        ...INSTALL,
      ],
      { input: `${PASSPHRASE}\n` },
    ).done;
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.hosts[0]).toMatchObject({ host: 'web-0', status: 'Succeeded', agentVersion: '9.61.0.0' });
    // accept-new from the config recorded the key in the config's known hosts file, not ~/.ssh/known_hosts.
    const lookup = spawnSync('ssh-keygen', [
      '-F',
      addresses[0] as string,
      '-f',
      path.join(home, '.ssh', 'fleet_known_hosts'),
    ]);
    expect(lookup.status).toBe(0);
    expect(fs.existsSync(path.join(home, '.ssh', 'known_hosts'))).toBe(false);
    expect(cs.registeredHosts()).toHaveLength(1);
  }, 240_000);

  it('logs in with a key held by ssh-agent (SSH_AUTH_SOCK), with no key file named anywhere', async () => {
    const socket = scratch.path('agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !fs.existsSync(socket); i++) await new Promise((r) => setTimeout(r, 100));
      execFileSync('ssh-add', ['-q', key], { env: { SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      const run = await start(
        [
          '--host',
          addresses[1] as string,
          '--ssh-config',
          'none',
          '--known-hosts',
          scratch.path('kh-agent'),
          '--accept-new-host-keys',
          '--repository',
          oldRepository,
          ...INSTALL,
        ],
        { env: { SSH_AUTH_SOCK: socket } },
      ).done;
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.hosts[0]).toMatchObject({ status: 'Succeeded', agentVersion: '9.60.0.0' });
      // Without the agent there is no way to log in, and it says so before connecting.
      const none = await start([
        '--host',
        addresses[1] as string,
        '--ssh-config',
        'none',
        '--repository',
        repository,
        ...INSTALL,
      ]).done;
      expect(none.code).toBe(2);
      expect(none.stdout).toMatch(/no way to log in to .*start ssh-agent/);
    } finally {
      agent.kill('SIGTERM');
    }
  }, 240_000);

  it('uses an encrypted key with --identity-passphrase-file, and refuses one without or with a wrong passphrase', async () => {
    const passphraseFile = scratch.path('key-passphrase');
    fs.writeFileSync(passphraseFile, `${KEY_PASSPHRASE}\n`, { mode: 0o600 });
    const base = [
      '--host',
      addresses[0] as string,
      '--ssh-config',
      'none',
      '--identity',
      encryptedKey,
      '--known-hosts',
      scratch.path('kh-enc'),
      '--accept-new-host-keys',
      '--status',
      '--json',
    ];
    const ok = await start([...base, '--identity-passphrase-file', passphraseFile]).done;
    expect(ok.code, ok.stderr + ok.stdout).toBe(0);
    expect(statusRows(ok.stdout)[0]).toMatchObject({ reachable: true, installed: true, agentVersion: '9.61.0.0' });
    const missing = await start(base).done;
    expect(missing.code).toBe(2);
    expect(missing.stdout).toMatch(
      /--identity .*encrypted_ed25519 is encrypted: give its passphrase with --identity-passphrase-file/,
    );
    const wrongFile = scratch.path('wrong');
    fs.writeFileSync(wrongFile, 'not-it\n');
    const wrong = await start([...base, '--identity-passphrase-file', wrongFile]).done;
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/cannot be decrypted with the passphrase given/);
    for (const text of [ok.stdout, ok.stderr, missing.stdout, wrong.stdout]) expect(text).not.toContain(KEY_PASSPHRASE);
  }, 120_000);

  it('reads an Ansible inventory with groups and children, narrowed with --limit', async () => {
    const inventory = path.join(scratch.dir, 'hosts.ini');
    fs.writeFileSync(
      inventory,
      [
        '[web]',
        ...addresses.slice(0, 3).map((address, i) => `node${i} ansible_host=${address} ansible_user=root`),
        '[legacy]',
        `node3 ansible_host=${addresses[3]}`,
        '[linux:children]',
        'web',
        'legacy',
        '[linux:vars]',
        `ansible_ssh_private_key_file=${key}`,
        'ansible_python_interpreter=/usr/bin/python3',
        '',
      ].join('\n'),
    );
    const base = [
      '--inventory',
      inventory,
      '--ssh-config',
      'none',
      '--known-hosts',
      scratch.path('kh-inv'),
      '--accept-new-host-keys',
      '--status',
      '--json',
    ];
    const limited = await start([...base, '--limit', 'linux:!node1:!legacy']).done;
    expect(limited.code, limited.stderr + limited.stdout).toBe(0);
    expect(statusRows(limited.stdout).map((row) => row.host)).toEqual(['node0', 'node2']);
    const bad = await start([...base, '--limit', 'databases']).done;
    expect(bad.code).toBe(2);
    expect(bad.stdout).toMatch(/databases/);
    const brokenFile = path.join(scratch.dir, 'broken.ini');
    fs.writeFileSync(brokenFile, '[web\nnode0\n');
    const broken = await start([
      '--inventory',
      brokenFile,
      '--ssh-config',
      'none',
      '--identity',
      key,
      '--status',
      '--json',
    ]).done;
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/broken\.ini line 1/);
  }, 120_000);

  it('a canary that fails stops the push: no other server is started, each NotStarted, exit 1', async () => {
    const run = await start([
      '--host',
      'web-3',
      '--host',
      'web-2',
      '--host',
      'web-1',
      '--canary',
      '1',
      '--repository',
      repository,
      ...INSTALL,
    ]).done;
    expect(run.code).toBe(1);
    expect(run.hosts.map((h) => [h.host, h.status])).toEqual([
      ['web-3', 'Failed'],
      ['web-2', 'NotStarted'],
      ['web-1', 'NotStarted'],
    ]);
    expect(run.hosts[1]?.error?.code).toBe('PUSH_NOT_STARTED');
    expect(run.hosts[1]?.error?.message).toMatch(/canary web-3 failed/);
    expect(run.events.some((e) => e.type === 'host-step' && e.host !== 'web-3')).toBe(false);
    expect(await sh(2, 'test -e /usr/local/ASR && echo yes || echo no')).toBe('no');
  }, 120_000);

  it('--max-failures 1: after the second failure no new server starts; the rest are NotStarted', async () => {
    const run = await start([
      '--host',
      'web-3',
      '--host',
      'web-4',
      '--host',
      'web-2',
      '--parallel',
      '1',
      '--max-failures',
      '1',
      '--repository',
      repository,
      ...INSTALL,
    ]).done;
    expect(run.code).toBe(1);
    expect(run.hosts.map((h) => h.status)).toEqual(['Failed', 'Failed', 'NotStarted']);
    expect(run.hosts[2]?.error?.message).toMatch(/2 server\(s\) failed, more than --max-failures allows/);
  }, 120_000);

  it('a killed run leaves its results file; --resume pushes only to the servers that did not succeed there, and removes the killed run’s copy of the release', async () => {
    const results = scratch.path('results.json');
    // The runs' temp folder: where the killed one leaves its recompressed release.
    const tmp = scratch.path('tmp');
    fs.mkdirSync(tmp);
    const releaseCopies = (): string[] => fs.readdirSync(tmp).filter((name) => name.startsWith('asr-push-release-'));
    const first = start(
      [
        '--host',
        'web-2',
        '--host',
        'web-0',
        '--parallel',
        '1',
        '--results',
        results,
        '--repository',
        repository,
        ...INSTALL,
      ],
      { env: { TMPDIR: tmp } },
    );
    // Killed (-9) as soon as the first server has its result: the file must already say so.
    await new Promise<void>((resolve) => {
      let seen = '';
      first.child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('"type":"host-result"')) {
          first.child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await first.done;
    const saved = JSON.parse(fs.readFileSync(results, 'utf8')) as {
      complete: boolean;
      hosts: HostResult[];
      pending: string[];
    };
    expect(saved.complete).toBe(false);
    expect(saved.hosts.map((h) => [h.host, h.status])).toEqual([['web-2', 'Succeeded']]);
    expect(saved.pending).toEqual(['web-0']);
    expect(releaseCopies()).toEqual([expect.stringMatching(new RegExp(`^asr-push-release-${first.child.pid}-`))]);
    const resumed = await start(
      ['--host', 'web-2', '--host', 'web-0', '--resume', results, '--repository', repository, ...INSTALL],
      { env: { TMPDIR: tmp } },
    ).done;
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(resumed.hosts.map((h) => h.host)).toEqual(['web-0']);
    // Its own copy went when it ended; the killed run's, when it started.
    expect(releaseCopies()).toEqual([]);
  }, 240_000);

  it('--status on a mixed fleet: registered, outdated and unregistered, service stopped, not installed, unreachable', async () => {
    await sh(2, 'systemctl stop asr-mobility');
    const unreachable = fleet.unusedAddress();
    const args = [
      '--host',
      'web-0',
      '--host',
      'web-1',
      '--host',
      'web-2',
      '--host',
      'web-3',
      '--host',
      unreachable,
      '--identity',
      key,
      '--accept-new-host-keys',
      // Room for the agent's own --status on a busy machine; the unreachable server fails fast on its own.
      '--host-timeout',
      '60',
      '--status',
      '--repository',
      repository,
    ];
    const run = await start([...args, '--json']).done;
    expect(run.code).toBe(1);
    const rows = statusRows(run.stdout);
    expect(rows.map((row) => row.host)).toEqual(['web-0', 'web-1', 'web-2', 'web-3', unreachable]);
    expect(rows[0]).toMatchObject({
      installed: true,
      agentVersion: '9.61.0.0',
      outdated: false,
      service: 'active',
      source: 'agent',
    });
    expect(rows[0]?.registration?.csEndpoint).toBe(`${cs.host}:${cs.port}`);
    expect(rows[0]?.lastResult?.status).toBe('Succeeded');
    expect(rows[1]).toMatchObject({
      agentVersion: '9.60.0.0',
      latestVersion: '9.61.0.0',
      outdated: true,
      registration: null,
    });
    expect(rows[2]).toMatchObject({ installed: true, service: 'inactive' });
    expect(rows[3]).toMatchObject({ reachable: true, installed: false, osLabel: null });
    expect(rows[4]).toMatchObject({ reachable: false });
    expect(rows[4]?.error?.code).toBe('PUSH_UNREACHABLE');
    const csv = await start([...args, '--csv']).done;
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^host,address,reachable,os_label,installed,agent_version,latest_version,outdated/);
    expect(lines).toHaveLength(6);
    expect(lines[2]).toMatch(/^web-1,.*,true,DEBIAN12-64,true,9\.60\.0\.0,9\.61\.0\.0,true,/);
    const plain = await start(args).done;
    expect(plain.stdout).toMatch(
      /web-1: agent 9\.60\.0\.0 \(outdated: 9\.61\.0\.0 in the repository\).*not registered/,
    );
    expect(plain.stdout).toMatch(
      /5 server\(s\): 1 not-installed, 1 outdated, 2 not-registered, 1 service-down, 1 unreachable/,
    );
  }, 180_000);
});
