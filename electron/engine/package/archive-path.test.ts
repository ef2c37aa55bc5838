import { describe, expect, it } from 'vitest';
import { checkArchivePath, checkLinkTarget, parentOf } from './archive-path';

describe('checkArchivePath', () => {
  it.each([
    ['payload', 'payload'],
    ['payload/bin/agent', 'payload/bin/agent'],
    ['./payload/x', 'payload/x'],
    ['./././a', 'a'],
    ['payload/', 'payload'],
    ['./dir/', 'dir'],
    ['a b/c-d.e_f+g', 'a b/c-d.e_f+g'],
    ['...', '...'],
    ['..a/a..', '..a/a..'],
    ['.hidden/.config', '.hidden/.config'],
    ['données/ファイル', 'données/ファイル'],
    ['1:2/colon:name', '1:2/colon:name'],
    ['x'.repeat(255), 'x'.repeat(255)],
    [`${'a/'.repeat(2047)}bc`, `${'a/'.repeat(2047)}bc`],
  ])('accepts %j as %j', (raw, expected) => {
    expect(checkArchivePath(raw)).toEqual({ ok: true, path: expected });
  });

  it.each([
    ['', 'empty path'],
    ['./', 'empty path'],
    ['/', 'empty path'],
    ['/etc/passwd', 'absolute path'],
    ['//server/share', 'absolute path'],
    ['.//etc', 'absolute path'],
    ['C:/Windows', 'drive-qualified path'],
    ['c:relative', 'drive-qualified path'],
    ['payload\\..\\x', 'control character or backslash in path'],
    ['a\u0000b', 'control character or backslash in path'],
    ['a\nb', 'control character or backslash in path'],
    ['tab\there', 'control character or backslash in path'],
    ['del\u007f', 'control character or backslash in path'],
    ['a//b', 'empty or "." path component'],
    ['a//', 'empty or "." path component'],
    ['a/./b', 'empty or "." path component'],
    ['.', 'empty or "." path component'],
    ['a/.', 'empty or "." path component'],
    ['..', 'parent-directory ("..") component'],
    ['../a', 'parent-directory ("..") component'],
    ['a/../b', 'parent-directory ("..") component'],
    ['a/..', 'parent-directory ("..") component'],
    ['./../a', 'parent-directory ("..") component'],
    [`a/${'x'.repeat(256)}`, 'path component longer than 255 bytes'],
    [`${'a/'.repeat(2048)}b`, 'path longer than 4096 characters'],
  ])('refuses %j (%s)', (raw, reason) => {
    expect(checkArchivePath(raw)).toEqual({ ok: false, reason });
  });
});

describe('parentOf', () => {
  it.each([
    ['a/b/c', 'a/b'],
    ['payload/x', 'payload'],
    ['payload', ''],
    ['', ''],
    ['a/', 'a'],
  ])('gives %j the parent %j', (path, parent) => {
    expect(parentOf(path)).toBe(parent);
  });
});

describe('checkLinkTarget', () => {
  it.each([
    ['payload/lib/libx.so', 'libx.so.1'],
    ['payload/l', 'sub/dir/file'],
    ['payload/l', '.hidden'],
    ['payload/lib/l', '../bin/agent'],
    ['payload/lib/l', '..'],
    ['payload/a/b/l', '../../x'],
    ['payload/a/b/l', '../../a/b/c'],
    ['payload/a/b/c/l', '../..'],
    ['payload/l', '...'],
  ])('lets %j point to %j', (link, target) => {
    expect(checkLinkTarget(link, target, 'payload')).toEqual({ ok: true, path: target });
  });

  it.each([
    ['payload/l', '', 'empty link target'],
    ['payload/l', '/etc/shadow', 'absolute link target "/etc/shadow"'],
    ['payload/l', 'C:/Windows', 'absolute link target "C:/Windows"'],
    ['payload/l', 'c:x', 'absolute link target "c:x"'],
    ['payload/l', 'a\\b', 'control character or backslash in link target'],
    ['payload/l', 'a\u0001b', 'control character or backslash in link target'],
    ['payload/l', '..', 'link target ".." leaves the package'],
    ['payload/l', '../setup.sh', 'link target "../setup.sh" leaves the package'],
    ['payload/a/l', '../../x', 'link target "../../x" leaves the package'],
    ['payload/a/b/l', '../../../x', 'link target "../../../x" leaves the package'],
    ['payload/l', 'a/../b', 'link target "a/../b" climbs with ".." after a name'],
    ['payload/a/b/l', 'x/..', 'link target "x/.." climbs with ".." after a name'],
    ['payload/a/b/l', '../x/../..', 'link target "../x/../.." climbs with ".." after a name'],
    ['payload/l', './x', 'link target "./x" has an empty or "." component'],
    ['payload/l', '.', 'link target "." has an empty or "." component'],
    ['payload/l', 'a//b', 'link target "a//b" has an empty or "." component'],
    ['payload/l', 'dir/', 'link target "dir/" has an empty or "." component'],
  ])('refuses a link %j to %j', (link, target, reason) => {
    expect(checkLinkTarget(link, target, 'payload')).toEqual({ ok: false, reason });
  });

  it('counts depth from the given root, not from the archive root', () => {
    expect(checkLinkTarget('root/a/l', '..', 'root').ok).toBe(true);
    expect(checkLinkTarget('root/a/l', '../..', 'root').ok).toBe(false);
    expect(checkLinkTarget('deep/root/a/l', '..', 'deep/root').ok).toBe(true);
    expect(checkLinkTarget('deep/root/a/l', '../..', 'deep/root').ok).toBe(false);
  });
});

describe('path component length (review findings)', () => {
  it('a path component is limited to 255 bytes, not 255 characters', () => {
    const check = checkArchivePath(`payload/${'é'.repeat(200)}`);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toBe('path component longer than 255 bytes');
    expect(checkArchivePath(`payload/${'e'.repeat(255)}`).ok).toBe(true);
  });
});
