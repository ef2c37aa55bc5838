import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../test-support/fixtures';
import { describeFlush, EarlyWriteback, flushToDisk } from './disk-flush';

// The durable commit's flush on the systems of the seed's table: syncfs where there is one, and otherwise a
// fallback that still flushes, reported in words (never a silent skip). The real kernel without syncfs is in
// electron/cli/old-kernels.test.ts; here the tools of older systems are stand-ins.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function tree(): string {
  const dir = scratch.path('tree');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin', 'agent'), 'x');
  fs.writeFileSync(path.join(dir, 'config'), 'y');
  return dir;
}

/** A `sync` that answers -f as `said` (exit 1) and records each call. */
function standInSync(said: string | undefined, plainExit = 0): { command: string; calls: () => string[] } {
  const dir = scratch.path('tool');
  fs.mkdirSync(dir);
  const log = path.join(dir, 'calls');
  const command = path.join(dir, 'sync');
  const answer = said === undefined ? 'exit 0' : `echo ${JSON.stringify(said)} >&2; exit 1`;
  fs.writeFileSync(
    command,
    `#!/bin/sh\necho "sync $*" >> ${log}\nif [ "$1" = -f ]; then ${answer}; fi\nexit ${plainExit}\n`,
    { mode: 0o755 },
  );
  return { command, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

describe('flushToDisk', () => {
  it('flushes with one syncfs (sync -f) where the kernel and tools have it', () => {
    const report = flushToDisk(tree());
    expect(report.method).toBe('syncfs');
    expect(describeFlush(report)).toMatch(/^payload flushed to disk in \d+ ms$/);
  });

  it.each([
    ['a kernel without syncfs (RHEL 6)', "sync: error syncing '/usr/local/ASR': Function not implemented"],
    ["coreutils 8.4's sync, which has no -f", "sync: invalid option -- 'f'"],
    ["busybox's sync without its fancy options", 'sync: unrecognized option: f'],
  ])('falls back to sync(2) for %s, and says so', (_why, said) => {
    const sync = standInSync(said);
    const report = flushToDisk(tree(), sync.command);
    expect(sync.calls()).toEqual([expect.stringMatching(/^sync -f /), 'sync']);
    expect(report.method).toBe('sync');
    expect(describeFlush(report)).toContain(`no syncfs here (sync -f said "${said}")`);
    expect(describeFlush(report)).toMatch(/flushed to disk with sync\(2\), every file system, in \d+ ms/);
  });

  it('fsyncs every file and folder when there is no sync command at all', () => {
    const report = flushToDisk(tree(), '/nonexistent/sync');
    expect(report.method).toBe('fsync-each');
    expect(describeFlush(report)).toMatch(/no syncfs here \(sync cannot run \(ENOENT\)\): .*file by file/);
  });

  it('an error that is not a missing syncfs (an I/O error) goes to the per-file fsyncs, not to sync(2)', () => {
    const sync = standInSync("sync: error syncing '/usr/local/ASR': Input/output error");
    const report = flushToDisk(tree(), sync.command);
    expect(sync.calls()).toHaveLength(1);
    expect(report.method).toBe('fsync-each');
  });

  it('a failing fsync fails the flush, naming what could not be flushed', () => {
    const sync = standInSync("sync: error syncing '/usr/local/ASR': Input/output error");
    expect(() => flushToDisk(scratch.path('missing-tree'), sync.command)).toThrow(/ENOENT.*missing-tree/);
  });
});

describe('early writeback', () => {
  it('starts a background sync -f of the tree each time enough was written, one at a time, and waits for it', async () => {
    const sync = standInSync(undefined);
    const dir = tree();
    const writeback = new EarlyWriteback(dir, 1000, sync.command);
    writeback.wrote(600);
    await writeback.settle();
    expect(sync.calls()).toEqual([]);
    writeback.wrote(600);
    // A second threshold passed while the first sync runs starts no second one.
    writeback.wrote(1200);
    await writeback.settle();
    expect(sync.calls()).toEqual([`sync -f ${dir}`]);
    writeback.wrote(1000);
    await writeback.settle();
    expect(sync.calls()).toEqual([`sync -f ${dir}`, `sync -f ${dir}`]);
  });

  it('a sync that cannot run changes nothing and fails nothing', async () => {
    const writeback = new EarlyWriteback(tree(), 10, '/nonexistent/sync');
    writeback.wrote(100);
    await expect(writeback.settle()).resolves.toBeUndefined();
  });
});
