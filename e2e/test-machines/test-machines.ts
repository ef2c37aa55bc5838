import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TmpfsMount } from './boot-script';
import { discoverHierarchies, hasNamedSystemd, hasUnified, mountsUnder } from './host-cgroups';
import type { CgroupHierarchy, CgroupMode } from './host-cgroups';
import type { HostKey, MachineUser } from './machine-root';
import { TOOL_ENV, mustRun, runCommand, runCommandSync } from './run-command';
import type { CommandResult } from './run-command';
import { deleteUnlessGone, Machine, type MachineContext } from './machine';
import { unpackSysvLayer } from './sysv-layer';

// Push-installation tests need real Linux machines to SSH into: each one here is a network namespace on a bridge of
// its own fleet, running a real systemd (or SysV init) as PID 1 of fresh PID, mount, UTS and cgroup namespaces, over
// an overlay of this host's root that keeps every write in memory; or, for the oldest systems, a root of the test's
// own with busybox as its only tools. Everything a fleet creates carries the fleet's random id and is
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
  /**
   * What boots as PID 1. 'systemd' (the default) and 'sysv' (Debian's sysvinit-core with sysv-rc, insserv and
   * startpar, from Debian's packages, over this host's root) run sshd; a busybox root is a folder the test made
   * (busybox-static as its only tools, no C library), booted by busybox init, with no sshd.
   */
  init?: 'systemd' | 'sysv' | { readonly busyboxRoot: string };
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
  /** The host's PID of the machine's init (PID 1 inside): systemd, SysV init or busybox init. */
  readonly initPid: number;
  readonly hostKey: HostKey;
  /** Where systemd's console output goes, for diagnosing a machine that misbehaves. */
  readonly consoleLog: string;
  /** Runs argv inside the machine (all its namespaces, root and cwd of its PID 1) as root. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a shell command inside (as exec does, default timeout 60 s) and returns its stdout, trimmed; with check, a non-zero exit throws. */
  sh(command: string, options?: ExecOptions & { readonly check?: boolean }): Promise<string>;
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
    const sysvLayer = specs.some((spec) => spec.init === 'sysv')
      ? await unpackSysvLayer(path.join(dir, 'sysv-layer'))
      : undefined;
    const context: MachineContext = {
      fleetId: id,
      fleetDir: dir,
      bridge: fleet.bridge,
      gateway: fleet.gateway,
      hierarchies: cgroups.hierarchies,
      cgroupMode: cgroups.mode,
      bootTimeoutMs: options.bootTimeoutMs ?? 60_000,
      stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
      sysvLayer,
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

/** A fleet of one: the machine and the fleet to tear down. */
export async function startMachine(
  spec: MachineSpec = {},
  options: FleetOptions = {},
): Promise<{ readonly fleet: Fleet; readonly machine: TestMachine }> {
  const fleet = await startFleet([spec], options);
  const machine = fleet.machines[0];
  if (!machine) throw new Error('a fleet of one booted no machine');
  return { fleet, machine };
}
