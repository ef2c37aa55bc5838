import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

// One install at a time per root. On Linux the exclusion is flock(2) on a 0600 file in a folder only root
// may enter, so no unprivileged user can open, let alone hold, it (an abstract socket name, which anyone
// can compute and bind, let any local user block every install). Node has no flock(), so flock(1) takes it
// on our descriptor: a flock lock belongs to the open file description, which the child shares and we keep
// after it exits. The kernel drops it when our last descriptor closes, kill -9 included, so a dead holder's
// lock is taken over at once. Our descriptors are close-on-exec, so no component or service we start can
// inherit it. The file itself tells the next admin who holds the lock (pid, start time, command). Windows
// has the same shape: a file opened with share mode 0 in a folder only Administrators and SYSTEM may write.

export interface LockHolder {
  readonly pid: number;
  readonly startedAt: string;
  readonly command: string;
}

export interface InstallLock {
  release(): Promise<void>;
}

export type LockResult =
  | { readonly ok: true; readonly lock: InstallLock }
  | { readonly ok: false; readonly kind: 'busy'; readonly holder: LockHolder | undefined }
  /** The lock folder cannot be written (not elevated), or is not private: nothing may change, so the caller only reports. */
  | { readonly ok: false; readonly kind: 'unavailable'; readonly reason: string; readonly remedy?: string };

export function readLockHolder(lockFile: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, startedAt: String(parsed.startedAt ?? ''), command: String(parsed.command ?? '') };
  } catch {
    return undefined;
  }
}

const unavailable = (reason: string, remedy?: string): LockResult => ({
  ok: false,
  kind: 'unavailable',
  reason,
  remedy,
});

/** The lock's folder: created 0700, and refused unless it is a real folder of ours that nobody else can enter. */
function privateFolder(folder: string): string | undefined {
  try {
    fs.mkdirSync(path.dirname(folder), { recursive: true, mode: 0o755 });
    if (!fs.existsSync(folder)) fs.mkdirSync(folder, { mode: 0o700 });
    const stat = fs.lstatSync(folder);
    const uid = process.geteuid?.() ?? 0;
    if (stat.isSymbolicLink()) return `${folder} is a symbolic link; the lock folder must be a real folder`;
    if (!stat.isDirectory()) return `${folder} is not a folder`;
    if (stat.uid !== uid) return `${folder} is owned by uid ${stat.uid}, not by uid ${uid}`;
    if ((stat.mode & 0o077) !== 0)
      return `${folder} has mode ${(stat.mode & 0o7777).toString(8)}; the lock folder must be 0700`;
    fs.accessSync(folder, fs.constants.W_OK);
    return undefined;
  } catch (error) {
    return `${folder} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
}

function acquirePosix(lockFile: string, command: string, now: Date): LockResult {
  const problem = privateFolder(path.dirname(lockFile));
  if (problem) return unavailable(problem);
  let fd: number;
  try {
    const flags = fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW;
    fd = fs.openSync(lockFile, flags, 0o600);
  } catch (error) {
    return unavailable(`${lockFile} cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile() || stat.uid !== (process.geteuid?.() ?? 0)) {
    fs.closeSync(fd);
    return unavailable(`${lockFile} is not a regular file of this user`);
  }
  // Short options: every flock has them (util-linux 2.17 on RHEL 6 spells the long one --nonblocking).
  const taken = spawnSync('flock', ['-x', '-n', '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
    env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
  });
  if (taken.status !== 0) {
    fs.closeSync(fd);
    if (taken.status === 1) return { ok: false, kind: 'busy', holder: readLockHolder(lockFile) };
    const why = taken.error ? (taken.error as NodeJS.ErrnoException).code : `flock exited ${taken.status}`;
    return unavailable(
      `cannot take the lock on ${lockFile} (${why}): util-linux's flock is needed`,
      taken.error
        ? 'Install util-linux, which provides flock (every supported system has it), then run setup again.'
        : undefined,
    );
  }
  const holder: LockHolder = { pid: process.pid, startedAt: now.toISOString(), command };
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, `${JSON.stringify(holder)}\n`, 0);
  fs.fchmodSync(fd, 0o600);
  return {
    ok: true,
    lock: {
      release: async () => {
        // The record goes only if it is still ours; closing the descriptor is what frees the lock.
        if (readLockHolder(lockFile)?.pid === process.pid) fs.ftruncateSync(fd, 0);
        fs.closeSync(fd);
      },
    },
  };
}

/** What the Windows lock needs of the system; tests give a stand-in. */
export interface WindowsLockOps {
  /** Makes a folder private: no inheritance, full control for Administrators and SYSTEM only. */
  restrictFolder(folder: string): string | undefined;
  /** Opens a file for this process alone (share mode 0); undefined when another process has it open. */
  openExclusive(file: string): number | undefined;
}

// libuv opens a file with share mode 0 when this bit is in the flags (UV_FS_O_EXLOCK): no other process can
// open it until our handle closes, which Windows does when the process dies.
const UV_FS_O_EXLOCK = 0x10000000;

export const windowsLockOps: WindowsLockOps = {
  restrictFolder(folder) {
    const system32 = path.join(process.env.SystemRoot ?? 'C:\\Windows', 'System32');
    // By SID, so it works in every language: Administrators (S-1-5-32-544) and SYSTEM (S-1-5-18).
    const result = spawnSync(
      path.join(system32, 'icacls.exe'),
      [folder, '/inheritance:r', '/grant:r', '*S-1-5-32-544:(OI)(CI)F', '*S-1-5-18:(OI)(CI)F'],
      { encoding: 'utf8', windowsHide: true },
    );
    return result.status === 0
      ? undefined
      : `icacls could not make ${folder} private: ${result.stderr || result.error}`;
  },
  openExclusive(file) {
    try {
      return fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | UV_FS_O_EXLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EBUSY' || code === 'EPERM' || code === 'EACCES') return undefined;
      throw error;
    }
  },
};

/**
 * Windows: the lock file, opened with share mode 0, in a folder only Administrators and SYSTEM may write
 * (ProgramData lets every user create files in new subfolders, so the ACL is set explicitly). Its holder is
 * written beside it, since nobody else can read a file held that way.
 */
export function acquireWindows(lockFile: string, command: string, now: Date, ops = windowsLockOps): LockResult {
  const folder = path.dirname(lockFile);
  const holderFile = `${lockFile}.holder`;
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    return unavailable(`${folder} cannot be written (${(error as NodeJS.ErrnoException).code})`);
  }
  const restricted = ops.restrictFolder(folder);
  if (restricted) return unavailable(restricted);
  const fd = ops.openExclusive(lockFile);
  if (fd === undefined) return { ok: false, kind: 'busy', holder: readLockHolder(holderFile) };
  fs.writeFileSync(holderFile, `${JSON.stringify({ pid: process.pid, startedAt: now.toISOString(), command })}\n`);
  return {
    ok: true,
    lock: {
      release: async () => {
        if (readLockHolder(holderFile)?.pid === process.pid) fs.rmSync(holderFile, { force: true });
        fs.closeSync(fd);
      },
    },
  };
}

export async function acquireInstallLock(lockFile: string, command: string, now: Date): Promise<LockResult> {
  return process.platform === 'win32' ? acquireWindows(lockFile, command, now) : acquirePosix(lockFile, command, now);
}
