import * as fs from 'node:fs';
import * as path from 'node:path';
import { PAYLOAD_ROOT, type PackageManifest } from '../package/package-manifest';
import { writeFileAtomic } from '../system/atomic-file';
import { SETUP_DIR_NAME } from '../system/system-layout';

// Setup's record of what it laid down at the install location (the package's payload, and the scripts
// setup writes itself), so an uninstall removes exactly that and leaves whatever else the admin put there.

export const INSTALLED_FILES = path.join(SETUP_DIR_NAME, 'installed-files.txt');

/**
 * Every payload path of the manifest, relative to the install location, plus setup's own files. Written
 * into one buffer sized first, not through an array of 100,000 strings joined: that array was the install's
 * peak of memory on small-file packages.
 */
export function writeInstalledFiles(tree: string, manifest: PackageManifest, setupFiles: readonly string[]): void {
  const prefix = `${PAYLOAD_ROOT}/`;
  const line = (entry: string): string | undefined =>
    entry.startsWith(prefix) ? entry.slice(prefix.length) : undefined;
  let size = 0;
  for (const entry of manifest.paths()) {
    const relative = line(entry);
    if (relative !== undefined) size += Buffer.byteLength(relative) + 1;
  }
  for (const file of setupFiles) size += Buffer.byteLength(file) + 1;
  const content = Buffer.allocUnsafe(size);
  let at = 0;
  const append = (text: string): void => {
    at += content.write(text, at, 'utf8');
    content[at++] = 0x0a;
  };
  for (const entry of manifest.paths()) {
    const relative = line(entry);
    if (relative !== undefined) append(relative);
  }
  for (const file of setupFiles) append(file);
  writeFileAtomic(path.join(tree, INSTALLED_FILES), content, 0o644);
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
