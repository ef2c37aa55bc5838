import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { createHash } from 'node:crypto';

// One install at a time per root. The exclusion is a kernel object, not a file: an abstract-namespace Unix
// socket on Linux (a named pipe on Windows), bound under a name derived from the lock file's folder. The
// kernel releases it the moment its holder dies, kill -9 included, so a dead holder's lock is taken over at
// once with no staleness guess; Node has no flock(). The lock file beside it only tells the next admin who
// holds the lock (pid, start time, command).

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
  /** The lock folder cannot be written (not elevated): nothing may change, so the caller only reports. */
  | { readonly ok: false; readonly kind: 'unavailable'; readonly reason: string };

function lockAddress(lockFile: string, platform: NodeJS.Platform): string {
  let identity = path.resolve(path.dirname(lockFile));
  try {
    const stat = fs.statSync(identity);
    // Device and inode: two spellings of one folder (symlinks, bind mounts) still meet on one lock.
    identity = `${stat.dev}:${stat.ino}`;
  } catch {
    // The folder was just created by the caller; fall back to its path.
  }
  const digest = createHash('sha256').update(identity).digest('hex').slice(0, 32);
  return platform === 'win32' ? `\\\\.\\pipe\\ASRSetup-install-${digest}` : `\0ASRSetup-install-${digest}`;
}

export function readLockHolder(lockFile: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, startedAt: String(parsed.startedAt ?? ''), command: String(parsed.command ?? '') };
  } catch {
    return undefined;
  }
}

export async function acquireInstallLock(lockFile: string, command: string, now: Date): Promise<LockResult> {
  try {
    fs.mkdirSync(path.dirname(lockFile), { recursive: true, mode: 0o755 });
    fs.accessSync(path.dirname(lockFile), fs.constants.W_OK);
  } catch (error) {
    return {
      ok: false,
      kind: 'unavailable',
      reason: `${path.dirname(lockFile)} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    };
  }
  const server = net.createServer();
  const bound = await new Promise<boolean>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' ? resolve(false) : reject(error),
    );
    server.listen(lockAddress(lockFile, process.platform), () => resolve(true));
  });
  if (!bound) return { ok: false, kind: 'busy', holder: readLockHolder(lockFile) };
  // The socket must not keep the process alive on its own.
  server.unref();
  const holder: LockHolder = { pid: process.pid, startedAt: now.toISOString(), command };
  fs.writeFileSync(lockFile, `${JSON.stringify(holder)}\n`, { mode: 0o644 });
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
