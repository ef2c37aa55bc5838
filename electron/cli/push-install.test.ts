import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HostResult, PushEvent } from '../../shared/push-events';
import {
  startReferenceConfigServer,
  type ReferenceConfigServer,
} from '../../e2e/config-server/reference-config-server';
import {
  startFleet,
  testMachinesUnavailable,
  type Fleet,
  type MachineSpec,
} from '../../e2e/test-machines/test-machines';
import { Scratch } from '../engine/test-support/fixtures';
import { CLI, startCli, TOP } from '../engine/test-support/run-cli';

// push-install against real test machines (their own systemd and sshd, in network namespaces): releases
// for two OS labels, key and password logins, sudo, host keys, low disk, a cut connection, cancel, and a
// canary passphrase and password that must appear nowhere.

const scratch = new Scratch();
const unavailable = testMachinesUnavailable();
const UBUNTU = 'ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n';
const FEDORA = 'ID=fedora\nVERSION_ID=40\nPRETTY_NAME="Fedora Linux 40"\n';
const PASSPHRASE = 'canary-passphrase-7f3c9e';
const PASSWORD = 'canary-password-41d2a8';

let repository: string;
let key: string;
let publicKey: string;
const fleets: Fleet[] = [];
const servers: ReferenceConfigServer[] = [];

beforeAll(async () => {
  if (unavailable) return;
  repository = scratch.path('releases');
  for (const label of ['DEBIAN12-64', 'UBUNTU-22.04-64']) {
    const out = startCli(CLI.packAgent, [
      '--from',
      path.join(TOP, 'assets', 'sample-agent'),
      '--os',
      label,
      '--agent-version',
      '9.61.0.0',
      '--out',
      repository,
      '--with-installer',
      '--level',
      '1',
    ]);
    expect((await out.done).code).toBe(0);
  }
  key = path.join(scratch.path('ssh'), 'id_ed25519');
  fs.mkdirSync(path.dirname(key), { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  publicKey = fs.readFileSync(`${key}.pub`, 'utf8').trim();
}, 300_000);

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const fleet of fleets.splice(0)) await fleet.teardown();
});
afterAll(() => scratch.cleanup());

async function boot(specs: readonly MachineSpec[]): Promise<Fleet> {
  const fleet = await startFleet(specs.map((spec) => ({ authorizedKeys: [publicKey], ...spec })));
  fleets.push(fleet);
  return fleet;
}

async function configServer(fleet: Fleet, passphrase = PASSPHRASE): Promise<ReferenceConfigServer> {
  const passphraseFile = scratch.path('cs-passphrase');
  fs.writeFileSync(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
  const server = await startReferenceConfigServer({ host: fleet.gateway, port: 0, passphraseFile });
  servers.push(server);
  return server;
}

interface PushRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: PushEvent[];
  readonly hosts: readonly HostResult[];
  readonly byHost: (host: string) => HostResult;
}

function parsePush(code: number | null, stdout: string, stderr: string): PushRun {
  const events = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as PushEvent);
  const result = events.find((event) => event.type === 'result');
  const hosts = result?.type === 'result' ? result.hosts : [];
  const byHost = (host: string): HostResult => {
    const found = hosts.find((h) => h.host === host);
    if (!found)
      throw new Error(`no result for ${host}: ${JSON.stringify(stdout.slice(-3000))} ${JSON.stringify(stderr)}`);
    return found;
  };
  return { code, stdout, stderr, events, hosts, byHost };
}

interface PushOptions {
  readonly cs?: ReferenceConfigServer;
  readonly passphrase?: string;
  readonly extra?: readonly string[];
  readonly credentials?: readonly string[];
  readonly knownHosts?: string;
  readonly input?: string;
}

function pushArgs(hosts: readonly string[], options: PushOptions): string[] {
  return [
    ...hosts.flatMap((host) => ['--host', host]),
    ...(options.credentials ?? ['--identity', key]),
    '--known-hosts',
    options.knownHosts ?? scratch.path('known_hosts'),
    '--accept-new-host-keys',
    '--repository',
    repository,
    '--role',
    'MS',
    '--platform',
    'VmWare',
    '--log-dir',
    logDir(),
    '--json',
    ...(options.cs ? ['--cs-endpoint', `${options.cs.host}:${options.cs.port}`, '--passphrase-file', '-'] : []),
    ...(options.extra ?? []),
  ];
}

let currentLogDir: string | undefined;
function logDir(): string {
  currentLogDir ??= scratch.path('push-logs');
  return currentLogDir;
}

function startPush(hosts: readonly string[], options: PushOptions = {}) {
  const input = options.input ?? (options.cs ? `${options.passphrase ?? PASSPHRASE}\n` : '');
  const run = startCli(CLI.pushInstall, pushArgs(hosts, options), { input, timeoutMs: 240_000 });
  return { child: run.child, done: run.done.then((r) => parsePush(r.code, r.stdout, r.stderr)) };
}

function push(hosts: readonly string[], options: PushOptions = {}): Promise<PushRun> {
  return startPush(hosts, options).done;
}

async function sh(fleet: Fleet, index: number, command: string): Promise<string> {
  const machine = fleet.machines[index];
  if (!machine) throw new Error(`no machine ${index}`);
  return machine.sh(command);
}

describe.skipIf(unavailable)('push-install to real test machines', () => {
  it('installs and registers on servers of two OS labels, each with its own release; a re-run is all Unchanged', async () => {
    const fleet = await boot([{}, { osRelease: UBUNTU }]);
    const cs = await configServer(fleet);
    const [debian, ubuntu] = fleet.machines.map((m) => m.address) as [string, string];
    // A server without zstd gets the gzip release as it is; one with it, the release recompressed with zstd.
    await sh(fleet, 1, 'mv /usr/bin/zstd /usr/bin/zstd.hidden');
    const first = await push([debian, ubuntu], { cs });
    expect(first.code, first.stderr).toBe(0);
    const copyStarted = (host: string): string | undefined => {
      const event = first.events.find(
        (e) => e.type === 'host-step' && e.host === host && e.step === 'copy' && e.status === 'started',
      );
      return event?.type === 'host-step' ? event.message : undefined;
    };
    // (The machines share this host's /usr: zstd is there when this host has it, as .ci/run installs it.)
    const hostZstd = fs.existsSync('/usr/bin/zstd');
    expect(copyStarted(debian)).toMatch(
      hostZstd ? /\.tar\.gz \(\d+ bytes, sent recompressed with zstd\)$/ : /\.tar\.gz \(\d+ bytes, gzip\)$/,
    );
    expect(copyStarted(ubuntu)).toMatch(/\.tar\.gz \(\d+ bytes, gzip\)$/);
    expect(first.byHost(debian)).toMatchObject({
      status: 'Succeeded',
      osLabel: 'DEBIAN12-64',
      agentVersion: '9.61.0.0',
    });
    expect(first.byHost(ubuntu)).toMatchObject({ status: 'Succeeded', osLabel: 'UBUNTU-22.04-64' });
    const hostIds = cs
      .registeredHosts()
      .map((h) => h.hostId)
      .sort();
    expect(hostIds).toEqual([first.byHost(debian).hostId, first.byHost(ubuntu).hostId].sort());
    for (const index of [0, 1]) {
      expect(await sh(fleet, index, 'systemctl is-active asr-mobility')).toBe('active');
      expect(await sh(fleet, index, 'ls -d /tmp/asr-push.* 2>/dev/null | wc -l')).toBe('0');
    }
    expect(await sh(fleet, 1, 'cat /usr/local/ASR/.asrsetup/agent-config.json')).toContain('UBUNTU-22.04-64');
    // Every server's events carry its name.
    expect(first.events.filter((e) => e.type === 'host-job-event').every((e) => 'host' in e)).toBe(true);

    const again = await push([debian, ubuntu], { cs });
    expect(again.code).toBe(0);
    expect(again.hosts.map((h) => h.status)).toEqual(['Unchanged', 'Unchanged']);
    expect(cs.registeredHosts()).toHaveLength(2);
    expect(again.events.some((e) => e.type === 'host-step' && e.step === 'copy')).toBe(false);
  }, 240_000);

  it('refuses bad arguments before any connection, exit 2', async () => {
    for (const [args, message] of [
      [['--host', '10.0.0.1', '--identity', '/nonexistent-key'], /--identity \/nonexistent-key cannot be read/],
      [['--identity', key], /no server given/],
      [['--host', 'bad host', '--identity', key], /neither an IP address nor a host name/],
      [['--host', '10.0.0.1', '--identity', key, '--cs-endpoint', '10.0.0.300'], /--cs-endpoint/],
    ] as const) {
      const run = startCli(CLI.pushInstall, [
        ...args,
        '--repository',
        repository,
        '--role',
        'MS',
        '--platform',
        'VmWare',
        '--json',
      ]);
      const done = await run.done;
      expect(done.code, done.stdout).toBe(2);
      expect(done.stdout).toMatch(message);
      expect(done.stdout).toContain('"code":"INVALID_ARGUMENT"');
    }
    // A secret typed where its file belongs is never echoed back.
    const typed = 'Tr0ub4dor&3-typed-in-place';
    for (const option of ['--passphrase-file', '--password-file', '--identity-passphrase-file']) {
      const run = await startCli(CLI.pushInstall, [
        ...['--host', '10.0.0.1', '--identity', key, '--cs-endpoint', '10.0.0.5', option, typed],
        ...['--repository', repository, '--role', 'MS', '--platform', 'VmWare', '--json'],
      ]).done;
      expect(run.code).toBe(2);
      expect(run.stdout).toMatch(new RegExp(`the file given to ${option} cannot be read \\(ENOENT\\)`));
      expect(run.stdout + run.stderr).not.toContain(typed);
    }
  });

  it('names the failure of each server by its code, and one failing server does not stop the others', async () => {
    const fleet = await boot([
      {},
      { osRelease: FEDORA },
      { users: [{ name: 'ops', password: PASSWORD }], passwordAuth: true },
      { users: [{ name: 'deploy', password: PASSWORD, sudo: 'nopasswd' }], passwordAuth: true },
    ]);
    const [good, fedora, ops, deploy] = fleet.machines.map((m) => m.address) as [string, string, string, string];
    const unreachable = fleet.unusedAddress();
    const passwordFile = scratch.path('password');
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    const wrongKey = path.join(scratch.path('other-key'), 'id');
    fs.mkdirSync(path.dirname(wrongKey));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);

    const keyRun = await push([good, fedora, unreachable], { extra: ['--host-timeout', '60'] });
    expect(keyRun.code).toBe(1);
    expect(keyRun.byHost(good).status).toBe('Succeeded');
    expect(keyRun.byHost(fedora).error?.code).toBe('UNSUPPORTED_OS');
    expect(keyRun.byHost(fedora).error?.message).toMatch(/Fedora Linux 40/);
    expect(keyRun.byHost(unreachable)).toMatchObject({ status: 'Failed', stoppedAt: 'connect' });
    expect(keyRun.byHost(unreachable).error?.code).toBe('PUSH_UNREACHABLE');
    expect(keyRun.byHost(unreachable).error?.remedy).toMatch(/95117/);

    const wrong = await push([good], { credentials: ['--identity', wrongKey] });
    expect(wrong.byHost(good).error?.code).toBe('PUSH_AUTH_FAILED');
    expect(wrong.byHost(good).error?.remedy).toMatch(/95108/);

    const badPassword = scratch.path('bad-password');
    fs.writeFileSync(badPassword, 'not-the-password\n');
    const wrongPassword = await push([`ops@${ops}`], { credentials: ['--password-file', badPassword] });
    expect(wrongPassword.byHost(`ops@${ops}`).error?.code).toBe('PUSH_AUTH_FAILED');

    const notRoot = await push([`ops@${ops}`], { credentials: ['--password-file', passwordFile] });
    expect(notRoot.byHost(`ops@${ops}`).error?.code).toBe('PUSH_NOT_ROOT');
    expect(await sh(fleet, 2, 'test -e /usr/local/ASR && echo yes || echo no')).toBe('no');

    const sudo = await push([`deploy@${deploy}`], { credentials: ['--password-file', passwordFile] });
    expect(sudo.byHost(`deploy@${deploy}`).status, sudo.stdout).toBe('Succeeded');
    expect(await sh(fleet, 3, 'systemctl is-active asr-mobility')).toBe('active');
  }, 240_000);

  it('refuses an unknown host key without --accept-new-host-keys, and a changed one always, before any credential', async () => {
    const fleet = await boot([{}]);
    const machine = fleet.machines[0];
    if (!machine) throw new Error('no machine');
    const knownHosts = scratch.path('strict_known_hosts');
    const strict = (file: string) =>
      startCli(CLI.pushInstall, [
        '--host',
        machine.address,
        '--identity',
        key,
        '--known-hosts',
        file,
        '--repository',
        repository,
        '--role',
        'MS',
        '--platform',
        'VmWare',
        '--log-dir',
        logDir(),
        '--json',
      ]).done.then((r) => parsePush(r.code, r.stdout, r.stderr));
    const unknown = await strict(knownHosts);
    expect(unknown.byHost(machine.address).error?.code).toBe('PUSH_HOST_KEY_UNKNOWN');
    expect(unknown.byHost(machine.address).error?.message).toContain(machine.hostKey.fingerprint);
    expect(await sh(fleet, 0, "journalctl -u ssh --no-pager | grep -c 'Accepted publickey' || true")).toBe('0');

    // A key recorded for this address that is not the server's: a changed key.
    const other = path.join(scratch.path('impostor'), 'key');
    fs.mkdirSync(path.dirname(other));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const [type, blob] = fs.readFileSync(`${other}.pub`, 'utf8').split(' ');
    fs.writeFileSync(knownHosts, `${machine.address} ${type} ${blob}\n`);
    const changed = await strict(knownHosts);
    expect(changed.byHost(machine.address).error?.code).toBe('PUSH_HOST_KEY_CHANGED');
    expect(changed.byHost(machine.address).error?.message).toContain(machine.hostKey.fingerprint);
    expect(await sh(fleet, 0, 'test -e /usr/local/ASR && echo yes || echo no')).toBe('no');
  }, 120_000);

  it('a server short of disk is refused by its own preflight; a wrong passphrase fails registration, and a re-run registers only', async () => {
    const fleet = await boot([{ tmpfs: [{ path: '/usr/local', sizeMb: 40 }] }, {}]);
    const [small, roomy] = fleet.machines.map((m) => m.address) as [string, string];
    const cs = await configServer(fleet);
    const run = await push([small, roomy], { cs, passphrase: 'not-the-passphrase' });
    expect(run.byHost(small).error?.code).toBe('INSUFFICIENT_DISK_SPACE');
    expect(run.byHost(small).stoppedAt).toBe('install');
    expect(await sh(fleet, 0, 'ls /usr/local')).toBe('');
    expect(run.byHost(roomy)).toMatchObject({ status: 'Failed', stoppedAt: 'register' });
    expect(run.byHost(roomy).error?.code).toBe('CS_AUTH_FAILED');
    expect(await sh(fleet, 1, 'systemctl is-active asr-mobility')).toBe('active');
    const pushLog = fs.readFileSync(path.join(logDir(), 'ASRPushInstall.log'), 'utf8');
    expect(pushLog).toMatch(/INSUFFICIENT_DISK_SPACE/);
    // The failed server's own setup log, fetched back, as the CS keeps push logs.
    expect(pushLog).toMatch(new RegExp(`\\[${small.replace(/\./g, '\\.')}\\] the end of its setup log:`));
    expect(pushLog).toMatch(/ERROR \s*Free disk space|INSUFFICIENT_DISK_SPACE: .* is needed at/);

    const rerun = await push([roomy], { cs });
    expect(rerun.byHost(roomy).status).toBe('Succeeded');
    const steps = rerun.events.filter((e) => e.type === 'host-step' && e.status !== 'started');
    expect(steps.map((e) => (e.type === 'host-step' ? `${e.step}:${e.status}` : ''))).toEqual([
      'connect:Succeeded',
      'detect:Succeeded',
      'copy:Skipped',
      'install:Skipped',
      'register:Succeeded',
    ]);
    expect(cs.registeredHosts()).toHaveLength(1);
  }, 240_000);

  it('a server that offers only legacy key exchange is a clear PUSH_UNREACHABLE, not a hang', async () => {
    const fleet = await boot([{}]);
    const machine = fleet.machines[0];
    if (!machine) throw new Error('no machine');
    await sh(
      fleet,
      0,
      "printf 'KexAlgorithms diffie-hellman-group1-sha1\\n' > /etc/ssh/sshd_config.d/00-legacy.conf && systemctl restart ssh",
    );
    await machine.waitForSsh(10_000);
    const started = Date.now();
    const run = await push([machine.address]);
    expect(run.byHost(machine.address).error?.code).toBe('PUSH_UNREACHABLE');
    expect(run.byHost(machine.address).error?.message).toMatch(/handshake failed.*offers only methods/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 120_000);

  it('on a real systemd: the service starts, an upgrade restarts it on the new version, and uninstall.sh leaves no unit', async () => {
    const fleet = await boot([{}]);
    const machine = fleet.machines[0];
    if (!machine) throw new Error('no machine');
    const first = await push([machine.address]);
    expect(first.byHost(machine.address)).toMatchObject({ status: 'Succeeded', agentVersion: '9.61.0.0' });
    const pid = async () => sh(fleet, 0, 'systemctl show -p MainPID --value asr-mobility');
    const before = await pid();
    expect(await sh(fleet, 0, 'systemctl is-active asr-mobility')).toBe('active');
    expect(Number(before)).toBeGreaterThan(0);

    // A newer release beside the first: the push upgrades, and the service restarts on it.
    const upgraded = scratch.path('releases-upgrade');
    fs.mkdirSync(upgraded);
    for (const file of fs.readdirSync(repository).filter((f) => f.includes('DEBIAN12-64')))
      fs.copyFileSync(path.join(repository, file), path.join(upgraded, file));
    const pack = await startCli(CLI.packAgent, [
      ...['--from', path.join(TOP, 'assets', 'sample-agent'), '--os', 'DEBIAN12-64', '--agent-version', '9.62.0.0'],
      ...['--out', upgraded, '--with-installer', '--level', '1'],
    ]).done;
    expect(pack.code).toBe(0);
    const run = startCli(
      CLI.pushInstall,
      pushArgs([machine.address], {}).map((arg) => (arg === repository ? upgraded : arg)),
      {
        timeoutMs: 240_000,
      },
    );
    const second = await run.done.then((r) => parsePush(r.code, r.stdout, r.stderr));
    expect(second.byHost(machine.address)).toMatchObject({ status: 'Succeeded', agentVersion: '9.62.0.0' });
    expect(await sh(fleet, 0, 'systemctl is-active asr-mobility')).toBe('active');
    const after = await pid();
    expect(after).not.toBe(before);
    expect(await sh(fleet, 0, `cat /proc/${after}/cmdline | tr '\\0' ' '`)).toMatch(/sleep infinity/);
    expect(await sh(fleet, 0, "grep -h '^VERSION=' /usr/local/.vx_version")).toBe('VERSION=9.62.0.0');

    const removed = await machine.exec(['/usr/local/ASR/uninstall.sh', '-Y', '--json']);
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    expect(await sh(fleet, 0, 'systemctl list-unit-files asr-mobility.service --no-legend | wc -l')).toBe('0');
    expect(await sh(fleet, 0, 'systemctl is-active asr-mobility || true')).toBe('inactive');
    expect(
      await sh(
        fleet,
        0,
        'test -e /usr/local/ASR -o -e /etc/systemd/system/asr-mobility.service && echo left || echo gone',
      ),
    ).toBe('gone');
  }, 240_000);

  it('a server whose install dies after its service step is not registered, though its configurator had logged in', async () => {
    const fleet = await boot([{}]);
    const machine = fleet.machines[0];
    if (!machine) throw new Error('no machine');
    // sshd's sessions read /etc/environment (pam_env): the pushed ./install pauses once its service is up.
    const failpoints = '/root/failpoints';
    await sh(
      fleet,
      0,
      `mkdir -m 700 ${failpoints} && printf 'ASRSETUP_TEST_FAILPOINT=after-service\\nASRSETUP_TEST_FAILPOINT_DIR=${failpoints}\\n' >> /etc/environment`,
    );
    const csLog: string[] = [];
    const passphraseFile = scratch.path('cs-passphrase');
    fs.writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    const cs = await startReferenceConfigServer({
      host: fleet.gateway,
      port: 0,
      passphraseFile,
      log: (line) => void csLog.push(line),
    });
    servers.push(cs);
    const run = startPush([machine.address], { cs });
    const until = async (what: string, test: () => Promise<boolean> | boolean): Promise<void> => {
      for (let i = 0; i < 600; i++) {
        if (await test()) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`timed out waiting for ${what}`);
    };
    await until('the paused install', async () =>
      (await sh(fleet, 0, `ls ${failpoints}`)).includes('after-service.reached'),
    );
    // Meanwhile the configurator has started and logged in, and waits for the go-ahead.
    await until('the login', () => csLog.some((line) => /login start: 200/.test(line)));
    const log = '/var/log/ASRSetupLogs/ASRUnifiedAgentConfigurator.log';
    expect(await sh(fleet, 0, `grep -c 'Check the configuration server details: started' ${log}`)).toBe('1');
    expect(cs.registeredHosts()).toHaveLength(0);
    // The install dies: the push tells the configurator no.
    await sh(fleet, 0, `kill -9 $(cat ${failpoints}/after-service.reached)`);
    const result = await run.done;
    expect(result.code).toBe(1);
    expect(result.byHost(machine.address)).toMatchObject({ status: 'Failed', stoppedAt: 'install' });
    expect(await sh(fleet, 0, `grep -q 'closed before the go-ahead' ${log} && echo cancelled`)).toBe('cancelled');
    expect(cs.registeredHosts()).toHaveLength(0);
    expect(csLog.filter((line) => /register/.test(line))).toEqual([]);
    expect(result.events.some((event) => event.type === 'host-step' && event.step === 'register')).toBe(false);
  }, 240_000);

  it('a server that asks for the password only through keyboard-interactive is answered', async () => {
    const fleet = await boot([
      { users: [{ name: 'deploy', password: PASSWORD, sudo: 'nopasswd' }], passwordAuth: true },
    ]);
    const machine = fleet.machines[0];
    if (!machine) throw new Error('no machine');
    await sh(
      fleet,
      0,
      "printf 'PasswordAuthentication no\\nKbdInteractiveAuthentication yes\\nUsePAM yes\\n' > /etc/ssh/sshd_config.d/00-kbd.conf && systemctl restart ssh",
    );
    await machine.waitForSsh(10_000);
    expect(await sh(fleet, 0, "sshd -T | grep -E '^(passwordauthentication|kbdinteractiveauthentication) '")).toBe(
      'passwordauthentication no\nkbdinteractiveauthentication yes',
    );
    const passwordFile = scratch.path('password');
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    const run = await push([`deploy@${machine.address}`], { credentials: ['--password-file', passwordFile] });
    expect(run.byHost(`deploy@${machine.address}`).status, run.stdout).toBe('Succeeded');
  }, 120_000);

  it('a connection cut mid-transfer leaves the server clean, and a re-run succeeds', async () => {
    const fleet = await boot([{}]);
    const machine = fleet.machines[0];
    if (!machine) throw new Error('no machine');
    const run = startPush([machine.address]);
    let cut = false;
    run.child.stdout?.on('data', (chunk: Buffer) => {
      if (!cut && chunk.toString('utf8').includes('"type":"host-progress"')) {
        cut = true;
        void machine.killSshSessions('root');
      }
    });
    const result = await run.done;
    expect(cut).toBe(true);
    expect(result.byHost(machine.address).status).toBe('Failed');
    // The remote shell's exit trap removed the private folder; nothing was installed.
    await expect.poll(() => sh(fleet, 0, 'ls -d /tmp/asr-push.* 2>/dev/null | wc -l'), { timeout: 20_000 }).toBe('0');
    expect(await sh(fleet, 0, 'test -e /usr/local/ASR && echo yes || echo no')).toBe('no');
    const again = await push([machine.address]);
    expect(again.byHost(machine.address).status).toBe('Succeeded');
  }, 240_000);

  it('Ctrl-C during the installs rolls them back on every server, and each says where it stopped', async () => {
    // A release whose install takes its time (a required component that sleeps), so the cancel surely comes
    // while both installs run.
    const slowAgent = scratch.path('slow-agent');
    fs.cpSync(path.join(TOP, 'assets', 'sample-agent'), slowAgent, { recursive: true });
    fs.writeFileSync(
      path.join(slowAgent, 'setup', 'components.json'),
      JSON.stringify([{ id: 'slow-step', title: 'A slow step', run: 'setup/slow.sh' }]),
    );
    fs.writeFileSync(path.join(slowAgent, 'setup', 'slow.sh'), '#!/bin/sh\nsleep 120\n', { mode: 0o755 });
    const slowReleases = scratch.path('slow-releases');
    const packed = await startCli(CLI.packAgent, [
      ...['--from', slowAgent, '--os', 'DEBIAN12-64', '--agent-version', '9.61.0.0'],
      ...['--out', slowReleases, '--with-installer', '--level', '1'],
    ]).done;
    expect(packed.code, packed.stderr).toBe(0);
    const fleet = await boot([{}, {}]);
    const addresses = fleet.machines.map((m) => m.address);
    const run = startCli(
      CLI.pushInstall,
      pushArgs(addresses, {}).map((arg) => (arg === repository ? slowReleases : arg)),
      {
        timeoutMs: 240_000,
      },
    );
    const slow = new Set<string>();
    let interrupted = false;
    let carry = '';
    run.child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (carry + chunk.toString('utf8')).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        if (line.includes('"type":"host-job-event"') && line.includes('"id":"component:slow-step"')) {
          slow.add((JSON.parse(line) as { host: string }).host);
          // One Ctrl-C (a second one would end the push at once, without waiting for the rollbacks).
          if (slow.size === addresses.length && !interrupted) {
            interrupted = true;
            run.child.kill('SIGINT');
          }
        }
      }
    });
    const result = await run.done.then((r) => parsePush(r.code, r.stdout, r.stderr));
    for (const address of addresses) {
      expect(result.byHost(address).status).toBe('Failed');
      expect(result.byHost(address).stoppedAt).toBe('install');
      expect(result.byHost(address).error?.code, JSON.stringify(result.byHost(address).error)).toBe('CANCELLED');
    }
    for (const index of [0, 1]) {
      await expect
        .poll(() => sh(fleet, index, 'test -e /usr/local/ASR && echo yes || echo no'), { timeout: 20_000 })
        .toBe('no');
      expect(await sh(fleet, index, 'ls -d /tmp/asr-push.* 2>/dev/null | wc -l')).toBe('0');
    }
  }, 240_000);

  it('the passphrase and the password appear in no output, log, event, file on the servers or process list', async () => {
    const fleet = await boot([
      { users: [{ name: 'deploy', password: PASSWORD, sudo: 'nopasswd' }], passwordAuth: true },
    ]);
    const machine = fleet.machines[0];
    if (!machine) throw new Error('no machine');
    const cs = await configServer(fleet);
    const passwordFile = scratch.path('password');
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    const seen: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.push((await machine.exec(['ps', '-eo', 'args'])).stdout);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const run = await push([`deploy@${machine.address}`], { cs, credentials: ['--password-file', passwordFile] });
    watching = false;
    await watcher;
    expect(run.byHost(`deploy@${machine.address}`).status, run.stdout).toBe('Succeeded');
    const everything = [
      run.stdout,
      run.stderr,
      fs.readFileSync(path.join(logDir(), 'ASRPushInstall.log'), 'utf8'),
      ...seen,
    ].join('\n');
    for (const secret of [PASSPHRASE, PASSWORD]) expect(everything).not.toContain(secret);
    const onServer = await machine.exec([
      'sh',
      '-c',
      `grep -rl -e ${PASSPHRASE} -e ${PASSWORD} /etc /var /tmp /usr/local /root /home /opt /run 2>/dev/null || true`,
    ]);
    expect(onServer.stdout.trim()).toBe('');
  }, 240_000);
});
