import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentPayload,
  makePackage,
  makeRoot,
  Scratch,
  snapshotTree,
  type PayloadSpec,
} from '../engine/test-support/fixtures';
import { CLI, runCli, startCli, waitForFile } from '../engine/test-support/run-cli';

// Install and uninstall killed (SIGKILL) at random moments, not only at the named failpoints: whatever moment
// the kill lands on, the next run finishes or undoes what was started, and the system ends exactly installed
// or exactly uninstalled, with the admin's own files kept. Each case spreads its kills over the whole run
// (one kill in each of KILLS equal slices of a calibration run's time, at a random point of the slice).

const KILLS = 12;
const scratch = new Scratch();
let repo: string;
let payloadDir: string;

// Enough files that removing and laying them down takes a while, so kills land inside those steps too.
function manyFiles(): PayloadSpec {
  const files: PayloadSpec = {};
  for (let folder = 0; folder < 30; folder++)
    for (let file = 0; file < 50; file++) files[`data/f${folder}/file-${file}.bin`] = `data ${folder}/${file}\n`;
  return files;
}

beforeAll(async () => {
  repo = scratch.path('repo');
  ({ payloadDir } = await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0', manyFiles())));
});
afterAll(() => scratch.cleanup());

const INSTALL = ['-r', 'MS', '-v', 'VmWare', '-q', '--json'];
const location = (root: string): string => path.join(root, 'usr/local/ASR');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function installed(): Promise<string> {
  const root = makeRoot(scratch);
  const run = await runCli(CLI.unifiedAgent, [...INSTALL, '--repository', repo, '--root', root]);
  expect(run.code, run.stdout).toBe(0);
  // The admin's own files, beside setup's and inside one of its folders.
  fs.writeFileSync(path.join(location(root), 'notes.txt'), 'mine');
  fs.writeFileSync(path.join(location(root), 'data/f7/custom.conf'), 'mine too');
  return root;
}

/** Setup's leftovers: a record, .vx_version, a journal, a staging or removal folder. */
function leftovers(root: string): string[] {
  const found = [
    'usr/local/.vx_version',
    'var/lib/ASRSetup/install-record.json',
    'var/lib/ASRSetup/uninstall-journal.json',
    'var/lib/ASRSetup/install-journal.json',
  ].filter((file) => fs.existsSync(path.join(root, file)));
  for (const name of fs.readdirSync(path.join(root, 'usr/local'))) if (name.includes('ASRSetup')) found.push(name);
  return found;
}

/** Exactly uninstalled: only the admin's files are left at the location, and nothing of setup's. */
function expectUninstalled(root: string, why: string): void {
  expect(leftovers(root), why).toEqual([]);
  expect(Object.keys(snapshotTree(location(root))), why).toEqual([
    'data/',
    'data/f7/',
    'data/f7/custom.conf',
    'notes.txt',
  ]);
}

/** Exactly installed: every payload file as packaged, a record, no journal or staging left. */
function expectInstalled(root: string, why: string): void {
  const atLocation = snapshotTree(location(root));
  for (const [file, state] of Object.entries(snapshotTree(payloadDir)))
    expect(atLocation[file], `${why}: ${file}`).toBe(state);
  expect(leftovers(root).sort(), why).toEqual(['usr/local/.vx_version', 'var/lib/ASRSetup/install-record.json']);
}

/** One kill in each of `count` equal slices of `span` ms, at a random point of its slice. */
function spreadKills(span: number, count = KILLS): number[] {
  return Array.from({ length: count }, (_, i) => Math.floor(((i + Math.random()) / count) * span));
}

async function killAfter(args: readonly string[], delayMs: number, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { child, done } = startCli(CLI.unifiedAgent, args, { env });
  await sleep(delayMs);
  child.kill('SIGKILL');
  const ended = await done;
  return ended.signal === 'SIGKILL' ? `killed after ${delayMs} ms` : `ended before the kill at ${delayMs} ms`;
}

describe('killed at random moments', () => {
  it('uninstall: the next uninstall finishes it, keeping exactly the admin files', async () => {
    const calibration = await installed();
    const started = Date.now();
    expect((await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', calibration])).code).toBe(0);
    for (const delay of spreadKills(Date.now() - started)) {
      const root = await installed();
      const why = await killAfter(['--uninstall', '--json', '--root', root], delay);
      const rerun = await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root]);
      expect(rerun.code, `${why}: ${rerun.stdout}`).toBe(0);
      expectUninstalled(root, why);
    }
  }, 240_000);

  it('uninstall, while it sorts and deletes the moved tree: the next uninstall or install finishes it', async () => {
    // The time origin is the move (a failpoint that waits for a go-ahead); the kills spread over what follows.
    const run = async (root: string, delay: number | undefined): Promise<string> => {
      const dir = scratch.path('failpoint');
      fs.mkdirSync(dir);
      const env = { ASRSETUP_TEST_FAILPOINT: 'uninstall-after-move', ASRSETUP_TEST_FAILPOINT_DIR: dir };
      const { child, done } = startCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root], { env });
      await waitForFile(path.join(dir, 'uninstall-after-move.reached'));
      const from = Date.now();
      fs.writeFileSync(path.join(dir, 'uninstall-after-move.continue'), '');
      if (delay === undefined) {
        expect((await done).code).toBe(0);
        return `${Date.now() - from}`;
      }
      await sleep(delay);
      child.kill('SIGKILL');
      return (await done).signal === 'SIGKILL' ? `killed ${delay} ms after the move` : 'ended before the kill';
    };
    const span = Number(await run(await installed(), undefined));
    for (const [i, delay] of spreadKills(Math.max(span, 20)).entries()) {
      const root = await installed();
      const why = await run(root, delay);
      // Half the time the next run is an uninstall, half the time an install elsewhere (the admin's files keep
      // /usr/local/ASR, so a new install goes to /opt/ASR): both finish the interrupted uninstall first.
      const next =
        i % 2 === 0
          ? await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root])
          : await runCli(CLI.unifiedAgent, [...INSTALL, '-d', '/opt/ASR', '--repository', repo, '--root', root]);
      expect(next.code, `${why}: ${next.stdout}`).toBe(0);
      expect(fs.existsSync(path.join(root, 'var/lib/ASRSetup/uninstall-journal.json')), why).toBe(false);
      expect(Object.keys(snapshotTree(location(root))), why).toEqual([
        'data/',
        'data/f7/',
        'data/f7/custom.conf',
        'notes.txt',
      ]);
    }
  }, 240_000);

  it('a deletion cut short after the admin files went back is finished as a deletion, even without the list', async () => {
    // As a kill leaves it when it lands while the sorted tree is deleted and setup's list already went: the
    // journal says sorted, setup files remain, the list does not. Nothing of that may return as the admin's.
    const root = await installed();
    const removedDir = path.join(root, 'usr/local/.ASR.ASRSetup-uninstall-cut0short');
    const tree = path.join(removedDir, 'tree');
    fs.mkdirSync(removedDir, { mode: 0o700 });
    fs.renameSync(location(root), tree);
    for (const mine of ['notes.txt', 'data/f7/custom.conf']) {
      fs.mkdirSync(path.dirname(path.join(location(root), mine)), { recursive: true });
      fs.renameSync(path.join(tree, mine), path.join(location(root), mine));
    }
    const journal = {
      schema: 1,
      installLocation: location(root),
      removedDir,
      startedAt: '2026-12-05T10:00:00.000Z',
      pid: 4242,
      phase: 'sorted',
    };
    fs.writeFileSync(path.join(root, 'var/lib/ASRSetup/uninstall-journal.json'), JSON.stringify(journal));
    fs.rmSync(path.join(tree, '.asrsetup', 'installed-files.txt'));
    const rerun = await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root]);
    expect(rerun.code, rerun.stdout).toBe(0);
    expectUninstalled(root, 'after a cut-short deletion');
    expect(rerun.stdout).not.toMatch(/kept .*bin\/svagentsd/);
  }, 60_000);

  it('install: the next install completes it exactly, and an uninstall then leaves nothing', async () => {
    const started = Date.now();
    const calibration = makeRoot(scratch);
    expect((await runCli(CLI.unifiedAgent, [...INSTALL, '--repository', repo, '--root', calibration])).code).toBe(0);
    for (const delay of spreadKills(Date.now() - started)) {
      const root = makeRoot(scratch);
      const why = await killAfter([...INSTALL, '--repository', repo, '--root', root], delay);
      const rerun = await runCli(CLI.unifiedAgent, [...INSTALL, '--repository', repo, '--root', root]);
      expect(rerun.code, `${why}: ${rerun.stdout}`).toBe(0);
      expectInstalled(root, why);
      const removed = await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root]);
      expect(removed.code, why).toBe(0);
      expect(leftovers(root), why).toEqual([]);
      expect(fs.existsSync(location(root)), why).toBe(false);
    }
  }, 240_000);
});
