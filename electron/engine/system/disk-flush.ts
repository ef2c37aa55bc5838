import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The durable commit's flush: the new files reach the disk before the install record says they are installed.
// Node has no syncfs(2), so on Linux it is coreutils' (or busybox's) `sync -f`: one pass over the file system
// for a tree of any size. Where the kernel has no syncfs (RHEL 6's 2.6.32; it came in 2.6.39) or the tools
// cannot ask for it (coreutils 8.4's sync has no -f), the flush falls back to sync(2), which flushes every file
// system; with no sync command at all, or on Windows (FlushFileBuffers, which fs.fsync is there), every file
// and folder of the tree is fsynced. It never silently does nothing: whichever way it went is reported.

export type FlushMethod = 'syncfs' | 'sync' | 'fsync-each';

export interface FlushReport {
  readonly method: FlushMethod;
  readonly ms: number;
  /** Why the one-pass syncfs was not used (undefined when it was). */
  readonly fallbackReason: string | undefined;
}

/** What a sync that cannot do syncfs says: the kernel lacks it, or the tool does not know -f. */
const NO_SYNCFS = /not implemented|invalid option|unrecognized option|illegal option|extra operand|usage/i;

const TOOL_ENV = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' };

/** fsyncs every file and folder under `tree` (folders after what they hold); throws on the first failure. */
export function fsyncTree(tree: string): void {
  const syncPath = (file: string, directory: boolean): void => {
    let fd: number;
    try {
      fd = fs.openSync(file, directory && process.platform === 'win32' ? 'r+' : 'r');
    } catch (error) {
      // Windows cannot open a folder for flushing; its entries are flushed with the files' metadata.
      if (directory && process.platform === 'win32') return;
      throw error;
    }
    try {
      fs.fsyncSync(fd);
    } catch (error) {
      // Some file systems refuse fsync on a folder (EINVAL); the files in it are what must reach the disk.
      if (!(directory && (error as NodeJS.ErrnoException).code === 'EINVAL')) throw error;
    } finally {
      fs.closeSync(fd);
    }
  };
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) syncPath(full, false);
    }
    syncPath(dir, true);
  };
  visit(tree);
}

/** `sync` is the command to ask (a test gives a stand-in for another system's tool). */
export function flushToDisk(tree: string, sync = 'sync'): FlushReport {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  if (process.platform !== 'linux') {
    fsyncTree(tree);
    return { method: 'fsync-each', ms: elapsed(), fallbackReason: 'this system has no syncfs' };
  }
  const syncfs = spawnSync(sync, ['-f', tree], { encoding: 'utf8', env: TOOL_ENV });
  if (syncfs.status === 0) return { method: 'syncfs', ms: elapsed(), fallbackReason: undefined };
  const said = (syncfs.stderr ?? '').trim().split('\n')[0] ?? '';
  const reason = syncfs.error
    ? `sync cannot run (${(syncfs.error as NodeJS.ErrnoException).code ?? syncfs.error.message})`
    : `sync -f ${said ? `said "${said}"` : `exited ${String(syncfs.status ?? syncfs.signal)}`}`;
  // Anything but a missing syncfs (an I/O error, say) is left to the per-file fsyncs, which name the file.
  if (!syncfs.error && NO_SYNCFS.test(said)) {
    const all = spawnSync(sync, [], { stdio: 'ignore', env: TOOL_ENV });
    if (all.status === 0) return { method: 'sync', ms: elapsed(), fallbackReason: reason };
  }
  fsyncTree(tree);
  return { method: 'fsync-each', ms: elapsed(), fallbackReason: reason };
}

/** The setup log's line for a flush; the syncfs wording is what bench:install reads. */
export function describeFlush(report: FlushReport): string {
  const ms = Math.round(report.ms);
  switch (report.method) {
    case 'syncfs':
      return `payload flushed to disk in ${ms} ms`;
    case 'sync':
      return `no syncfs here (${report.fallbackReason}): payload flushed to disk with sync(2), every file system, in ${ms} ms`;
    case 'fsync-each':
      return `no syncfs here (${report.fallbackReason}): payload flushed to disk file by file (fsync of every file and folder) in ${ms} ms`;
    default: {
      const unreachable: never = report.method;
      return unreachable;
    }
  }
}
