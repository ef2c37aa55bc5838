// Lexical rules for paths inside an agent package. The manifest and every tar entry go through them, so
// nothing a package names can reach outside the staging folder (absolute paths, "..", Windows drive or
// separator tricks, control characters).

export type PathCheck = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const FORBIDDEN_CHARS = /[\u0000-\u001f\u007f\\]/;

export function checkArchivePath(raw: string): PathCheck {
  let path = raw;
  while (path.startsWith('./')) path = path.slice(2);
  if (path.endsWith('/')) path = path.slice(0, -1);
  if (path.length === 0) return { ok: false, reason: 'empty path' };
  if (path.length > 4096) return { ok: false, reason: 'path longer than 4096 characters' };
  if (path.startsWith('/')) return { ok: false, reason: 'absolute path' };
  if (/^[A-Za-z]:/.test(path)) return { ok: false, reason: 'drive-qualified path' };
  if (FORBIDDEN_CHARS.test(path)) return { ok: false, reason: 'control character or backslash in path' };
  for (const part of path.split('/')) {
    if (part === '' || part === '.') return { ok: false, reason: 'empty or "." path component' };
    if (part === '..') return { ok: false, reason: 'parent-directory ("..") component' };
    if (Buffer.byteLength(part) > 255) return { ok: false, reason: 'path component longer than 255 bytes' };
  }
  return { ok: true, path };
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/**
 * A symlink may only point inside the package: relative, leading ".." steps that do not climb above the
 * payload root, then plain names. ".." after a name is refused because it could climb out through another
 * link (a/b/x -> ../.. followed by y -> a/b/x/.. resolves physically above the root).
 */
export function checkLinkTarget(linkPath: string, target: string, rootPath: string): PathCheck {
  if (target.length === 0) return { ok: false, reason: 'empty link target' };
  if (target.startsWith('/') || /^[A-Za-z]:/.test(target))
    return { ok: false, reason: `absolute link target "${target}"` };
  if (FORBIDDEN_CHARS.test(target)) return { ok: false, reason: 'control character or backslash in link target' };
  const parts = target.split('/');
  let ups = 0;
  let named = false;
  for (const part of parts) {
    if (part === '..') {
      if (named) return { ok: false, reason: `link target "${target}" climbs with ".." after a name` };
      ups++;
    } else if (part === '' || part === '.') {
      return { ok: false, reason: `link target "${target}" has an empty or "." component` };
    } else {
      named = true;
    }
  }
  const relativeParent = parentOf(linkPath).slice(rootPath.length).replace(/^\//, '');
  const depth = relativeParent === '' ? 0 : relativeParent.split('/').length;
  if (ups > depth) return { ok: false, reason: `link target "${target}" leaves the package` };
  return { ok: true, path: target };
}
