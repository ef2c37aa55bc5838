import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { LEDGER_DIR, forgetFleet, processStart, reapOrphanedFleets, recordFleet } from './fleet-ledger';
import { mountsUnder } from './host-cgroups';
import { testMachinesUnavailable } from './test-machines';

// A test process killed with SIGKILL runs no exit handler: the next fleet to start must find what it left and tear it
// down, and must never touch a fleet whose owner still runs.

const unavailable = testMachinesUnavailable();

// The owner: boots a fleet of one, says what it made, then waits to be killed.
const OWNER_SOURCE = `
import { startFleet } from './test-machines';
void startFleet([{}], { waitForSsh: false }).then((fleet) => {
  const machine = fleet.machines[0]!;
  process.stdout.write(JSON.stringify({ id: fleet.id, bridge: fleet.bridge, netns: machine.netns, initPid: machine.initPid }) + '\\n');
  setInterval(() => undefined, 60_000);
});
`;

interface OwnedFleet {
  readonly id: string;
  readonly bridge: string;
  readonly netns: string;
  readonly initPid: number;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-ledger-'));
  made.push(dir);
  return dir;
}

async function startOwner(dir: string): Promise<{ fleet: OwnedFleet; pid: number; exited: Promise<void> }> {
  const script = path.join(dir, 'owner.cjs');
  await build({
    stdin: { contents: OWNER_SOURCE, resolveDir: import.meta.dirname, loader: 'ts' },
    outfile: script,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'silent',
  });
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const fleet = await new Promise<OwnedFleet>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolve(JSON.parse(text) as OwnedFleet);
    });
    child.once('exit', (code) => reject(new Error(`the owner exited ${code} before its fleet was up`)));
  });
  return { fleet, pid: child.pid ?? 0, exited };
}

/** Whether the process runs: a zombie has exited, and waits only for its parent to collect it. */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !['Z', 'X'].includes(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

/**
 * Reaps, then waits until no ledger entry of the fleet is left: a test file starting a fleet at the same time (they
 * run in parallel) may have claimed the orphan first, and is then still tearing it down.
 */
async function reapedBySomeone(fleetId: string): Promise<void> {
  await reapOrphanedFleets();
  const deadline = Date.now() + 60_000;
  while (fs.readdirSync(LEDGER_DIR).some((name) => name.startsWith(`${fleetId}.json`))) {
    if (Date.now() > deadline) throw new Error(`fleet ${fleetId} is still being reaped after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(unavailable !== undefined)('fleets left by a killed test process', () => {
  it('are torn down by the next run, by the names their ledger holds', async () => {
    const { fleet, pid, exited } = await startOwner(tempDir());
    const ledger = path.join(LEDGER_DIR, `${fleet.id}.json`);
    const record = JSON.parse(fs.readFileSync(ledger, 'utf8')) as { dir: string; machines: { cgroups: string[] }[] };
    const cgroups = record.machines.flatMap((machine) => machine.cgroups);
    expect(cgroups.length).toBeGreaterThan(0);
    process.kill(pid, 'SIGKILL');
    await exited;
    // Killed outright, the owner tore down nothing: the machine still runs.
    expect(fs.existsSync(`/run/netns/${fleet.netns}`)).toBe(true);
    expect(fs.existsSync(`/sys/class/net/${fleet.bridge}`)).toBe(true);
    expect(running(fleet.initPid)).toBe(true);
    expect(mountsUnder(record.dir).length).toBeGreaterThan(0);

    await reapedBySomeone(fleet.id);
    expect(fs.existsSync(`/run/netns/${fleet.netns}`)).toBe(false);
    expect(fs.existsSync(`/sys/class/net/${fleet.bridge}`)).toBe(false);
    expect(running(fleet.initPid)).toBe(false);
    expect(mountsUnder(record.dir)).toEqual([]);
    expect(fs.existsSync(record.dir)).toBe(false);
    for (const cgroup of cgroups) expect(fs.existsSync(cgroup)).toBe(false);
    expect(fs.existsSync(ledger)).toBe(false);
  }, 120_000);

  it("leave a live owner's fleet alone, and take one whose pid another process has since", async () => {
    const own = processStart(process.pid) ?? '';
    const cases = [
      { id: `ledger-live-${process.pid}`, ownerStart: own, reaped: false },
      { id: `ledger-reused-${process.pid}`, ownerStart: `${own}1`, reaped: true },
    ];
    for (const { id, ownerStart } of cases)
      recordFleet(id, { ownerPid: process.pid, ownerStart, dir: tempDir(), bridge: `tmb-none-${id}`, machines: [] });
    const dirs = cases.map(({ id }) => {
      const record = JSON.parse(fs.readFileSync(path.join(LEDGER_DIR, `${id}.json`), 'utf8')) as { dir: string };
      return record.dir;
    });
    try {
      for (const { id, reaped } of cases) if (reaped) await reapedBySomeone(id);
      expect(await reapOrphanedFleets()).not.toContain(cases[0]?.id);
      cases.forEach(({ id, reaped: expected }, i) => {
        expect(fs.existsSync(dirs[i] as string)).toBe(!expected);
        expect(fs.existsSync(path.join(LEDGER_DIR, `${id}.json`))).toBe(!expected);
      });
    } finally {
      for (const { id } of cases) forgetFleet(id);
    }
  });
});
