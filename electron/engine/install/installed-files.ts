import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAYLOAD_ROOT, type PackageManifest } from '../package/package-manifest';
import { writeFileAtomic } from '../system/atomic-file';
import { SETUP_DIR_NAME } from '../system/system-layout';

// Setup's record of what it laid down at the install location (the package's payload, and the scripts
// setup writes itself), so an uninstall removes exactly that and leaves whatever else the admin put there.

export const INSTALLED_FILES = path.join(SETUP_DIR_NAME, 'installed-files.txt');

/** Every payload path of the manifest, relative to the install location, plus setup's own files. */
export function writeInstalledFiles(tree: string, manifest: PackageManifest, setupFiles: readonly string[]): void {
  const lines: string[] = [];
  const prefix = `${PAYLOAD_ROOT}/`;
  for (const entry of manifest.paths()) if (entry.startsWith(prefix)) lines.push(entry.slice(prefix.length));
  lines.push(...setupFiles);
  writeFileAtomic(path.join(tree, INSTALLED_FILES), `${lines.join('\n')}\n`, 0o644);
}

export function readInstalledFiles(tree: string): Set<string> | undefined {
  try {
    return new Set(fs.readFileSync(path.join(tree, INSTALLED_FILES), 'utf8').split('\n').filter(Boolean));
  } catch {
    return undefined;
  }
}

/**
 * Moves back, from `removed` (the tree as it was taken away) to `location`, every entry setup did not lay
 * down, recreating the folders on the way. Returns their paths, relative to the install location.
 */
export function restoreForeign(removed: string, location: string, ours: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  const visit = (relative: string): void => {
    const from = path.join(removed, relative);
    for (const name of fs.readdirSync(from)) {
      const child = relative === '' ? name : `${relative}/${name}`;
      if (child === SETUP_DIR_NAME) continue;
      const stat = fs.lstatSync(path.join(removed, child));
      if (ours.has(child) && stat.isDirectory()) visit(child);
      else if (!ours.has(child)) {
        fs.mkdirSync(path.dirname(path.join(location, child)), { recursive: true, mode: 0o755 });
        fs.renameSync(path.join(removed, child), path.join(location, child));
        kept.push(child);
      }
    }
  };
  visit('');
  return kept;
}
