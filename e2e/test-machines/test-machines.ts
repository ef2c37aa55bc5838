import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import { connect } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { launcherArgv } from './boot-script';
import type { TmpfsMount } from './boot-script';
import {
  createMachineCgroups,
  discoverHierarchies,
  hasNamedSystemd,
  hasUnified,
  hierarchiesFor,
  mountsUnder,
  removeCgroups,
  removeCgroupsSync,
} from './host-cgroups';
import type { CgroupHierarchy, CgroupMode } from './host-cgroups';
import { prepareRoot } from './machine-root';
import type { HostKey, MachineUser } from './machine-root';
import { TOOL_ENV, mustRun, runCommand, runCommandSync } from './run-command';
import type { CommandResult } from './run-command';

// Push-installation tests need real Linux machines to SSH into: each one here is a network namespace on a bridge of
// its own fleet, running a real systemd as PID 1 of fresh PID, mount, UTS and cgroup namespaces, over an overlay of
// this host's root that keeps every write in memory. Everything a fleet creates carries the fleet's random id and is
// torn down by that id (also from a process 'exit' handler), so concurrent test files and other sessions are untouched.

export type { HostKey, MachineUser } from './machine-root';
export type { TmpfsMount } from './boot-script';
export type { CgroupMode } from './host-cgroups';

export interface MachineSpec {
  /** Content of the machine's /etc/os-release; default: this host's. */
  osRelease?: string;
  /** OpenSSH public key lines for /root/.ssh/authorized_keys. */
  authorizedKeys?: readonly string[];
  /** Extra users with a password (for password and keyboard-interactive tests), optionally with sudo. */
  users?: readonly MachineUser[];
  /** Lets sshd accept passwords and keyboard-interactive logins; default false (keys only). */
  passwordAuth?: boolean;
  /**
   * Size-limited tmpfs mounts inside the machine, e.g. `{ path: '/opt', sizeMb: 50 }` to simulate a full disk.
   * /usr/local is always a tmpfs; list it here to limit its size.
   */
  tmpfs?: readonly TmpfsMount[];
}

export interface FleetOptions {
  /** Default 'auto': hybrid when this host has a name=systemd hierarchy, otherwise unified. */
  cgroupMode?: CgroupMode | 'auto';
  /** Per machine, from launch to an SSH banner. Default 60 s. */
  bootTimeoutMs?: number;
  /** How long systemd may take to power off before it is killed. Default 15 s. */
  stopTimeoutMs?: number;
  /** Resolve startFleet only once every sshd answers. Default true. */
  waitForSsh?: boolean;
  /** Where the fleet's in-memory folder is mounted. Default os.tmpdir(). */
  tmpRoot?: string;
}

export interface ExecOptions {
  input?: string | Buffer;
  /** Default 30 s; on timeout the command is killed and the result has timedOut set. */
  timeoutMs?: number;
}

export type ExecResult = CommandResult;

export interface TestMachine {
  /** Also the machine's host name and network namespace name, e.g. 'tm-3fa9c1-0'. */
  readonly id: string;
  readonly index: number;
  readonly address: string;
  readonly netns: string;
  /** The host's PID of the machine's systemd (PID 1 inside). */
  readonly systemdPid: number;
  readonly hostKey: HostKey;
  /** Where systemd's console output goes, for diagnosing a machine that misbehaves. */
  readonly consoleLog: string;
  /** Runs argv inside the machine (all its namespaces, root and cwd of its PID 1) as root. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Polls TCP port 22 until sshd sends its banner; returns the banner line. */
  waitForSsh(timeoutMs?: number): Promise<string>;
  /** Kills the sshd processes serving `user`'s connections (drops them mid-session); true when there were any. */
  killSshSessions(user?: string): Promise<boolean>;
  /** Powers the machine off and removes everything it had on the host. Idempotent. */
  stop(): Promise<void>;
}

export interface Fleet {
  readonly id: string;
  readonly machines: TestMachine[];
  readonly bridge: string;
  /** e.g. '10.153.27.0/24' */
  readonly subnet: string;
  /** The host's address on the bridge. */
  readonly gateway: string;
  /** Milliseconds from startFleet's call until every machine was up (and answering SSH unless waitForSsh=false). */
  readonly bootMs: number;
  /** An address in the bridge's subnet that no machine has: a server that never answers. */
  unusedAddress(): string;
  /** Stops every machine and removes the bridge and the fleet's folders. Idempotent. */
  teardown(): Promise<void>;
}

const REQUIRED_FILES = [
  '/usr/sbin/sshd',
  '/lib/systemd/systemd',
  '/usr/bin/unshare',
  '/usr/bin/nsenter',
  '/usr/bin/ssh-keygen',
  '/usr/sbin/chroot',
];
const MAX_MACHINES = 200;
const FIRST_HOST = 10;
/** glibc's SIGRTMIN is 34; systemd powers off on SIGRTMIN+4. */
const SIGRTMIN_PLUS_4 = 38;

function which(tool: string): boolean {
  return (TOOL_ENV.PATH ?? '').split(':').some((dir) => fs.existsSync(path.join(dir, tool)));
}

/** Why test machines cannot run here, or undefined when they can (for describe.skipIf). */
export function testMachinesUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'test machines need Linux';
  if (process.getuid?.() !== 0) return 'test machines need root';
  for (const tool of ['ip', 'unshare', 'nsenter', 'ssh-keygen', 'chroot', 'mount']) {
    if (!which(tool)) return `${tool} is missing`;
  }
  for (const file of REQUIRED_FILES) if (!fs.existsSync(file)) return `${file} is missing`;
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

function tryKill(pid: number, signal: NodeJS.Signals | number): void {
  if (pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/** Connects to address:port and reads the server's first line; rejects unless it is an SSH banner. */
export function readSshBanner(address: string, port = 22, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    let received = '';
    const finish = (error: Error | undefined, banner?: string): void => {
      socket.destroy();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(banner ?? '');
    };
    const timer = setTimeout(
      () => finish(new Error(`no SSH banner from ${address}:${port} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end < 0) return;
      const line = received.slice(0, end).replace(/\r$/, '');
      finish(line.startsWith('SSH-') ? undefined : new Error(`not an SSH banner: ${line}`), line);
    });
    socket.on('error', (error) => finish(error));
    socket.on('end', () => finish(new Error(`${address}:${port} closed before its banner`)));
  });
}

/** Runs a delete command; fails only if what it deletes (`marker`) is still there afterwards. */
async function deleteUnlessGone(argv: readonly string[], marker: string): Promise<void> {
  if (!fs.existsSync(marker)) return;
  const result = await runCommand(argv);
  if (result.code !== 0 && fs.existsSync(marker)) {
    throw new Error(`${argv.join(' ')} exited ${result.code ?? result.signal}: ${result.stderr.trim()}`);
  }
}

// ---- subnet choice ----------------------------------------------------------------------------------------------

function toInt(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

async function usedNetworks(): Promise<Array<{ base: number; size: number }>> {
  const text = (await mustRun(['ip', '-4', '-o', 'addr', 'show'])) + (await mustRun(['ip', '-4', 'route', 'show']));
  const networks: Array<{ base: number; size: number }> = [];
  for (const match of text.matchAll(/\b(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?\b/g)) {
    const bits = match[2] === undefined ? 32 : Number(match[2]);
    const size = 2 ** (32 - bits);
    networks.push({ base: Math.floor(toInt(match[1] ?? '0.0.0.0') / size) * size, size });
  }
  return networks;
}

async function pickSubnetPrefix(): Promise<string> {
  const used = await usedNetworks();
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const prefix = `10.${randomInt(64, 255)}.${randomInt(0, 256)}`;
    const base = toInt(`${prefix}.0`);
    const overlaps = used.some((net) => base < net.base + net.size && net.base < base + 256);
    if (!overlaps) return prefix;
  }
  throw new Error('no free 10.x.y.0/24 subnet found');
}

// ---- machines ---------------------------------------------------------------------------------------------------

interface MachineContext {
  fleetId: string;
  fleetDir: string;
  bridge: string;
  gateway: string;
  hierarchies: readonly CgroupHierarchy[];
  cgroupMode: CgroupMode;
  bootTimeoutMs: number;
  stopTimeoutMs: number;
}

class Machine implements TestMachine {
  readonly id: string;
  readonly netns: string;
  readonly address: string;
  readonly consoleLog: string;
  systemdPid = 0;
  hostKey: HostKey = { type: '', publicKey: '', fingerprint: '' };
  private readonly dir: string;
  private readonly hostVeth: string;
  private cgroups: string[] = [];
  private launcher: ChildProcess | undefined;
  private launcherExit: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(
    readonly index: number,
    private readonly spec: MachineSpec,
    private readonly context: MachineContext,
  ) {
    this.id = `tm-${context.fleetId}-${index}`;
    this.netns = this.id;
    this.hostVeth = `tmv-${context.fleetId}-${index}`;
    this.address = `${context.gateway.split('.').slice(0, 3).join('.')}.${FIRST_HOST + index}`;
    this.dir = path.join(context.fleetDir, this.id);
    this.consoleLog = path.join(this.dir, 'console.log');
  }

  async boot(waitForSsh: boolean): Promise<void> {
    const deadline = Date.now() + this.context.bootTimeoutMs;
    await this.prepareRoot();
    await this.createNetwork();
    this.cgroups = createMachineCgroups(this.id, hierarchiesFor(this.context.cgroupMode, this.context.hierarchies));
    this.launch();
    await this.waitForSystemd(deadline);
    if (waitForSsh) await this.waitForSsh(Math.max(1_000, deadline - Date.now()));
  }

  private async prepareRoot(): Promise<void> {
    for (const sub of ['upper', 'work', 'merged']) fs.mkdirSync(path.join(this.dir, sub), { recursive: true });
    fs.writeFileSync(this.consoleLog, '');
    const merged = path.join(this.dir, 'merged');
    // Prepared through a short-lived mount on the host; the machine mounts the same layers again in its own namespace.
    await mustRun([
      'mount',
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=/,upperdir=${this.dir}/upper,workdir=${this.dir}/work`,
      merged,
    ]);
    try {
      this.hostKey = await prepareRoot(merged, {
        hostname: this.id,
        address: this.address,
        osRelease: this.spec.osRelease ?? fs.readFileSync('/etc/os-release', 'utf8'),
        authorizedKeys: this.spec.authorizedKeys ?? [],
        users: this.spec.users ?? [],
        passwordAuth: this.spec.passwordAuth ?? false,
      });
    } finally {
      await mustRun(['umount', merged]);
    }
  }

  private async createNetwork(): Promise<void> {
    const inNs = (...args: string[]): Promise<string> => mustRun(['ip', '-n', this.netns, ...args]);
    await mustRun(['ip', 'netns', 'add', this.netns]);
    await mustRun(['ip', 'link', 'add', this.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.netns]);
    await mustRun(['ip', 'link', 'set', this.hostVeth, 'master', this.context.bridge, 'up']);
    await inNs('link', 'set', 'lo', 'up');
    await inNs('addr', 'add', `${this.address}/24`, 'dev', 'eth0');
    await inNs('link', 'set', 'eth0', 'up');
    await inNs('route', 'add', 'default', 'via', this.context.gateway);
    // A FAILED neighbour entry left from an earlier holder of this address would make SYNs hang for a minute.
    await runCommand(['ip', 'neigh', 'flush', 'to', this.address, 'dev', this.context.bridge]);
  }

  private launch(): void {
    const argv = launcherArgv({
      netns: this.netns,
      hostname: this.id,
      machineDir: this.dir,
      cgroupProcs: this.cgroups.map((dir) => path.join(dir, 'cgroup.procs')),
      cgroupMode: this.context.cgroupMode,
      tmpfs: [
        ...(this.spec.tmpfs?.some((mount) => mount.path === '/usr/local')
          ? []
          : [{ path: '/usr/local', sizeMb: 1024 }]),
        ...(this.spec.tmpfs ?? []),
      ],
    });
    const log = fs.openSync(this.consoleLog, 'a');
    try {
      const [file, ...args] = argv;
      this.launcher = spawn(file ?? '/bin/sh', args, { env: TOOL_ENV, stdio: ['ignore', log, log], detached: true });
    } finally {
      fs.closeSync(log);
    }
    const launcher = this.launcher;
    // Not keeping the test process alive: a fleet left running is torn down by the 'exit' handler.
    launcher.unref();
    this.launcherExit = new Promise((resolve) => {
      launcher.once('exit', () => resolve());
      launcher.once('error', () => resolve());
    });
  }

  private consoleTail(): string {
    try {
      return fs.readFileSync(this.consoleLog, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  }

  private async waitForSystemd(deadline: number): Promise<void> {
    const pid = this.launcher?.pid;
    while (pid !== undefined && Date.now() < deadline && isAlive(this.launcher)) {
      // The launcher ends as `unshare --fork`, whose only child becomes the machine's systemd.
      let children: string[] = [];
      try {
        children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      } catch {
        // not there yet
      }
      for (const child of children) {
        try {
          if (fs.readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'systemd') {
            this.systemdPid = Number(child);
            return;
          }
        } catch {
          // exec in progress
        }
      }
      await sleep(20);
    }
    const why = isAlive(this.launcher) ? 'did not start systemd in time' : 'exited during boot';
    throw new Error(`test machine ${this.id} ${why}:\n${this.consoleTail()}`);
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.systemdPid <= 0 || !isAlive(this.launcher)) {
      return Promise.reject(new Error(`test machine ${this.id} is not running`));
    }
    const enter = ['nsenter', '-t', String(this.systemdPid), '-m', '-p', '-u', '-n', '-r', '-w', '-C', '--'];
    return runCommand([...enter, ...argv], {
      ...options,
      env: { ...TOOL_ENV, HOME: '/root', USER: 'root', LOGNAME: 'root' },
    });
  }

  async waitForSsh(timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (this.stopping || (this.launcher && !isAlive(this.launcher))) break;
      try {
        return await readSshBanner(this.address, 22, Math.min(1_000, Math.max(100, deadline - Date.now())));
      } catch (error) {
        lastError = error;
        await sleep(100);
      }
    }
    const why = lastError instanceof Error ? lastError.message : 'machine stopped';
    throw new Error(`sshd on ${this.id} (${this.address}) did not answer within ${timeoutMs} ms: ${why}`);
  }

  async killSshSessions(user = 'root'): Promise<boolean> {
    const result = await this.exec(['pkill', '-KILL', '-f', `^sshd: ${user}[@ ]`]);
    return result.code === 0;
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const errors: unknown[] = [];
    const step = async (action: () => Promise<unknown>): Promise<void> => {
      try {
        await action();
      } catch (error) {
        errors.push(error);
      }
    };
    if (isAlive(this.launcher)) {
      if (this.systemdPid > 0) tryKill(this.systemdPid, SIGRTMIN_PLUS_4);
      else tryKill(this.launcher.pid ?? 0, 'SIGKILL');
      const exited = await Promise.race([
        this.launcherExit.then(() => true),
        sleep(this.context.stopTimeoutMs).then(() => false),
      ]);
      if (!exited) {
        tryKill(this.systemdPid, 'SIGKILL');
        tryKill(this.launcher.pid ?? 0, 'SIGKILL');
        await Promise.race([this.launcherExit, sleep(5_000)]);
      }
    }
    // The machine's own mounts vanish with its mount namespace; these are the host's, should preparation have failed.
    for (const mountPoint of mountsUnder(this.dir)) await step(() => mustRun(['umount', '-l', mountPoint]));
    // Deleting the namespace takes the veth pair with it, asynchronously: both may vanish between check and delete.
    await step(() => deleteUnlessGone(['ip', 'netns', 'del', this.netns], `/run/netns/${this.netns}`));
    await step(() => deleteUnlessGone(['ip', 'link', 'del', this.hostVeth], `/sys/class/net/${this.hostVeth}`));
    await step(() => removeCgroups(this.cgroups));
    await step(async () => fs.rmSync(this.dir, { recursive: true, force: true }));
    if (errors.length > 0) throw new AggregateError(errors, `teardown of test machine ${this.id} was incomplete`);
  }

  /** Last resort from the process 'exit' handler: synchronous, kills instead of powering off. */
  stopSync(): void {
    if (isAlive(this.launcher)) {
      tryKill(this.systemdPid, 'SIGKILL');
      tryKill(this.launcher.pid ?? 0, 'SIGKILL');
      const deadline = Date.now() + 2_000;
      const pause = new Int32Array(new SharedArrayBuffer(4));
      while (this.systemdPid > 0 && fs.existsSync(`/proc/${this.systemdPid}`) && Date.now() < deadline) {
        Atomics.wait(pause, 0, 0, 20);
      }
    }
    for (const mountPoint of mountsUnder(this.dir)) runCommandSync(['umount', '-l', mountPoint]);
    runCommandSync(['ip', 'netns', 'del', this.netns]);
    runCommandSync(['ip', 'link', 'del', this.hostVeth]);
    removeCgroupsSync(this.cgroups);
  }
}

// ---- fleets -----------------------------------------------------------------------------------------------------

const liveFleets = new Set<FleetImpl>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onExit(): void {
  for (const fleet of [...liveFleets]) fleet.teardownSync();
}

function onSignal(signal: NodeJS.Signals): void {
  onExit();
  // Ours was the only handler: let the signal do what it would have done without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function track(fleet: FleetImpl): void {
  if (liveFleets.size === 0) {
    process.on('exit', onExit);
    for (const signal of SIGNALS) process.once(signal, onSignal);
  }
  liveFleets.add(fleet);
}

function untrack(fleet: FleetImpl): void {
  liveFleets.delete(fleet);
  if (liveFleets.size === 0) {
    process.off('exit', onExit);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}

class FleetImpl implements Fleet {
  readonly machines: Machine[] = [];
  readonly bridge: string;
  subnet = '';
  gateway = '';
  bootMs = 0;
  private prefix = '';
  private bridgeCreated = false;
  private tearingDown: Promise<void> | undefined;

  constructor(
    readonly id: string,
    private readonly dir: string,
  ) {
    this.bridge = `tmb-${id}`;
  }

  async createBridge(): Promise<void> {
    this.prefix = await pickSubnetPrefix();
    this.subnet = `${this.prefix}.0/24`;
    this.gateway = `${this.prefix}.1`;
    await mustRun(['ip', 'link', 'add', this.bridge, 'type', 'bridge']);
    this.bridgeCreated = true;
    await mustRun(['ip', 'addr', 'add', `${this.gateway}/24`, 'dev', this.bridge]);
    await mustRun(['ip', 'link', 'set', this.bridge, 'up']);
  }

  unusedAddress(): string {
    return `${this.prefix}.254`;
  }

  teardown(): Promise<void> {
    this.tearingDown ??= this.doTeardown();
    return this.tearingDown;
  }

  private async doTeardown(): Promise<void> {
    const results = await Promise.allSettled(this.machines.map((machine) => machine.stop()));
    const errors: unknown[] = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    try {
      if (this.bridgeCreated)
        await deleteUnlessGone(['ip', 'link', 'del', this.bridge], `/sys/class/net/${this.bridge}`);
      for (const mountPoint of mountsUnder(this.dir)) {
        const plain = await runCommand(['umount', mountPoint]);
        if (plain.code !== 0) await mustRun(['umount', '-l', mountPoint]);
      }
      fs.rmSync(this.dir, { recursive: true, force: true });
    } catch (error) {
      errors.push(error);
    }
    untrack(this);
    if (errors.length > 0) throw new AggregateError(errors, `teardown of test fleet ${this.id} was incomplete`);
  }

  teardownSync(): void {
    for (const machine of this.machines) machine.stopSync();
    runCommandSync(['ip', 'link', 'del', this.bridge]);
    for (const mountPoint of mountsUnder(this.dir)) runCommandSync(['umount', '-l', mountPoint]);
    fs.rmSync(this.dir, { recursive: true, force: true });
    untrack(this);
  }
}

async function cgroupSetup(
  requested: CgroupMode | 'auto',
  fleetDir: string,
): Promise<{ mode: CgroupMode; hierarchies: CgroupHierarchy[] }> {
  let hierarchies = discoverHierarchies();
  const mode: CgroupMode = requested !== 'auto' ? requested : hasNamedSystemd(hierarchies) ? 'hybrid' : 'unified';
  if (mode === 'hybrid' && !hasNamedSystemd(hierarchies)) {
    const dir = path.join(fleetDir, 'cgroup-systemd');
    fs.mkdirSync(dir);
    await mustRun(['mount', '-t', 'cgroup', '-o', 'none,name=systemd', 'cgroup', dir]);
  }
  if (!hasUnified(hierarchies)) {
    const dir = path.join(fleetDir, 'cgroup2');
    fs.mkdirSync(dir);
    await mustRun(['mount', '-t', 'cgroup2', 'cgroup2', dir]);
  }
  hierarchies = discoverHierarchies();
  return { mode, hierarchies };
}

/** Boots one test machine per spec, in parallel, on a new bridge; on any failure everything started is torn down. */
export async function startFleet(specs: readonly MachineSpec[], options: FleetOptions = {}): Promise<Fleet> {
  const unavailable = testMachinesUnavailable();
  if (unavailable) throw new Error(`cannot start test machines: ${unavailable}`);
  if (specs.length === 0 || specs.length > MAX_MACHINES) throw new Error(`a fleet has 1 to ${MAX_MACHINES} machines`);
  const started = Date.now();
  const id = randomBytes(3).toString('hex');
  const dir = fs.mkdtempSync(path.join(options.tmpRoot ?? os.tmpdir(), `test-machines-${id}-`));
  const fleet = new FleetImpl(id, dir);
  track(fleet);
  try {
    // In memory, and a file system apart from /, which an overlay with lowerdir=/ needs for its upper layer.
    await mustRun(['mount', '-t', 'tmpfs', '-o', 'mode=700', 'tmpfs', dir]);
    const cgroups = await cgroupSetup(options.cgroupMode ?? 'auto', dir);
    await fleet.createBridge();
    const context: MachineContext = {
      fleetId: id,
      fleetDir: dir,
      bridge: fleet.bridge,
      gateway: fleet.gateway,
      hierarchies: cgroups.hierarchies,
      cgroupMode: cgroups.mode,
      bootTimeoutMs: options.bootTimeoutMs ?? 60_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
    };
    specs.forEach((spec, index) => fleet.machines.push(new Machine(index, spec, context)));
    const results = await Promise.allSettled(fleet.machines.map((m) => m.boot(options.waitForSsh ?? true)));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (failures.length > 0) throw failures.length === 1 ? failures[0] : new AggregateError(failures, 'boot failed');
    fleet.bootMs = Date.now() - started;
    return fleet;
  } catch (error) {
    await fleet.teardown().catch(() => undefined);
    throw error;
  }
}
