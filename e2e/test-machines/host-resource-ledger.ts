import * as fs from 'node:fs';
import * as path from 'node:path';
import { processRuns, processStart } from '../../electron/engine/system/process-identity';
import { mountsUnder, removeCgroups } from './host-cgroups';
import { deleteUnlessGone, runCommand } from './run-command';

// A process killed with SIGKILL runs no 'exit' handler, so the test machines it had up (fleets, Wine machines) stay
// on this host. Each writes down, before it creates anything, which host resources it will create and which process
// owns them; the next one to start tears down the entries whose owner is gone, by the names written down (never by
// a name pattern), so a live process's machines are never touched.

export const LEDGER_DIR = '/run/asr-test-machines';

export interface LedgerEntry {
  readonly ownerPid: number;
  /** The owner's start time (field 22 of /proc/PID/stat): a reused pid is another process. */
  readonly ownerStart: string;
  /** Run first, to stop what runs outside any cgroup of ours (a wineserver). */
  readonly stopCommands?: readonly { readonly argv: readonly string[]; readonly env?: Record<string, string> }[];
  /** Killed and removed: a machine's processes, its init first among them, and so its namespaces. */
  readonly cgroups?: readonly string[];
  readonly netns?: readonly string[];
  /** Network links on this host: veths, bridges. */
  readonly links?: readonly string[];
  /** Whatever is mounted below them unmounted, then removed. */
  readonly dirs: readonly string[];
}

/** This process as an owner. */
export function thisOwner(): Pick<LedgerEntry, 'ownerPid' | 'ownerStart'> {
  return { ownerPid: process.pid, ownerStart: processStart(process.pid) ?? '' };
}

function ledgerFile(id: string): string {
  return path.join(LEDGER_DIR, `${id}.json`);
}

/** Writes (or rewrites, as a fleet grows) what `id` has created or is about to; whole or not at all. */
export function recordResources(id: string, entry: LedgerEntry): void {
  fs.mkdirSync(LEDGER_DIR, { recursive: true, mode: 0o700 });
  const partial = `${ledgerFile(id)}.${process.pid}.tmp`;
  fs.writeFileSync(partial, JSON.stringify(entry), { mode: 0o600 });
  fs.renameSync(partial, ledgerFile(id));
}

/** `id` tore down what it had: nothing left to reap. */
export function forgetResources(id: string): void {
  fs.rmSync(ledgerFile(id), { force: true });
}

async function tearDown(entry: LedgerEntry): Promise<void> {
  for (const { argv, env } of entry.stopCommands ?? [])
    await runCommand(argv, { timeoutMs: 15_000, ...(env ? { env } : {}) }).catch(() => undefined);
  await removeCgroups(entry.cgroups ?? []).catch(() => undefined);
  for (const dir of entry.dirs)
    for (const mountPoint of mountsUnder(dir)) await runCommand(['umount', '-l', mountPoint]);
  for (const netns of entry.netns ?? [])
    await deleteUnlessGone(['ip', 'netns', 'del', netns], `/run/netns/${netns}`).catch(() => undefined);
  for (const link of entry.links ?? [])
    await deleteUnlessGone(['ip', 'link', 'del', link], `/sys/class/net/${link}`).catch(() => undefined);
  for (const dir of entry.dirs) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The name an entry takes while `reaper` tears it down. It names the reaper's start time too: a reaper killed
 * mid-way leaves its claim, and the next run takes the claim over once that very process is gone.
 */
export function claimedFile(id: string, reaper: Pick<LedgerEntry, 'ownerPid' | 'ownerStart'>): string {
  return `${ledgerFile(id)}.reaping-${reaper.ownerPid}-${reaper.ownerStart}`;
}

const CLAIM = /^(.+)\.json\.reaping-(\d+)-(\d*)$/;

/** The id of an entry that may be reaped now: its owner (or the reaper that claimed it) is gone. */
function orphanId(name: string): string | undefined {
  if (name.endsWith('.json')) {
    try {
      const record = JSON.parse(fs.readFileSync(path.join(LEDGER_DIR, name), 'utf8')) as LedgerEntry;
      return processRuns(record.ownerPid, record.ownerStart) ? undefined : name.slice(0, -'.json'.length);
    } catch {
      return undefined;
    }
  }
  const claim = CLAIM.exec(name);
  if (!claim) return undefined;
  return processRuns(Number(claim[2]), claim[3] as string) ? undefined : claim[1];
}

/** Tears down every entry whose owner has exited, or whose reaper died mid-way; returns their ids. */
export async function reapOrphans(): Promise<string[]> {
  let names: string[];
  try {
    names = fs.readdirSync(LEDGER_DIR);
  } catch {
    return [];
  }
  const me = thisOwner();
  const reaped: string[] = [];
  for (const name of names) {
    const id = orphanId(name);
    if (id === undefined) continue;
    // Two processes starting machines at once may both find the orphan: the one whose rename succeeds reaps it.
    const claimed = claimedFile(id, me);
    let record: LedgerEntry;
    try {
      fs.renameSync(path.join(LEDGER_DIR, name), claimed);
      record = JSON.parse(fs.readFileSync(claimed, 'utf8')) as LedgerEntry;
    } catch {
      continue;
    }
    // Each step finds what a reaper killed mid-way already removed gone, and goes on.
    await tearDown(record);
    fs.rmSync(claimed, { force: true });
    reaped.push(id);
  }
  return reaped;
}
