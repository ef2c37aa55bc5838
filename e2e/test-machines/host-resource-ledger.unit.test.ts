import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { wineUnavailable } from '../wine/wine-machine';
import { procStatFields, processStart } from '../../electron/engine/system/process-identity';
import { LEDGER_DIR, claimedFile, forgetResources, reapOrphans, recordResources } from './host-resource-ledger';
import { mountsUnder } from './host-cgroups';
import { testMachinesUnavailable } from './test-machines';

// A test process killed with SIGKILL runs no exit handler: the next machine to start must find what it left and tear
// it down, and must never touch what a live process owns.

// Owners: each starts its machine, says what it made, then waits to be killed.
const FLEET_OWNER = `
import { startFleet } from './test-machines';
void startFleet([{}], { waitForSsh: false }).then((fleet) => {
  const machine = fleet.machines[0]!;
  const made = { ledgerId: 'fleet-' + fleet.id, bridge: fleet.bridge, netns: machine.netns, initPid: machine.initPid };
  process.stdout.write(JSON.stringify(made) + '\\n');
  setInterval(() => undefined, 60_000);
});
`;
const WINE_OWNER = `
import { WindowsMachine } from '../wine/wine-machine';
void WindowsMachine.start('server-2016').then((machine) => {
  process.stdout.write(JSON.stringify({ ledgerId: machine.ledgerId, prefix: machine.prefix }) + '\\n');
  setInterval(() => undefined, 60_000);
});
`;

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resource-ledger-'));
  made.push(dir);
  return dir;
}

interface Owner<T> {
  readonly said: T & { readonly ledgerId: string };
  readonly kill: () => Promise<void>;
}

async function startOwner<T>(source: string): Promise<Owner<T>> {
  const script = path.join(tempDir(), 'owner.cjs');
  await build({
    stdin: { contents: source, resolveDir: import.meta.dirname, loader: 'ts' },
    outfile: script,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
  });
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const said = await new Promise<Owner<T>['said']>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(JSON.parse(text) as Owner<T>['said']);
    });
    child.once('exit', (code) => reject(new Error(`the owner exited ${code} before its machine was up`)));
  });
  return {
    said,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

function ledgerEntry(id: string): { dirs: string[]; cgroups?: string[] } {
  return JSON.parse(fs.readFileSync(path.join(LEDGER_DIR, `${id}.json`), 'utf8')) as { dirs: string[] };
}

/** Whether the process runs: a zombie has exited, and waits only for its parent to collect it. */
function running(pid: number): boolean {
  const state = procStatFields(pid)?.[0];
  return state !== undefined && !['Z', 'X'].includes(state);
}

/** The running wineservers of a Wine prefix, found by their environment. */
function wineserversOf(prefix: string): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        return command.includes('wineserver') && env.includes(`WINEPREFIX=${prefix}`) && running(Number(pid));
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Reaps, then waits until no ledger entry of `id` is left: a test file starting a machine at the same time (they
 * run in parallel) may have claimed the orphan first, and is then still tearing it down.
 */
async function reapedBySomeone(id: string): Promise<void> {
  await reapOrphans();
  const deadline = Date.now() + 60_000;
  while (fs.readdirSync(LEDGER_DIR).some((name) => name.startsWith(`${id}.json`))) {
    if (Date.now() > deadline) throw new Error(`${id} is still being reaped after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(testMachinesUnavailable() !== undefined)('test machines left by a killed test process', () => {
  it('a fleet is torn down by the next run, by the names its ledger entry holds', async () => {
    const owner = await startOwner<{ bridge: string; netns: string; initPid: number }>(FLEET_OWNER);
    const { ledgerId, bridge, netns, initPid } = owner.said;
    const entry = ledgerEntry(ledgerId);
    const cgroups = entry.cgroups ?? [];
    expect(cgroups.length).toBeGreaterThan(0);
    await owner.kill();
    // Killed outright, the owner tore down nothing: the machine still runs.
    expect(fs.existsSync(`/run/netns/${netns}`)).toBe(true);
    expect(fs.existsSync(`/sys/class/net/${bridge}`)).toBe(true);
    expect(running(initPid)).toBe(true);
    expect(mountsUnder(entry.dirs[0] as string).length).toBeGreaterThan(0);

    await reapedBySomeone(ledgerId);
    expect(fs.existsSync(`/run/netns/${netns}`)).toBe(false);
    expect(fs.existsSync(`/sys/class/net/${bridge}`)).toBe(false);
    expect(running(initPid)).toBe(false);
    expect(mountsUnder(entry.dirs[0] as string)).toEqual([]);
    expect(fs.existsSync(entry.dirs[0] as string)).toBe(false);
    for (const cgroup of cgroups) expect(fs.existsSync(cgroup)).toBe(false);
  }, 120_000);

  it.skipIf(wineUnavailable() !== undefined)(
    'a Wine machine is torn down by the next run: its wineserver stopped, its overlay unmounted',
    async () => {
      const owner = await startOwner<{ prefix: string }>(WINE_OWNER);
      const { ledgerId, prefix } = owner.said;
      const dir = ledgerEntry(ledgerId).dirs[0] as string;
      await owner.kill();
      expect(wineserversOf(prefix).length).toBeGreaterThan(0);
      expect(mountsUnder(dir).length).toBeGreaterThan(0);

      await reapedBySomeone(ledgerId);
      expect(wineserversOf(prefix)).toEqual([]);
      expect(mountsUnder(dir)).toEqual([]);
      expect(fs.existsSync(dir)).toBe(false);
    },
    300_000,
  );

  it("leaves a live owner's machines alone, and takes those whose pid another process has since", async () => {
    const own = processStart(process.pid) ?? '';
    const cases = [
      { id: `ledger-live-${process.pid}`, ownerStart: own, reaped: false, dir: tempDir() },
      { id: `ledger-reused-${process.pid}`, ownerStart: `${own}1`, reaped: true, dir: tempDir() },
    ];
    for (const { id, ownerStart, dir } of cases)
      recordResources(id, { ownerPid: process.pid, ownerStart, dirs: [dir] });
    try {
      for (const { id, reaped } of cases) if (reaped) await reapedBySomeone(id);
      expect(await reapOrphans()).not.toContain(cases[0]?.id);
      for (const { id, reaped, dir } of cases) {
        expect(fs.existsSync(dir)).toBe(!reaped);
        expect(fs.existsSync(path.join(LEDGER_DIR, `${id}.json`))).toBe(!reaped);
      }
    } finally {
      for (const { id } of cases) forgetResources(id);
    }
  });

  it('takes over an entry whose reaper was killed while tearing it down, and leaves a live reaper its claim', async () => {
    const own = processStart(process.pid) ?? '';
    const cases = [
      // This very process is the live reaper; the same pid with another start time is a reaper that has exited.
      { id: `ledger-claim-live-${process.pid}`, reaperStart: own, reaped: false, dir: tempDir() },
      { id: `ledger-claim-dead-${process.pid}`, reaperStart: `${own}1`, reaped: true, dir: tempDir() },
    ];
    const claims = cases.map(({ id, reaperStart, dir }) => {
      const claim = claimedFile(id, { ownerPid: process.pid, ownerStart: reaperStart });
      fs.mkdirSync(LEDGER_DIR, { recursive: true, mode: 0o700 });
      // The owner is gone too (that is why it was claimed): only the reaper's life decides.
      fs.writeFileSync(claim, JSON.stringify({ ownerPid: process.pid, ownerStart: `${own}2`, dirs: [dir] }));
      return claim;
    });
    try {
      for (const { id, reaped } of cases) if (reaped) await reapedBySomeone(id);
      expect(await reapOrphans()).not.toContain(cases[0]?.id);
      for (const [i, { reaped, dir }] of cases.entries()) {
        expect(fs.existsSync(dir)).toBe(!reaped);
        expect(fs.existsSync(claims[i] as string)).toBe(!reaped);
      }
    } finally {
      for (const claim of claims) fs.rmSync(claim, { force: true });
    }
  });
});
