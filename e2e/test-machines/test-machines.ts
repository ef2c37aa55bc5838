import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverHierarchies, hasNamedSystemd, hasUnified, mountsUnder } from './host-cgroups';
import type { CgroupHierarchy, CgroupMode } from './host-cgroups';
import { TOOL_ENV, deleteUnlessGone, mustRun, runCommand, runCommandSync } from './run-command';
import { Machine, type MachineContext } from './machine';
import { unpackSysvLayer } from './sysv-layer';
import { forgetResources, reapOrphans, recordResources, thisOwner } from './host-resource-ledger';

// Push-installation tests need real Linux machines to SSH into: each one here is a network namespace on a bridge of
// its own fleet, running a real systemd (or SysV init) as PID 1 of fresh PID, mount, UTS and cgroup namespaces, over
// an overlay of this host's root that keeps every write in memory; or, for the oldest systems, a root of the test's
// own with busybox as its only tools. Everything a fleet creates carries the fleet's random id and is torn down by
// that id (also from a process 'exit' handler, and after a SIGKILL by the next fleet: host-resource-ledger.ts), so
// concurrent test files and other sessions are untouched.

export type { HostKey, MachineUser } from './machine-root';
export type { TmpfsMount } from './boot-script';
export type { CgroupMode } from './host-cgroups';
export type { ExecOptions, ExecResult, Fleet, FleetOptions, MachineSpec, TestMachine } from './machine-types';
import type { Fleet, FleetOptions, MachineSpec, TestMachine } from './machine-types';

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
    // What could not be removed stays in the ledger, for a later run to finish once this process is gone.
    if (errors.length === 0) forgetResources(this.ledgerId);
    untrack(this);
    if (errors.length > 0) throw new AggregateError(errors, `teardown of test fleet ${this.id} was incomplete`);
  }

  teardownSync(): void {
    for (const machine of this.machines) machine.stopSync();
    runCommandSync(['ip', 'link', 'del', this.bridge]);
    for (const mountPoint of mountsUnder(this.dir)) runCommandSync(['umount', '-l', mountPoint]);
    fs.rmSync(this.dir, { recursive: true, force: true });
    forgetResources(this.ledgerId);
    untrack(this);
  }

  /** The fleet's entry in the ledger of host resources (host-resource-ledger.ts). */
  get ledgerId(): string {
    return `fleet-${this.id}`;
  }

  /** Writes down what the fleet has created or is about to (host-resource-ledger.ts). */
  record(): void {
    const machines = this.machines.map((machine) => machine.hostResources());
    recordResources(this.ledgerId, {
      ...thisOwner(),
      cgroups: machines.flatMap((machine) => machine.cgroups),
      netns: machines.map((machine) => machine.netns),
      links: [...machines.map((machine) => machine.hostVeth), this.bridge],
      dirs: [this.dir],
    });
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
  // Machines left by a test process that was killed outright (SIGKILL runs no exit handler).
  await reapOrphans().catch(() => undefined);
  const id = randomBytes(3).toString('hex');
  const dir = fs.mkdtempSync(path.join(options.tmpRoot ?? os.tmpdir(), `test-machines-${id}-`));
  const fleet = new FleetImpl(id, dir);
  track(fleet);
  try {
    fleet.record();
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
    fleet.record();
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
