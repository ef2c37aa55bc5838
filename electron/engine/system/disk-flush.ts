import { spawn, spawnSync } from 'node:child_process';
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

/** Opens a file for its fsync: FlushFileBuffers (Windows) needs write access, which a read-only file lends for it. */
function openForFlush(file: string): { fd: number; restore: () => void } {
  if (process.platform !== 'win32') return { fd: fs.openSync(file, 'r'), restore: () => undefined };
  try {
    return { fd: fs.openSync(file, 'r+'), restore: () => undefined };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    const mode = fs.statSync(file).mode;
    fs.chmodSync(file, mode | 0o200);
    return { fd: fs.openSync(file, 'r+'), restore: () => fs.chmodSync(file, mode) };
  }
}

/** fsyncs every file (and, where a folder can be opened, every folder) under `tree`; throws on the first failure. */
export function fsyncTree(tree: string): void {
  const syncFolder = (dir: string): void => {
    // Windows cannot open a folder for flushing; its entries reach the disk with the files' own flushes.
    if (process.platform === 'win32') return;
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } catch (error) {
      // Some file systems refuse fsync on a folder (EINVAL); the files in it are what must reach the disk.
      if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
    } finally {
      fs.closeSync(fd);
    }
  };
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) {
        const { fd, restore } = openForFlush(full);
        try {
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
          restore();
        }
      }
    }
    syncFolder(dir);
  };
  visit(tree);
}

export function flushToDisk(tree: string, sync = 'sync'): FlushReport {
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  if (process.platform !== 'linux') {
    fsyncTree(tree);
    return { method: 'fsync-each', ms: elapsed(), fallbackReason: undefined };
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
      // Windows has no syncfs: FlushFileBuffers on every file is how it flushes, not a fallback.
      return report.fallbackReason === undefined
        ? `payload flushed to disk file by file (FlushFileBuffers on every file) in ${ms} ms`
        : `no syncfs here (${report.fallbackReason}): payload flushed to disk file by file (fsync of every file and folder) in ${ms} ms`;
    default: {
      const unreachable: never = report.method;
      return unreachable;
    }
  }
}

/**
 * Starts the disk on what an install has written so far while it writes the rest: every `everyBytes`, a
 * `sync -f` of the tree in the background (never waited on while the install runs, one at a time). The kernel
 * would otherwise hold the new files in memory until the durable commit and write them all then (~0.55 s of
 * 367 MB here, with the CPU idle); started early, that writing overlaps the extraction and the commit's own
 * syncfs finds little left (9-16 ms). Measured on bench:install (a): every 96 MiB, ~1.80 s instead of ~1.92;
 * every 32 MiB the syncs ran back to back and competed with the extraction for the CPU (no gain). It only ever
 * starts writes sooner: durability is still the commit's flush. Linux only; where sync has no -f (or no
 * syncfs), the background runs fail and change nothing.
 */
export class EarlyWriteback {
  private running: Promise<void> | undefined;
  private sinceLast = 0;

  constructor(
    private readonly tree: string,
    private readonly everyBytes = 96 * 1024 * 1024,
    private readonly sync = 'sync',
  ) {}

  wrote(bytes: number): void {
    if (process.platform !== 'linux') return;
    this.sinceLast += bytes;
    if (this.sinceLast < this.everyBytes || this.running) return;
    this.sinceLast = 0;
    this.running = new Promise<void>((resolve) => {
      const child = spawn(this.sync, ['-f', this.tree], { stdio: 'ignore', env: TOOL_ENV });
      child.once('error', () => resolve());
      child.once('exit', () => resolve());
    }).then(() => {
      this.running = undefined;
    });
  }

  /** Waits for a background flush still running, so none outlives the install. */
  async settle(): Promise<void> {
    await this.running;
  }
}
