import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The JavaScript a first load of a built page fetches: the entry script and the chunks its index.html preloads
 * with it (the wizard's later pages, dialogs, push pages and logs view load on first use and are not among them).
 */
export function firstLoadJsFiles(dir: string): string[] {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  return [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\/?([^"]+\.js)"/g)].map(
    (match) => path.join(dir, match[1] as string),
  );
}

/** Every JavaScript file of a built page, the chunks loaded on first use included. */
export function builtJsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

export function gzipBytes(files: readonly string[]): number {
  return files.reduce((sum, file) => sum + gzipSync(fs.readFileSync(file), { level: 9 }).length, 0);
}
