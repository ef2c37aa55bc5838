import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareAgentVersions, parsePackageName, type PackageName } from '../../../shared/package-name';
import { setupError, type SetupError } from '../../../shared/error-catalog';

// Locate: choose the package for this system's label from a repository folder, by file name alone (the
// configuration server's repository holds every OS's package side by side). Highest version wins; for one
// version, the latest release date.

export interface LocatedPackage {
  readonly file: string;
  readonly name: PackageName;
}

function releaseDateValue(text: string): number {
  return Date.parse(`${text.slice(0, 2)} ${text.slice(2, 5)} ${text.slice(5)} UTC`) || 0;
}

/**
 * The packages in a repository: regular files and folders only. A FIFO or device named like a package would
 * block whoever opened it (root, for ever); a link is not followed.
 */
export function listPackages(repository: string): PackageName[] {
  return fs
    .readdirSync(repository, { withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isDirectory())
    .map((entry) => parsePackageName(entry.name))
    .filter((name): name is PackageName => name !== undefined);
}

export function locatePackage(
  repository: string,
  label: string,
): { ok: true; located: LocatedPackage } | { ok: false; error: SetupError } {
  let names: PackageName[];
  try {
    names = listPackages(repository);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      error: setupError(
        'PACKAGE_NOT_FOUND',
        `the repository folder "${repository}" cannot be read (${code ?? (error as Error).message})`,
        'Give an existing folder that holds the agent packages with --repository (or /Repository).',
      ),
    };
  }
  const wanted = label.toUpperCase();
  const matching = names.filter((name) => name.label.toUpperCase() === wanted && name.extension === 'tar.gz');
  if (matching.length === 0) {
    const others = [...new Set(names.map((name) => name.label))].sort();
    const seen = others.length === 0 ? 'it holds no agent packages' : `it holds packages for ${others.join(', ')} only`;
    return {
      ok: false,
      error: setupError(
        'PACKAGE_NOT_FOUND',
        `no Microsoft-ASR_UA_*_${label}_*_release.tar.gz in "${repository}": ${seen}`,
      ),
    };
  }
  matching.sort(
    (a, b) =>
      compareAgentVersions(b.version, a.version) ||
      releaseDateValue(b.releaseDate) - releaseDateValue(a.releaseDate) ||
      a.fileName.localeCompare(b.fileName),
  );
  const best = matching[0] as PackageName;
  return { ok: true, located: { file: path.join(repository, best.fileName), name: best } };
}
