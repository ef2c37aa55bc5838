import * as path from 'node:path';
import { setupError, type SetupError } from '../../shared/error-catalog';
import { untrustedComponent } from '../engine/system/trusted-path';

// The folders a command line hands root (--root, --repository, --log-dir, a release's own folder) are held
// to the same rule as the install location: when the caller is the unprivileged wizard elevated through
// pkexec, or anyone else, root must not write into, read packages from, or log into a folder another user
// can change.

export function untrustedArgument(folders: Readonly<Record<string, string | undefined>>): SetupError | undefined {
  for (const [option, folder] of Object.entries(folders)) {
    if (folder === undefined) continue;
    const problem = untrustedComponent(path.resolve(folder), `what ${option} names`);
    if (problem)
      return setupError(
        'INVALID_ARGUMENT',
        `${option} ${folder}: ${problem}`,
        `Give ${option} a folder that only root can change (owned by root, not writable by group or others, no symbolic link on the way).`,
      );
  }
  return undefined;
}
