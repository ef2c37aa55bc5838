import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  comparePaths,
  MANIFEST_FORMAT,
  ManifestError,
  type ManifestTuple,
  type PackageManifest,
} from './package-manifest';
import { ManifestParser, parseManifest, serializeManifest } from './manifest-parser';

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

const VERSION = '9.60.0.0';
const LABEL = 'DEBIAN12-64';
const CREATED = '2026-11-01T00:00:00.000Z';

const ENTRIES: readonly ManifestTuple[] = [
  ['payload', 'd', 0o755],
  ['payload/bin', 'd', 0o755],
  ['payload/bin/agent', 'f', 0o750, 5, sha('hello')],
  ['payload/lib', 'd', 0o755],
  ['payload/lib/libx.so', 'l', 0o777, 'libx.so.1'],
  ['payload/lib/libx.so.1', 'f', 0o644, 300, sha('x'.repeat(300))],
  ['payload/lib/up', 'l', 0o777, '../bin/agent'],
  ['setup.sh', 'f', 0o755, 42, sha('setup')],
];

function text(entries: readonly ManifestTuple[] = ENTRIES): string {
  return serializeManifest({ agentVersion: VERSION, osLabel: LABEL, created: CREATED, entries });
}

/**
 * A manifest in the line layout with any entries (well formed or not) and header fields overridden, for
 * manifests serializeManifest's types would not let a test write.
 */
function rawText(entries: readonly unknown[], header: Readonly<Record<string, unknown>> = {}): string {
  let totalBytes = 0;
  for (const entry of entries) {
    const size: unknown = Array.isArray(entry) && entry[1] === 'f' ? entry[3] : undefined;
    // Only sizes the header could legally sum: a test of a bad size must fail on the entry, not the header.
    if (typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) totalBytes += size;
  }
  const head = JSON.stringify({
    format: MANIFEST_FORMAT,
    agentVersion: VERSION,
    osLabel: LABEL,
    created: CREATED,
    totalBytes,
    entryCount: entries.length,
    ...header,
    entries: [],
  });
  return `${head.slice(0, -2)}\n${entries.map((entry) => JSON.stringify(entry)).join(',\n')}\n]}\n`;
}

/** Pushes the manifest in chunks of `size` bytes, as the extractor does with tar content. */
function parseInChunks(data: string | Buffer, size: number): PackageManifest {
  const bytes = Buffer.from(data);
  const parser = new ManifestParser();
  for (let offset = 0; offset < bytes.length; offset += size) parser.push(bytes.subarray(offset, offset + size));
  return parser.finish();
}

function refusal(data: string | Buffer, chunk?: number): string {
  try {
    if (chunk === undefined) parseManifest(data);
    else parseInChunks(data, chunk);
  } catch (error) {
    expect(error).toBeInstanceOf(ManifestError);
    return (error as Error).message;
  }
  throw new Error('the manifest was accepted');
}

const root: ManifestTuple = ['payload', 'd', 0o755];

describe('comparePaths', () => {
  it('sorts "/" before every other character, so a folder precedes its siblings with longer names', () => {
    expect(comparePaths('a/b', 'a-b')).toBeLessThan(0);
    expect(comparePaths('a-b', 'a0')).toBeLessThan(0);
    expect(comparePaths('a/b', 'a0')).toBeLessThan(0);
    expect(comparePaths('a0', 'a/b')).toBeGreaterThan(0);
    expect(comparePaths('a/z', 'a.b')).toBeLessThan(0);
    expect(comparePaths('a/z', 'a b')).toBeLessThan(0);
  });

  it('puts a prefix before the longer path and finds equal paths equal', () => {
    expect(comparePaths('a', 'a/b')).toBeLessThan(0);
    expect(comparePaths('payload', 'payload.d')).toBeLessThan(0);
    expect(comparePaths('payload/x', 'payload')).toBeGreaterThan(0);
    expect(comparePaths('same/path', 'same/path')).toBe(0);
    expect(comparePaths('', '')).toBe(0);
  });

  it('gives the depth-first order of a sorted tree walk', () => {
    const walk = ['a', 'a/b', 'a/b/c', 'a/b-c', 'a/b0', 'a-b', 'a.txt', 'a0', 'b'];
    const shuffled = [...walk].reverse();
    expect(shuffled.sort(comparePaths)).toEqual(walk);
  });
});

describe('manifest round trip', () => {
  const manifestText = text();

  function expectFullManifest(manifest: PackageManifest): void {
    expect(manifest.format).toBe(MANIFEST_FORMAT);
    expect(manifest.agentVersion).toBe(VERSION);
    expect(manifest.osLabel).toBe(LABEL);
    expect(manifest.created).toBe(CREATED);
    expect(manifest.size).toBe(ENTRIES.length);
    expect(manifest.declaredEntries).toBe(ENTRIES.length);
    expect([...manifest.paths()]).toEqual(ENTRIES.map((entry) => entry[0]));
    expect(manifest.totalBytes).toBe(5 + 300 + 42);
    expect(manifest.payloadBytes).toBe(5 + 300);
    expect(manifest.payloadFiles).toBe(2);
    expect(manifest.payloadLinks).toBe(2);
    expect(manifest.digest).toBe(sha(manifestText));
  }

  it('reads back every entry that serializeManifest wrote', () => {
    const manifest = parseManifest(manifestText);
    expectFullManifest(manifest);
    ENTRIES.forEach((tuple, i) => {
      expect(manifest.pathAt(i)).toBe(tuple[0]);
      expect(manifest.modeAt(i)).toBe(tuple[2]);
      expect(manifest.typeAt(i)).toBe({ d: 'directory', f: 'file', l: 'symlink' }[tuple[1]]);
      if (tuple[1] === 'f') {
        expect(manifest.sizeAt(i)).toBe(tuple[3]);
        expect(manifest.sha256At(i).toString('hex')).toBe(tuple[4]);
        expect(manifest.sha256At(i).length).toBe(32);
      } else {
        expect(manifest.sizeAt(i)).toBe(0);
      }
      expect(manifest.targetAt(i)).toBe(tuple[1] === 'l' ? tuple[3] : '');
    });
  });

  it.each([1, 2, 7, 64, 100, 4096])('reads the same manifest when it arrives %i bytes at a time', (chunk) => {
    const manifest = parseInChunks(manifestText, chunk);
    expectFullManifest(manifest);
    expect(manifest.get('payload/lib/libx.so.1')).toEqual({
      type: 'file',
      path: 'payload/lib/libx.so.1',
      mode: 0o644,
      size: 300,
      sha256: sha('x'.repeat(300)),
    });
  });

  it('reads UTF-8 paths whose bytes are split across chunks', () => {
    const entries: ManifestTuple[] = [
      root,
      ['payload/données', 'd', 0o755],
      ['payload/données/ファイル', 'f', 0o644, 1, sha('a')],
    ];
    const manifest = parseInChunks(text(entries), 1);
    expect([...manifest.paths()]).toEqual(['payload', 'payload/données', 'payload/données/ファイル']);
    expect(manifest.indexOf('payload/données/ファイル')).toBe(2);
  });

  it('finds entries with indexOf, with or without a hint, and -1 for unknown paths', () => {
    const manifest = parseManifest(manifestText);
    expect(manifest.indexOf('payload/bin/agent', 2)).toBe(2);
    // A wrong hint falls back to the index.
    expect(manifest.indexOf('payload/bin/agent', 5)).toBe(2);
    expect(manifest.indexOf('payload/bin/agent', 99)).toBe(2);
    expect(manifest.indexOf('setup.sh')).toBe(7);
    expect(manifest.indexOf('payload')).toBe(0);
    expect(manifest.indexOf('payload/missing')).toBe(-1);
    expect(manifest.indexOf('payload/missing', 3)).toBe(-1);
    expect(manifest.indexOf('')).toBe(-1);
  });

  it('returns each entry as an object with get', () => {
    const manifest = parseManifest(manifestText);
    expect(manifest.get('payload/bin')).toEqual({ type: 'directory', path: 'payload/bin', mode: 0o755 });
    expect(manifest.get('payload/bin/agent')).toEqual({
      type: 'file',
      path: 'payload/bin/agent',
      mode: 0o750,
      size: 5,
      sha256: sha('hello'),
    });
    expect(manifest.get('payload/lib/up')).toEqual({
      type: 'symlink',
      path: 'payload/lib/up',
      mode: 0o777,
      target: '../bin/agent',
    });
    expect(manifest.get('payload/nothing')).toBeUndefined();
  });

  it('serializes one entry a line between the header and "]}"', () => {
    const lines = manifestText.split('\n');
    expect(lines[0]?.endsWith('"entries":[')).toBe(true);
    expect(JSON.parse(`${lines[0]}]}`)).toEqual({
      format: MANIFEST_FORMAT,
      agentVersion: VERSION,
      osLabel: LABEL,
      created: CREATED,
      totalBytes: 347,
      entryCount: 8,
      entries: [],
    });
    expect(lines.slice(1, -2)).toEqual(
      ENTRIES.map((entry, i) => `${JSON.stringify(entry)}${i < ENTRIES.length - 1 ? ',' : ''}`),
    );
    expect(lines.slice(-2)).toEqual([']}', '']);
  });

  it('accepts CRLF line endings, with the digest taken over the bytes as given', () => {
    const crlf = manifestText.replace(/\n/g, '\r\n');
    for (const manifest of [parseManifest(crlf), parseInChunks(crlf, 3)]) {
      expect([...manifest.paths()]).toEqual(ENTRIES.map((entry) => entry[0]));
      expect(manifest.digest).toBe(sha(crlf));
      expect(manifest.digest).not.toBe(sha(manifestText));
    }
  });

  it('takes a Buffer as well as a string, and canonicalises the OS label', () => {
    const manifest = parseManifest(Buffer.from(rawText([root], { osLabel: 'debian12-64' })));
    expect(manifest.osLabel).toBe('DEBIAN12-64');
  });

  it('accepts blank lines after the end', () => {
    expect(parseManifest(`${text([root])}\n\n  \n`).size).toBe(1);
  });
});

describe('manifest entries that are refused', () => {
  it('refuses entries out of order', () => {
    expect(refusal(rawText([root, ['payload/b', 'd', 0o755], ['payload/a', 'd', 0o755]]))).toMatch(
      /"payload\/a" is out of order \(after "payload\/b"\)/,
    );
    // "/" sorts first: payload/a/x belongs before payload/a-b.
    expect(
      refusal(rawText([root, ['payload/a', 'd', 0o755], ['payload/a-b', 'd', 0o755], ['payload/a/x', 'd', 0o755]])),
    ).toMatch(/out of order/);
  });

  it('refuses an entry listed twice', () => {
    expect(refusal(rawText([root, ['payload/a', 'd', 0o755], ['payload/a', 'd', 0o755]]))).toMatch(
      /"payload\/a" is listed twice/,
    );
  });

  it('refuses an entry whose folder is not listed before it', () => {
    expect(refusal(rawText([root, ['payload/bin/agent', 'f', 0o755, 1, sha('a')]]))).toMatch(
      /"payload\/bin\/agent" is not inside a directory listed before it/,
    );
  });

  it('refuses an entry below a symlink or a file', () => {
    expect(
      refusal(
        rawText([
          root,
          ['payload/lib', 'l', 0o777, 'real'],
          ['payload/lib/x', 'f', 0o644, 1, sha('a')],
          ['payload/real', 'd', 0o755],
        ]),
      ),
    ).toMatch(/"payload\/lib\/x" is not inside a directory/);
    expect(
      refusal(rawText([root, ['payload/f', 'f', 0o644, 1, sha('a')], ['payload/f/x', 'f', 0o644, 1, sha('a')]])),
    ).toMatch(/not inside a directory/);
  });

  it.each([
    ['an absolute path', '/payload/x'],
    ['a ".." component', 'payload/../etc'],
    ['a non-canonical spelling ("./")', './payload/x'],
    ['a trailing slash', 'payload/x/'],
    ['a backslash', 'payload\\x'],
  ])('refuses %s', (_what, path) => {
    expect(refusal(rawText([root, [path, 'd', 0o755]]))).toMatch(/is not a safe relative path/);
  });

  it.each([
    ['an absolute target', 'payload/l', '/etc/shadow', /absolute link target/],
    ['a target that climbs out of the payload', 'payload/l', '../setup.sh', /leaves the package/],
    ['a target that climbs out from a subfolder', 'payload/bin/l', '../../x', /leaves the package/],
    ['".." after a name', 'payload/l', 'bin/../../x', /climbs with "\.\." after a name/],
    ['an empty target', 'payload/l', '', /empty link target/],
  ])('refuses a symlink with %s', (_what, path, target, message) => {
    const entries: unknown[] = [root, ['payload/bin', 'd', 0o755], [path, 'l', 0o777, target]];
    entries.sort((a, b) => comparePaths((a as string[])[0] ?? '', (b as string[])[0] ?? ''));
    expect(refusal(rawText(entries))).toMatch(message);
  });

  // Security review finding 8: drwxrwxrwx root bin/ was installed as-is.
  it.each([
    ['group-writable', 0o775],
    ['other-writable', 0o757],
    ['world-writable', 0o777],
  ])('refuses a %s file or folder, not a symlink', (_what, mode) => {
    expect(refusal(rawText([root, ['payload/x', 'f', mode & 0o666, 1, sha('a')]]))).toMatch(
      /can be written by group or others/,
    );
    expect(refusal(rawText([root, ['payload/d', 'd', mode]]))).toMatch(/can be written by group or others/);
    expect(() => parseManifest(rawText([root, ['payload/l', 'l', 0o777, 'x']]))).not.toThrow();
  });

  it('refuses a symlink outside the payload', () => {
    expect(refusal(rawText([root, ['tool', 'l', 0o777, 'payload/x']]))).toMatch(/symlink "tool" outside the payload/);
  });

  it.each([
    ['setuid', 0o4755],
    ['setgid', 0o2755],
    ['sticky', 0o1777],
  ])('refuses a %s mode', (_bit, mode) => {
    expect(refusal(rawText([root, ['payload/x', 'f', mode, 1, sha('a')]]))).toMatch(/setuid\/setgid\/sticky/);
    expect(refusal(rawText([root, ['payload/d', 'd', mode]]))).toMatch(/setuid\/setgid\/sticky/);
  });

  it.each([
    ['a mode above 0o7777', ['payload/x', 'd', 0o17777], /is malformed/],
    ['a negative mode', ['payload/x', 'd', -1], /is malformed/],
    ['a fractional mode', ['payload/x', 'd', 1.5], /is malformed/],
    ['a mode given as a string', ['payload/x', 'd', '755'], /is malformed/],
    ['a path that is not a string', [7, 'd', 0o755], /is malformed/],
    ['an object instead of a tuple', { path: 'payload/x', type: 'd', mode: 0o755 }, /is not a tuple/],
    ['a negative size', ['payload/x', 'f', 0o644, -1, sha('a')], /invalid size/],
    ['a fractional size', ['payload/x', 'f', 0o644, 1.5, sha('a')], /invalid size/],
    ['a size given as a string', ['payload/x', 'f', 0o644, '1', sha('a')], /invalid size/],
    ['an upper-case sha256', ['payload/x', 'f', 0o644, 1, sha('a').toUpperCase()], /invalid sha256/],
    ['a short sha256', ['payload/x', 'f', 0o644, 1, sha('a').slice(1)], /invalid sha256/],
    ['a non-hex sha256', ['payload/x', 'f', 0o644, 1, `${sha('a').slice(1)}g`], /invalid sha256/],
    ['a link target that is not a string', ['payload/x', 'l', 0o777, 5], /invalid link target/],
    ['a directory with extra fields', ['payload/x', 'd', 0o755, 0], /unknown type or shape/],
    ['a file without a sha256', ['payload/x', 'f', 0o644, 1], /unknown type or shape/],
    ['a symlink without a target', ['payload/x', 'l', 0o777], /unknown type or shape/],
    ['an unknown type', ['payload/x', 'h', 0o644, 'payload'], /unknown type or shape/],
  ])('refuses an entry with %s', (_what, entry, message) => {
    expect(refusal(rawText([root, entry]))).toMatch(message);
  });

  it('refuses a line that is not JSON', () => {
    const manifestText = text([root, ['payload/a', 'd', 0o755]]).replace(
      '["payload/a","d",493]',
      '["payload/a","d",493',
    );
    expect(refusal(manifestText)).toMatch(/is not valid JSON/);
  });
});

describe('manifest header and framing', () => {
  const good = rawText([root, ['payload/x', 'f', 0o644, 3, sha('abc')]]);

  it('accepts the reference manifest these tests modify', () => {
    expect(parseManifest(good).totalBytes).toBe(3);
  });

  it('refuses a wrong format string', () => {
    expect(refusal(rawText([root], { format: 'asr-agent-package/2' }))).toMatch(/manifest is invalid: format/);
  });

  it('refuses an OS label outside the support matrix', () => {
    expect(refusal(rawText([root], { osLabel: 'DEBIAN99-64' }))).toMatch(
      /osLabel: osLabel must be a label of the support matrix/,
    );
  });

  it.each(['9.60', '9.60.0.0.1', 'v9.60.0.0', '9.60.0.x'])('refuses agent version %s', (agentVersion) => {
    expect(refusal(rawText([root], { agentVersion }))).toMatch(/agentVersion: agentVersion must be X.Y.Z.W/);
  });

  it('refuses a header without an entry count, or with zero entries', () => {
    expect(refusal(rawText([root], { entryCount: undefined }))).toMatch(/entryCount/);
    expect(refusal(rawText([root], { entryCount: 0 }))).toMatch(/entryCount/);
  });

  it('refuses more entries than the header declares', () => {
    expect(refusal(rawText([root, ['payload/a', 'd', 0o755], ['payload/b', 'd', 0o755]], { entryCount: 2 }))).toMatch(
      /more entries than the 2 its header declares/,
    );
  });

  it('refuses fewer entries than the header declares', () => {
    expect(refusal(rawText([root, ['payload/a', 'd', 0o755]], { entryCount: 3 }))).toMatch(
      /lists 2 entries; its header declares 3/,
    );
  });

  it('refuses a totalBytes that does not match the files', () => {
    expect(refusal(rawText([root, ['payload/x', 'f', 0o644, 3, sha('abc')]], { totalBytes: 4 }))).toMatch(
      /totalBytes 4 does not match its entries \(3\)/,
    );
  });

  it('refuses a manifest without the "payload" folder', () => {
    expect(refusal(rawText([['setup.sh', 'f', 0o755, 1, sha('a')]]))).toMatch(/no "payload" directory/);
    expect(refusal(rawText([['payload', 'f', 0o644, 1, sha('a')]]))).toMatch(/no "payload" directory/);
  });

  it('refuses a manifest without its closing line', () => {
    const open = good.replace(/\]\}\n$/, '');
    expect(open).not.toBe(good);
    expect(refusal(open)).toMatch(/truncated \(no closing "\]\}"\)/);
    expect(refusal(open, 5)).toMatch(/truncated/);
  });

  it('refuses an empty manifest', () => {
    expect(refusal('')).toMatch(/manifest is empty/);
  });

  it('refuses content after the closing line', () => {
    expect(refusal(`${good}["payload/y","d",493]\n`)).toMatch(/content after its end/);
    expect(refusal(`${good}]}`, 4)).toMatch(/content after its end/);
  });

  it('refuses a whole-document JSON manifest (not in the line layout)', () => {
    const pretty = JSON.stringify({
      format: MANIFEST_FORMAT,
      agentVersion: VERSION,
      osLabel: LABEL,
      created: CREATED,
      totalBytes: 0,
      entryCount: 1,
      entries: [root],
    });
    expect(refusal(pretty)).toMatch(/not in the line layout/);
  });

  it('refuses a header line that is not JSON', () => {
    expect(refusal('{"format":,"entries":[\n]}\n')).toMatch(/header is not valid JSON/);
  });

  it('refuses a line over 64 KiB when it arrives in chunks', () => {
    const long = rawText([root], { created: 'x'.repeat(70 * 1024) });
    expect(refusal(long, 1024)).toMatch(/line longer than 64 KiB/);
    expect(refusal(long, 1000)).toMatch(/line longer than 64 KiB/);
  });

  it('refuses an unterminated line over 64 KiB pushed in one chunk', () => {
    const parser = new ManifestParser();
    expect(() => parser.push(Buffer.from(`${'y'.repeat(65 * 1024)}`))).toThrow(/line longer than 64 KiB/);
  });
});

describe('the manifest line limit (review findings)', () => {
  it('the 64 KiB manifest line limit holds however the manifest is chunked', () => {
    const text = serializeManifest({
      agentVersion: '9.60.0.0',
      osLabel: 'DEBIAN12-64',
      created: 'x'.repeat(70_000),
      entries: [['payload', 'd', 0o755]],
    });
    expect(() => parseManifest(text)).toThrow(/longer than 64 KiB/);
    for (const size of [1000, 16 * 1024, 40 * 1024]) {
      const parser = new ManifestParser();
      const data = Buffer.from(text);
      expect(() => {
        for (let offset = 0; offset < data.length; offset += size) parser.push(data.subarray(offset, offset + size));
        parser.finish();
      }).toThrow(/longer than 64 KiB/);
    }
  });
});
