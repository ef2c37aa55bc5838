import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { processRuns, processStart } from './process-identity';

// A private temp folder named after the process that made it (pid and start time). A run killed with SIGKILL
// runs no cleanup, and what it leaves there (a recompressed release, a password file) must not stay in the temp
// folder for good: the next process that makes a folder of the same kind removes those whose maker is gone.

const OWNER = /^(\d+)-(\d+)-[A-Za-z0-9]{6}$/;

/** Makes `<tmp>/<prefix><pid>-<start>-XXXXXX` (0700), after removing the folders of `prefix` left by gone makers. */
export function makeOwnedTempDir(prefix: string, tmp: string = os.tmpdir()): string {
  removeOrphanedTempDirs(prefix, tmp);
  const dir = fs.mkdtempSync(path.join(tmp, `${prefix}${process.pid}-${processStart(process.pid) ?? '0'}-`));
  fs.chmodSync(dir, 0o700);
  return dir;
}

/** Removes this user's folders of `prefix` whose maker no longer runs; each named by its maker, never guessed. */
export function removeOrphanedTempDirs(prefix: string, tmp: string = os.tmpdir()): void {
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return;
  }
  for (const name of names) {
    const owner = name.startsWith(prefix) ? OWNER.exec(name.slice(prefix.length)) : null;
    if (!owner) continue;
    const pid = Number(owner[1]);
    if (pid === process.pid || processRuns(pid, owner[2] as string)) continue;
    const dir = path.join(tmp, name);
    try {
      const stat = fs.lstatSync(dir);
      // Only this user's own folders: another user's is theirs to clean (and a sticky /tmp would refuse anyway).
      if (!stat.isDirectory() || (process.getuid !== undefined && stat.uid !== process.getuid())) continue;
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}
