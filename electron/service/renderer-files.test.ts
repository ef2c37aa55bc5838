import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, contentTypeOf, rendererFileFor } from './renderer-files';

// What the app:// protocol serves: only files under the built renderer, whatever the URL path says, each
// with a strict Content-Security-Policy and a content type from a fixed table.

const RENDERER = '/opt/mobility-setup/resources/app/dist/renderer';

function directives(): Map<string, string> {
  return new Map(
    CONTENT_SECURITY_POLICY.split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const [name = '', ...values] = part.split(/\s+/);
        return [name, values.join(' ')] as const;
      }),
  );
}

describe('CONTENT_SECURITY_POLICY', () => {
  it.each([
    "default-src 'self'",
    "script-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ])('contains %s', (directive) => {
    expect(CONTENT_SECURITY_POLICY.split('; ')).toContain(directive);
  });

  it.each([
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    "'wasm-unsafe-eval'",
    '*',
    'http:',
    'https:',
    'blob:',
  ])('never allows %s', (source) => {
    for (const [name, values] of directives()) expect(values.split(' '), name).not.toContain(source);
  });

  it('names each directive once', () => {
    const names = CONTENT_SECURITY_POLICY.split(';').map((part) => part.trim().split(/\s+/)[0]);
    expect(new Set(names).size).toBe(names.length);
  });

  it("allows scripts only from 'self'", () => {
    expect(directives().get('script-src')).toBe("'self'");
  });
});

describe('rendererFileFor', () => {
  it.each([
    ['/', 'index.html'],
    ['', 'index.html'],
    ['/index.html', 'index.html'],
    ['/assets/index-3f2a.js', 'assets/index-3f2a.js'],
    ['/assets/app%20styles.css', 'assets/app styles.css'],
    ['/assets/../index.html', 'index.html'],
    ['/./index.html', 'index.html'],
    ['//etc/passwd', 'etc/passwd'],
    ['///etc/passwd', 'etc/passwd'],
  ])('maps %j to <renderer>/%s', (urlPath, relative) => {
    expect(rendererFileFor(RENDERER, urlPath)).toBe(path.join(RENDERER, relative));
  });

  it.each([
    ['a parent reference', '/../secret.txt'],
    ['a parent reference without a leading slash', '../secret.txt'],
    ['parent references after a folder', '/assets/../../secret.txt'],
    ['many parent references', '/../../../../../../etc/passwd'],
    ['an encoded parent reference', '/%2e%2e/secret.txt'],
    ['an upper-case encoded parent reference', '/%2E%2E/%2E%2E/etc/passwd'],
    ['an encoded slash and parent reference', '/assets%2f..%2f..%2fsecret.txt'],
    ['a sibling folder sharing the prefix', '/../renderer-evil/index.html'],
    ['the parent folder itself', '/..'],
    ['the renderer folder itself', '/.'],
    ['an encoded NUL', '/index.html%00.png'],
    ['a raw NUL', '/index.html\0'],
    ['a backslash', '/..\\..\\etc\\passwd'],
    ['an encoded backslash', '/assets%5c..%5c..%5csecret.txt'],
    ['malformed percent-encoding', '/%E0%A4%A'],
    ['a lone percent sign', '/100%'],
  ])('refuses %s (%j)', (_what, urlPath) => {
    expect(rendererFileFor(RENDERER, urlPath)).toBeUndefined();
  });

  it('never returns a path outside the renderer folder', () => {
    const attempts = ['/../x', '/%2e%2e%2fx', '//../x', '/a/b/c/../../../../x', '/%2e%2e', '/.%2e/x', '/%2e./x'];
    for (const attempt of attempts) {
      const file = rendererFileFor(RENDERER, attempt);
      if (file !== undefined) expect(file.startsWith(RENDERER + path.sep), attempt).toBe(true);
    }
  });

  it('treats the renderer folder given with a trailing slash or dot segments the same', () => {
    expect(rendererFileFor(`${RENDERER}/`, '/index.html')).toBe(path.join(RENDERER, 'index.html'));
    expect(rendererFileFor(`${RENDERER}/../renderer`, '/../secret')).toBeUndefined();
  });
});

describe('contentTypeOf', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['/x/assets/index-3f2a.js', 'text/javascript; charset=utf-8'],
    ['app.css', 'text/css; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['icon.png', 'image/png'],
    ['manifest.json', 'application/json'],
    ['inter.woff2', 'font/woff2'],
    ['INDEX.HTML', 'text/html; charset=utf-8'],
    ['bundle.JS', 'text/javascript; charset=utf-8'],
    ['index.js.map', 'application/octet-stream'],
    ['setup.exe', 'application/octet-stream'],
    ['README', 'application/octet-stream'],
    ['.html', 'application/octet-stream'],
    ['archive.tar.gz', 'application/octet-stream'],
  ])('%s -> %s', (file, type) => {
    expect(contentTypeOf(file)).toBe(type);
  });
});
