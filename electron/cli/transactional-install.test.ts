import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLockHolder } from '../engine/install/install-lock';
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { agentPayload, makePackage, makeRoot, Scratch, snapshotTree } from '../engine/test-support/fixtures';
import { CLI, runCli, startCli, waitForFile } from '../engine/test-support/run-cli';

// A failure or a kill leaves the machine as it was: fresh install -> nothing at the install location;
// upgrade -> the old version intact, or the new one complete, never a mix.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const SETUP_FILES = ['.asrsetup'];
const STATE = 'var/lib/ASRSetup';

function bigPayload(version: string) {
  // Enough data to span several 1 MiB chunks, so "mid-extract" really is in the middle.
  const extra: Record<string, Buffer> = {};
  for (let i = 0; i < 40; i++) extra[`data/blob-${i}.bin`] = Buffer.alloc(128 * 1024, i + version.length);
  return agentPayload(version, extra);
}

function leftovers(root: string, parent = 'usr/local'): string[] {
  const dir = path.join(root, parent);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => name.includes('ASRSetup')) : [];
}

async function killAt(failpoint: string, args: string[]): Promise<void> {
  const dir = scratch.path('failpoint');
  fs.mkdirSync(dir);
  const { child, done } = startCli(CLI.unifiedAgent, args, {
    env: { ASRSETUP_TEST_FAILPOINT: failpoint, ASRSETUP_TEST_FAILPOINT_DIR: dir },
  });
  await waitForFile(path.join(dir, `${failpoint}.reached`));
  child.kill('SIGKILL');
  const run = await done;
  expect(run.signal).toBe('SIGKILL');
}

describe('kill -9, then the next run', () => {
  it.each(['after-journal', 'mid-extract', 'after-extract', 'after-swap', 'after-components', 'after-service'])(
    'fresh install killed at %s: the next run undoes it and installs cleanly',
    async (failpoint) => {
      const root = makeRoot(scratch);
      const repo = scratch.path('repo');
      const pkg = await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
      const args = ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root];
      await killAt(failpoint, args);
      expect(fs.existsSync(path.join(root, STATE, 'install-journal.json'))).toBe(true);
      expect(fs.existsSync(path.join(root, STATE, 'install-record.json'))).toBe(false);

      const rerun = await runCli(CLI.unifiedAgent, args);
      expect(rerun.code).toBe(0);
      const recover = rerun.events.find((e) => e.type === 'step-finished' && e.stepId === 'recover');
      expect(recover?.type === 'step-finished' && recover.message).toMatch(/undid the installation started/);
      expect(snapshotTree(path.join(root, 'usr/local/ASR'), SETUP_FILES)).toEqual(snapshotTree(pkg.payloadDir));
      expect(leftovers(root)).toEqual([]);
      expect(fs.existsSync(path.join(root, STATE, 'install-journal.json'))).toBe(false);
    },
  );

  it('fresh install killed mid-extract, then a run that cannot install: the machine is as before', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    await killAt('mid-extract', ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root]);
    expect(leftovers(root).length).toBe(1);
    const empty = scratch.path('empty');
    fs.mkdirSync(empty);
    const rerun = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      empty,
      '--root',
      root,
    ]);
    expect(rerun.result?.error?.code).toBe('PACKAGE_NOT_FOUND');
    // The recovery ran before preflight failed: no staging, no install location, not even /usr/local.
    expect(fs.existsSync(path.join(root, 'usr'))).toBe(false);
  });

  it.each(['after-backup', 'after-swap', 'after-components', 'after-service'])(
    'upgrade killed at %s: the old version comes back intact',
    async (failpoint) => {
      const root = makeRoot(scratch);
      const repo = scratch.path('repo');
      const v1 = await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
      const args = ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root];
      expect((await runCli(CLI.unifiedAgent, args)).code).toBe(0);
      const unitBefore = fs.readFileSync(path.join(root, 'etc/systemd/system/asr-mobility.service'), 'utf8');
      await makePackage(scratch, repo, '9.61.0.0', {
        ...bigPayload('9.61.0.0'),
        'setup/service.json': JSON.stringify({
          name: 'asr-mobility',
          description: 'Mobility service 9.61',
          exec: 'bin/svagentsd',
          args: ['--v2'],
        }),
      });
      await killAt(failpoint, args);

      // A run that cannot install (no package) still recovers first: the old version is back, unchanged.
      const empty = scratch.path('empty');
      fs.mkdirSync(empty);
      const recoverOnly = await runCli(CLI.unifiedAgent, [
        '-r',
        'MS',
        '-v',
        'VmWare',
        '--json',
        '--repository',
        empty,
        '--root',
        root,
      ]);
      expect(
        recoverOnly.events.some(
          (e) => e.type === 'step-finished' && e.stepId === 'recover' && e.status === 'Succeeded',
        ),
      ).toBe(true);
      expect(snapshotTree(path.join(root, 'usr/local/ASR'), SETUP_FILES)).toEqual(snapshotTree(v1.payloadDir));
      expect(fs.readFileSync(path.join(root, 'etc/systemd/system/asr-mobility.service'), 'utf8')).toBe(unitBefore);
      expect(JSON.parse(fs.readFileSync(path.join(root, STATE, 'install-record.json'), 'utf8'))).toMatchObject({
        agentVersion: '9.60.0.0',
      });
      expect(leftovers(root)).toEqual([]);
    },
  );

  it('upgrade killed after the record was written: the next run finishes it, the new version stands', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    const args = ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root];
    expect((await runCli(CLI.unifiedAgent, args)).code).toBe(0);
    const v2 = await makePackage(scratch, repo, '9.61.0.0', bigPayload('9.61.0.0'));
    await killAt('after-record', args);
    expect(leftovers(root).length).toBe(1);
    const empty = scratch.path('empty');
    fs.mkdirSync(empty);
    const rerun = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      empty,
      '--root',
      root,
    ]);
    const recover = rerun.events.find((e) => e.type === 'step-finished' && e.stepId === 'recover');
    expect(recover?.type === 'step-finished' && recover.message).toMatch(/finished cleaning up/);
    expect(snapshotTree(path.join(root, 'usr/local/ASR'), SETUP_FILES)).toEqual(snapshotTree(v2.payloadDir));
    expect(leftovers(root)).toEqual([]);
  });
});

describe('cancel', () => {
  it('SIGTERM during an upgrade rolls back and exits 4 (cancelled)', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    const v1 = await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    const args = ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root];
    expect((await runCli(CLI.unifiedAgent, args)).code).toBe(0);
    await makePackage(scratch, repo, '9.61.0.0', bigPayload('9.61.0.0'));
    const dir = scratch.path('failpoint');
    fs.mkdirSync(dir);
    const { child, done } = startCli(CLI.unifiedAgent, args, {
      env: { ASRSETUP_TEST_FAILPOINT: 'after-swap', ASRSETUP_TEST_FAILPOINT_DIR: dir },
    });
    await waitForFile(path.join(dir, 'after-swap.reached'));
    child.kill('SIGTERM');
    fs.writeFileSync(path.join(dir, 'after-swap.continue'), '');
    const run = await done;
    expect(run.code).toBe(4);
    expect(run.result).toMatchObject({ status: 'Failed', exitCode: 4, msiCode: 1602, error: { code: 'CANCELLED' } });
    // The wizard marks the undone steps "Rolled back" on this word only.
    expect(run.result?.summary).toEqual({ rolledBack: 'true' });
    expect(snapshotTree(path.join(root, 'usr/local/ASR'), SETUP_FILES)).toEqual(snapshotTree(v1.payloadDir));
    expect(leftovers(root)).toEqual([]);
  });
});

describe('one installation at a time', () => {
  it('a second concurrent install fails fast with ANOTHER_INSTALL_RUNNING (exit 3); the first completes', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    const pkg = await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    const args = ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root];
    const dir = scratch.path('failpoint');
    fs.mkdirSync(dir);
    const first = startCli(CLI.unifiedAgent, args, {
      env: { ASRSETUP_TEST_FAILPOINT: 'after-extract', ASRSETUP_TEST_FAILPOINT_DIR: dir },
    });
    await waitForFile(path.join(dir, 'after-extract.reached'));
    const second = await runCli(CLI.unifiedAgent, args);
    expect(second.code).toBe(3);
    expect(second.result).toMatchObject({ exitCode: 3, msiCode: 1618, error: { code: 'ANOTHER_INSTALL_RUNNING' } });
    expect(second.result?.error?.message).toMatch(new RegExp(`process ${first.child.pid}`));
    fs.writeFileSync(path.join(dir, 'after-extract.continue'), '');
    expect((await first.done).code).toBe(0);
    expect(snapshotTree(path.join(root, 'usr/local/ASR'), SETUP_FILES)).toEqual(snapshotTree(pkg.payloadDir));
  });

  it('a lock that cannot be taken says so in the prerequisites step, not "0 of 7 checks failed"', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    // The lock folder reached through a symbolic link: refused, so nothing may change.
    const elsewhere = scratch.path('elsewhere');
    fs.mkdirSync(elsewhere, { mode: 0o700 });
    fs.mkdirSync(path.join(root, STATE), { recursive: true, mode: 0o700 });
    fs.symlinkSync(elsewhere, path.join(root, STATE, 'lock'));
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).not.toBe(0);
    const finished = run.events.find((e) => e.type === 'step-finished' && e.stepId === 'preflight');
    expect(finished?.type === 'step-finished' && finished.message).toMatch(
      /^the install lock could not be taken: .*symbolic link.* \(all \d+ checks passed\)$/,
    );
  });

  it('the lock of a killed holder is taken over at once', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    const args = ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root];
    await killAt('after-journal', args);
    // The killed holder's record is still there; the kernel lock went with its process.
    expect(readLockHolder(path.join(root, STATE, 'lock', 'install.lock'))).toBeDefined();
    const next = await runCli(CLI.unifiedAgent, args);
    expect(next.code).toBe(0);
  });
});

function canMountTmpfs(): boolean {
  const probe = scratch.path('mount-probe');
  fs.mkdirSync(probe);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!canMountTmpfs())('disk full (tmpfs; needs root and mount)', () => {
  it('preflight refuses a location without room: INSUFFICIENT_DISK_SPACE names the shortfall', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    const mountPoint = path.join(root, 'opt');
    fs.mkdirSync(mountPoint, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
    try {
      const run = await runCli(CLI.unifiedAgent, [
        '-r',
        'MS',
        '-v',
        'VmWare',
        '-d',
        '/opt/asr',
        '--json',
        '--repository',
        repo,
        '--root',
        root,
      ]);
      expect(run.result?.error?.code).toBe('INSUFFICIENT_DISK_SPACE');
      expect(run.result?.error?.message).toMatch(/MiB is needed at .*opt but only .* is free \(.* short\)/);
      expect(fs.readdirSync(mountPoint)).toEqual([]);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });

  it('a mount point as the install location is refused before anything changes, with a folder on it suggested', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    const mountPoint = path.join(root, 'usr', 'local', 'ASR');
    fs.mkdirSync(mountPoint, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint]);
    try {
      const run = await runCli(CLI.unifiedAgent, [
        '-r',
        'MS',
        '-v',
        'VmWare',
        '--json',
        '--repository',
        repo,
        '--root',
        root,
      ]);
      expect(run.result?.error?.code).toBe('INSTALL_LOCATION_INVALID');
      expect(run.result?.error?.message).toMatch(/\/usr\/local\/ASR is a mount point/);
      expect(run.result?.error?.remedy).toMatch(/\/usr\/local\/ASR\/agent/);
      expect(fs.readdirSync(mountPoint)).toEqual([]);
      const inside = await runCli(CLI.unifiedAgent, [
        '-r',
        'MS',
        '-v',
        'VmWare',
        '-d',
        '/usr/local/ASR/agent',
        '--json',
        '--repository',
        repo,
        '--root',
        root,
      ]);
      expect(inside.code).toBe(0);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });

  it('the disk filling up during extraction rolls back cleanly', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', bigPayload('9.60.0.0'));
    const mountPoint = path.join(root, 'opt');
    fs.mkdirSync(mountPoint, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint]);
    try {
      const dir = scratch.path('failpoint');
      fs.mkdirSync(dir);
      const { done } = startCli(
        CLI.unifiedAgent,
        ['-r', 'MS', '-v', 'VmWare', '-d', '/opt/asr', '--json', '--repository', repo, '--root', root],
        {
          env: { ASRSETUP_TEST_FAILPOINT: 'after-journal', ASRSETUP_TEST_FAILPOINT_DIR: dir },
        },
      );
      await waitForFile(path.join(dir, 'after-journal.reached'));
      // Preflight passed; now something else takes the space before the files are written.
      const filler = path.join(mountPoint, 'filler.bin');
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=64'], { stdio: 'ignore' });
      } catch {
        // dd stops with "No space left on device": that is the point.
      }
      fs.writeFileSync(path.join(dir, 'after-journal.continue'), '');
      const run = await done;
      expect(run.code).toBe(1);
      expect(run.result?.error?.code).toBe('INSUFFICIENT_DISK_SPACE');
      expect(run.result?.error?.message).toMatch(/disk filled up/);
      expect(fs.readdirSync(mountPoint)).toEqual(['filler.bin']);
      expect(fs.existsSync(path.join(root, STATE, 'install-journal.json'))).toBe(false);
      expect(fs.existsSync(path.join(root, STATE, 'install-record.json'))).toBe(false);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });
});
