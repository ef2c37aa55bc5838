import * as fs from 'node:fs';
import * as path from 'node:path';

// What root writes to, reads its packages from or keeps its state in must be a path no other user can
// redirect: as sshd's StrictModes asks of a home folder, every existing component from the top must be a
// real folder (no symbolic link on the way) owned by root (or the user running setup) and not writable by
// group or others. A sticky folder such as /tmp passes, since nobody can rename or replace another user's
// entry in it; the entry below it must then be root's, which the same rule checks next.

const OTHERS_WRITE = 0o022;
const STICKY = 0o1000;

/** The first problem on the way to `target` (as this machine sees it), or undefined when it is all trusted. */
export function untrustedComponent(target: string, what: string): string | undefined {
  const me = process.geteuid?.();
  if (me === undefined) return undefined;
  const absolute = path.resolve(target);
  const parts = absolute.split(path.sep).filter(Boolean);
  let current = path.parse(absolute).root;
  for (let i = 0; i <= parts.length; i++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch {
      // Missing from here on: setup creates the rest itself, root-owned and 0755.
      return undefined;
    }
    if (stat.isSymbolicLink())
      return `${current} is a symbolic link; give ${what} by its real path, with no link on the way`;
    if (i < parts.length && !stat.isDirectory()) return `${current} is a file, so ${absolute} cannot be a folder`;
    if (stat.uid !== 0 && stat.uid !== me)
      return `${current} belongs to uid ${stat.uid}, so that user could replace ${what}; choose a path that only root can change`;
    if (stat.isDirectory() && (stat.mode & OTHERS_WRITE) !== 0 && (stat.mode & STICKY) === 0)
      return `${current} can be written by group or others (mode ${(stat.mode & 0o7777).toString(8)}), so they could replace ${what}; choose a path that only root can change`;
    if (i < parts.length) current = path.join(current, parts[i] as string);
  }
  return undefined;
}
