import * as fs from 'node:fs';
import * as path from 'node:path';
import { mountsUnder, removeCgroups } from './host-cgroups';
import { runCommand } from './run-command';

// A process killed with SIGKILL runs no 'exit' handler, so the fleets it had up stay on this host. Each fleet writes
// down, before it creates anything, which host resources it will create and which process owns it; the next fleet
// to start tears down the fleets whose owner is gone, by the names written down (never by a name pattern), so a
// live process's fleets are never touched.

export const LEDGER_DIR = '/run/asr-test-machines';

export interface FleetRecord {
  readonly ownerPid: number;
  /** The owner's start time (field 22 of /proc/PID/stat): a reused pid is another process. */
  readonly ownerStart: string;
  readonly dir: string;
  readonly bridge: string;
  readonly machines: readonly { readonly netns: string; readonly hostVeth: string; readonly cgroups: string[] }[];
}

/** A process's start time in clock ticks since boot, or undefined when there is no such process. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** This process as a fleet's owner. */
export function thisOwner(): Pick<FleetRecord, 'ownerPid' | 'ownerStart'> {
  return { ownerPid: process.pid, ownerStart: processStart(process.pid) ?? '' };
}

function ledgerFile(fleetId: string): string {
  return path.join(LEDGER_DIR, `${fleetId}.json`);
}

/** Writes (or rewrites, as the fleet grows) a fleet's record; whole or not at all. */
export function recordFleet(fleetId: string, record: FleetRecord): void {
  fs.mkdirSync(LEDGER_DIR, { recursive: true, mode: 0o700 });
  const partial = `${ledgerFile(fleetId)}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify(record), { mode: 0o600 });
  fs.renameSync(partial, ledgerFile(fleetId));
}

/** The fleet is gone: nothing left to reap. */
export function forgetFleet(fleetId: string): void {
  fs.rmSync(ledgerFile(fleetId), { force: true });
}

function ownerAlive(record: FleetRecord): boolean {
  return processStart(record.ownerPid) === record.ownerStart;
}

async function deleteIfThere(argv: readonly string[], marker: string): Promise<void> {
  if (fs.existsSync(marker)) await runCommand(argv);
}

async function tearDown(record: FleetRecord): Promise<void> {
  // Removing a machine's cgroups kills what runs in them, its init first among them, and so its namespaces.
  await removeCgroups(record.machines.flatMap((machine) => machine.cgroups)).catch(() => undefined);
  for (const mountPoint of mountsUnder(record.dir)) await runCommand(['umount', '-l', mountPoint]);
  for (const machine of record.machines) {
    await deleteIfThere(['ip', 'netns', 'del', machine.netns], `/run/netns/${machine.netns}`);
    await deleteIfThere(['ip', 'link', 'del', machine.hostVeth], `/sys/class/net/${machine.hostVeth}`);
  }
  await deleteIfThere(['ip', 'link', 'del', record.bridge], `/sys/class/net/${record.bridge}`);
  fs.rmSync(record.dir, { recursive: true, force: true });
}

/** Tears down every recorded fleet whose owner has exited; returns their ids. */
export async function reapOrphanedFleets(): Promise<string[]> {
  let names: string[];
  try {
    names = fs.readdirSync(LEDGER_DIR).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  const reaped: string[] = [];
  for (const name of names) {
    const file = path.join(LEDGER_DIR, name);
    let record: FleetRecord;
    try {
      record = JSON.parse(fs.readFileSync(file, 'utf8')) as FleetRecord;
    } catch {
      continue;
    }
    if (ownerAlive(record)) continue;
    // Two processes starting fleets at once may both find the orphan: the one whose rename succeeds reaps it.
    const claimed = `${file}.reaping-${process.pid}`;
    try {
      fs.renameSync(file, claimed);
    } catch {
      continue;
    }
    await tearDown(record);
    fs.rmSync(claimed, { force: true });
    reaped.push(name.slice(0, -'.json'.length));
  }
  return reaped;
}
