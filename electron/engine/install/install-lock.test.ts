import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { acquireInstallLock, acquireWindows, readLockHolder, type InstallLock, type LockResult } from './install-lock';
import { Scratch } from '../test-support/fixtures';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const NOW = new Date('2026-11-01T09:00:00.000Z');
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

function canRunAsNobody(): boolean {
  return process.geteuid?.() === 0 && spawnSync('setpriv', [...NOBODY, 'true']).status === 0;
}

// Every lock a test takes is released afterwards, so a failing test cannot leave a socket bound.
const held: InstallLock[] = [];
afterEach(async () => {
  for (const lock of held.splice(0)) await lock.release();
});

function locked(result: LockResult): InstallLock {
  if (!result.ok) throw new Error(`expected the lock, got ${JSON.stringify(result)}`);
  held.push(result.lock);
  return result.lock;
}

async function releaseHeld(lock: InstallLock): Promise<void> {
  held.splice(held.indexOf(lock), 1);
  await lock.release();
}

describe('acquireInstallLock', () => {
  it('creates the folder and writes who holds the lock', async () => {
    const lockFile = path.join(scratch.path('state'), 'sub', 'install.lock');
    locked(await acquireInstallLock(lockFile, 'UnifiedAgent /Role MS', NOW));
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toEqual({
      pid: process.pid,
      startedAt: '2026-11-01T09:00:00.000Z',
      command: 'UnifiedAgent /Role MS',
    });
    expect(readLockHolder(lockFile)).toEqual({
      pid: process.pid,
      startedAt: '2026-11-01T09:00:00.000Z',
      command: 'UnifiedAgent /Role MS',
    });
  });

  it('reports the lock busy, with its holder, while it is held', async () => {
    const lockFile = path.join(scratch.path('state'), 'install.lock');
    locked(await acquireInstallLock(lockFile, 'first install', NOW));
    const second = await acquireInstallLock(lockFile, 'second install', new Date('2026-11-01T09:05:00.000Z'));
    expect(second).toEqual({
      ok: false,
      kind: 'busy',
      holder: { pid: process.pid, startedAt: '2026-11-01T09:00:00.000Z', command: 'first install' },
    });
    // The refused attempt does not overwrite the holder's record.
    expect(readLockHolder(lockFile)?.command).toBe('first install');
  });

  it('gives the lock to the next caller once released, and clears the holder record', async () => {
    const lockFile = path.join(scratch.path('state'), 'install.lock');
    const first = locked(await acquireInstallLock(lockFile, 'first', NOW));
    await releaseHeld(first);
    expect(readLockHolder(lockFile)).toBeUndefined();
    locked(await acquireInstallLock(lockFile, 'second', NOW));
    expect(readLockHolder(lockFile)?.command).toBe('second');
  });

  it('keeps locks in different folders independent', async () => {
    const a = path.join(scratch.path('root-a'), 'install.lock');
    const b = path.join(scratch.path('root-b'), 'install.lock');
    locked(await acquireInstallLock(a, 'a', NOW));
    locked(await acquireInstallLock(b, 'b', NOW));
    expect(readLockHolder(a)?.command).toBe('a');
    expect(readLockHolder(b)?.command).toBe('b');
    expect((await acquireInstallLock(a, 'a again', NOW)).ok).toBe(false);
    expect((await acquireInstallLock(b, 'b again', NOW)).ok).toBe(false);
  });

  it('meets on one lock through a bind mount of the same folder (one inode, one flock)', async () => {
    const real = scratch.path('real');
    const lockFile = path.join(real, 'lock', 'install.lock');
    locked(await acquireInstallLock(lockFile, 'by real path', NOW));
    const alias = scratch.path('alias');
    fs.mkdirSync(alias);
    execFileSync('mount', ['--bind', real, alias]);
    try {
      const viaAlias = await acquireInstallLock(path.join(alias, 'lock', 'install.lock'), 'by alias', NOW);
      expect(viaAlias).toEqual({
        ok: false,
        kind: 'busy',
        holder: expect.objectContaining({ command: 'by real path' }),
      });
    } finally {
      execFileSync('umount', [alias]);
    }
  });

  it('refuses a lock folder reached through a symbolic link', async () => {
    const real = scratch.path('real-link-target');
    fs.mkdirSync(real, { mode: 0o700 });
    const alias = scratch.path('link');
    fs.symlinkSync(real, alias);
    const result = await acquireInstallLock(path.join(alias, 'install.lock'), 'x', NOW);
    expect(result).toEqual({ ok: false, kind: 'unavailable', reason: expect.stringMatching(/symbolic link/) });
  });

  it('creates its folder 0700 and its file 0600, and refuses a folder others can enter', async () => {
    const folder = path.join(scratch.path('modes'), 'lock');
    const lock = locked(await acquireInstallLock(path.join(folder, 'install.lock'), 'x', NOW));
    expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(folder, 'install.lock')).mode & 0o777).toBe(0o600);
    await releaseHeld(lock);
    fs.chmodSync(folder, 0o755);
    const result = await acquireInstallLock(path.join(folder, 'install.lock'), 'x', NOW);
    expect(result).toEqual({ ok: false, kind: 'unavailable', reason: expect.stringMatching(/must be 0700/) });
  });

  // Security review finding 3: any local user could bind the abstract socket and block every install.
  describe.skipIf(!canRunAsNobody())('against an unprivileged local user (nobody)', () => {
    it('nobody cannot open, hence not hold, the lock', async () => {
      const state = scratch.path('nobody-state');
      fs.mkdirSync(state, { mode: 0o755 });
      const lockFile = path.join(state, 'lock', 'install.lock');
      await releaseHeld(locked(await acquireInstallLock(lockFile, 'root install', NOW)));
      const attempt = spawnSync('setpriv', [...NOBODY, 'flock', '--nonblock', lockFile, 'sleep', '30'], {
        encoding: 'utf8',
        timeout: 5000,
      });
      expect(attempt.status).not.toBe(0);
      expect(attempt.stderr).toMatch(/Permission denied/);
      locked(await acquireInstallLock(lockFile, 'next root install', NOW));
    });

    it('a lock folder planted by nobody is refused, not used', async () => {
      const state = scratch.path('planted-state');
      fs.mkdirSync(path.join(state, 'lock'), { recursive: true, mode: 0o700 });
      fs.chownSync(path.join(state, 'lock'), 65534, 65534);
      const result = await acquireInstallLock(path.join(state, 'lock', 'install.lock'), 'x', NOW);
      expect(result).toEqual({ ok: false, kind: 'unavailable', reason: expect.stringMatching(/owned by uid 65534/) });
    });
  });

  it('reports busy with no holder when the holder record is unreadable', async () => {
    const lockFile = path.join(scratch.path('state'), 'install.lock');
    locked(await acquireInstallLock(lockFile, 'holder', NOW));
    fs.writeFileSync(lockFile, 'not json');
    expect(await acquireInstallLock(lockFile, 'second', NOW)).toEqual({ ok: false, kind: 'busy', holder: undefined });
  });

  it('leaves a record written by someone else when released', async () => {
    const lockFile = path.join(scratch.path('state'), 'install.lock');
    const lock = locked(await acquireInstallLock(lockFile, 'mine', NOW));
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid + 100000, startedAt: 'x', command: 'theirs' }));
    await releaseHeld(lock);
    expect(readLockHolder(lockFile)?.command).toBe('theirs');
    // The kernel lock is gone all the same.
    locked(await acquireInstallLock(lockFile, 'next', NOW));
  });

  it('reports the lock unavailable when its folder cannot be created', async () => {
    const blocker = scratch.path('regular-file');
    fs.writeFileSync(blocker, 'not a folder');
    const lockFile = path.join(blocker, 'state', 'install.lock');
    const result = await acquireInstallLock(lockFile, 'install', NOW);
    expect(result.ok).toBe(false);
    if (result.ok || result.kind !== 'unavailable')
      throw new Error(`expected unavailable, got ${JSON.stringify(result)}`);
    expect(result.reason).toMatch(/regular-file-\d+\/state cannot be written \((ENOTDIR|EEXIST)\)$/);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('not a folder');
  });
});

describe('readLockHolder', () => {
  it('returns undefined for a missing, malformed or pid-less record', () => {
    const dir = scratch.path('records');
    fs.mkdirSync(dir);
    expect(readLockHolder(path.join(dir, 'missing'))).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'garbage'), '{');
    expect(readLockHolder(path.join(dir, 'garbage'))).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'no-pid'), JSON.stringify({ pid: '12', command: 'x' }));
    expect(readLockHolder(path.join(dir, 'no-pid'))).toBeUndefined();
  });

  it('fills in missing fields of a record with a pid', () => {
    const file = path.join(scratch.path('records'), 'partial');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, JSON.stringify({ pid: 42 }));
    expect(readLockHolder(file)).toEqual({ pid: 42, startedAt: '', command: '' });
  });
});

// Windows cannot run here; its lock's logic runs with stand-ins for icacls and the exclusive open.
describe('the Windows lock (stand-in system calls)', () => {
  function ops(open: (file: string) => number | undefined, restrict?: string) {
    const calls: string[] = [];
    return {
      calls,
      restrictFolder: (folder: string) => {
        calls.push(`restrict ${path.basename(folder)}`);
        return restrict;
      },
      openExclusive: (file: string) => {
        calls.push(`open ${path.basename(file)}`);
        return open(file);
      },
    };
  }

  it('makes the folder private before opening the lock file alone, and names its holder beside it', async () => {
    const lockFile = path.join(scratch.path('win'), 'lock', 'install.lock');
    const stand = ops((file) => fs.openSync(file, 'w+'));
    const result = acquireWindows(lockFile, 'UnifiedAgent /Role MS', NOW, stand);
    expect(stand.calls).toEqual(['restrict lock', 'open install.lock']);
    expect(readLockHolder(`${lockFile}.holder`)?.command).toBe('UnifiedAgent /Role MS');
    await releaseHeld(locked(result));
    expect(fs.existsSync(`${lockFile}.holder`)).toBe(false);
  });

  it('is busy, naming the holder, when another process has the file open', () => {
    const lockFile = path.join(scratch.path('win-busy'), 'lock', 'install.lock');
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    fs.writeFileSync(`${lockFile}.holder`, JSON.stringify({ pid: 4242, startedAt: 'then', command: 'first' }));
    expect(
      acquireWindows(
        lockFile,
        'second',
        NOW,
        ops(() => undefined),
      ),
    ).toEqual({
      ok: false,
      kind: 'busy',
      holder: { pid: 4242, startedAt: 'then', command: 'first' },
    });
  });

  it('is unavailable, opening nothing, when the folder cannot be made private', () => {
    const lockFile = path.join(scratch.path('win-acl'), 'lock', 'install.lock');
    const stand = ops(() => 99, 'icacls could not make it private');
    expect(acquireWindows(lockFile, 'x', NOW, stand)).toEqual({
      ok: false,
      kind: 'unavailable',
      reason: 'icacls could not make it private',
    });
    expect(stand.calls).toEqual(['restrict lock']);
  });
});
