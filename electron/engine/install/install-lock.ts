import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';

// One install at a time per root. On Linux the exclusion is flock(2) on a 0600 file in a folder only root
// may enter, so no unprivileged user can open, let alone hold, it (an abstract socket name, which anyone
// can compute and bind, let any local user block every install). Node has no flock(), so flock(1) takes it
// on our descriptor: a flock lock belongs to the open file description, which the child shares and we keep
// after it exits. The kernel drops it when our last descriptor closes, kill -9 included, so a dead holder's
// lock is taken over at once. Our descriptors are close-on-exec, so no component or service we start can
// inherit it. The file itself tells the next admin who holds the lock (pid, start time, command). Windows
// keeps a named pipe under a name derived from the folder.

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
  | { readonly ok: false; readonly kind: 'unavailable'; readonly reason: string };

export function readLockHolder(lockFile: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, startedAt: String(parsed.startedAt ?? ''), command: String(parsed.command ?? '') };
  } catch {
    return undefined;
  }
}

const unavailable = (reason: string): LockResult => ({ ok: false, kind: 'unavailable', reason });

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
  const taken = spawnSync('flock', ['--exclusive', '--nonblock', '3'], {
    stdio: ['ignore', 'ignore', 'pipe', fd],
    env: { PATH: '/usr/bin:/bin:/usr/sbin:/sbin' },
  });
  if (taken.status !== 0) {
    fs.closeSync(fd);
    if (taken.status === 1) return { ok: false, kind: 'busy', holder: readLockHolder(lockFile) };
    const why = taken.error ? (taken.error as NodeJS.ErrnoException).code : `flock exited ${taken.status}`;
    return unavailable(`cannot take the lock on ${lockFile} (${why}): util-linux's flock is needed`);
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

function pipeName(lockFile: string): string {
  let identity = path.resolve(path.dirname(lockFile));
  try {
    const stat = fs.statSync(identity);
    identity = `${stat.dev}:${stat.ino}`;
  } catch {
    // The folder was just created by the caller; fall back to its path.
  }
  return `\\\\.\\pipe\\ASRSetup-install-${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}

async function acquireWindows(lockFile: string, command: string, now: Date): Promise<LockResult> {
  try {
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  } catch (error) {
    return unavailable(`${path.dirname(lockFile)} cannot be written (${(error as NodeJS.ErrnoException).code})`);
  }
  const server = net.createServer();
  const bound = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    server.listen(pipeName(lockFile), () => resolve(true));
  });
  if (!bound) return { ok: false, kind: 'busy', holder: readLockHolder(lockFile) };
  server.unref();
  fs.writeFileSync(lockFile, `${JSON.stringify({ pid: process.pid, startedAt: now.toISOString(), command })}\n`);
  return {
    ok: true,
    lock: {
      release: async () => {
        if (readLockHolder(lockFile)?.pid === process.pid) fs.rmSync(lockFile, { force: true });
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    },
  };
}

export async function acquireInstallLock(lockFile: string, command: string, now: Date): Promise<LockResult> {
  return process.platform === 'win32' ? acquireWindows(lockFile, command, now) : acquirePosix(lockFile, command, now);
}
