import { describe, expect, it } from 'vitest';
import tarStream from 'tar-stream';
import { TarFormatError, TarReader, type TarHeader } from './tar-reader';
import { padToBlock, rawTarHeader, withTarChecksum } from '../test-support/fixtures';

// Archives are built by hand (or with tar-stream) and fed to the push parser in every chunking, so each
// test pins down what the installer sees for the exact bytes a package holds.

interface ReadEntry {
  readonly header: TarHeader;
  readonly content: Buffer;
}

interface ReadResult {
  readonly entries: ReadEntry[];
  /** The visitor calls in order, to check that entry/data/entryEnd are well nested. */
  readonly calls: string[];
  readonly reader: TarReader;
}

function collector(): { reader: TarReader; result: () => ReadResult } {
  const entries: ReadEntry[] = [];
  const calls: string[] = [];
  let current: { header: TarHeader; chunks: Buffer[] } | undefined;
  const reader = new TarReader({
    entry(header) {
      if (current) throw new Error(`entry ${header.path} started before ${current.header.path} ended`);
      calls.push(`entry ${header.path}`);
      current = { header, chunks: [] };
    },
    data(chunk) {
      if (!current) throw new Error('data outside an entry');
      // The chunk is only valid during the call.
      current.chunks.push(Buffer.from(chunk));
    },
    entryEnd() {
      if (!current) throw new Error('entryEnd outside an entry');
      calls.push(`end ${current.header.path}`);
      entries.push({ header: current.header, content: Buffer.concat(current.chunks) });
      current = undefined;
    },
  });
  return { reader, result: () => ({ entries, calls, reader }) };
}

/** Feeds the archive in chunks of `chunk` bytes (or whole), then calls finish(). */
function readTar(archive: Buffer, chunk = archive.length || 1): ReadResult {
  const { reader, result } = collector();
  for (let offset = 0; offset < archive.length; offset += chunk) reader.write(archive.subarray(offset, offset + chunk));
  reader.finish();
  return result();
}

function readTarInSizes(archive: Buffer, sizes: readonly number[]): ReadResult {
  const { reader, result } = collector();
  let offset = 0;
  let i = 0;
  while (offset < archive.length) {
    const size = sizes[i++ % sizes.length] ?? 1;
    reader.write(archive.subarray(offset, offset + size));
    offset += size;
  }
  reader.finish();
  return result();
}

interface HeaderFields {
  readonly name: string;
  readonly size?: number;
  readonly type?: string;
  readonly mode?: number;
  readonly linkname?: string;
  readonly prefix?: string;
  readonly magic?: string;
  /** Raw bytes for the 12-byte size field (base-256, garbage...). */
  readonly sizeField?: Buffer;
  /** Raw text for the 8-byte mode field. */
  readonly modeField?: string;
}

function header(fields: HeaderFields): Buffer {
  const block = rawTarHeader(fields.name, fields.size ?? 0, fields.type ?? '0', fields.mode ?? 0o644);
  if (fields.modeField !== undefined) {
    block.fill(0, 100, 108);
    block.write(fields.modeField, 100, 8, 'latin1');
  }
  if (fields.sizeField) {
    block.fill(0, 124, 136);
    fields.sizeField.copy(block, 124);
  }
  if (fields.linkname !== undefined) block.write(fields.linkname, 157, 100, 'utf8');
  if (fields.magic !== undefined) {
    block.fill(0, 257, 265);
    block.write(fields.magic, 257, 8, 'latin1');
  }
  if (fields.prefix !== undefined) block.write(fields.prefix, 345, 155, 'utf8');
  return withTarChecksum(block);
}

function fileEntry(name: string, content: Buffer | string, mode = 0o644): Buffer {
  const data = Buffer.from(content);
  return Buffer.concat([header({ name, size: data.length, mode }), padToBlock(data)]);
}

/** A pax extended header ('x' or 'g') carrying the given records. */
function paxEntry(records: Readonly<Record<string, string>>, type: 'x' | 'g' = 'x'): Buffer {
  const body = Buffer.concat(
    Object.entries(records).map(([key, value]) => {
      const tail = ` ${key}=${value}\n`;
      const tailBytes = Buffer.byteLength(tail);
      let length = tailBytes + 1;
      while (String(length).length + tailBytes !== length) length++;
      return Buffer.from(`${length}${tail}`);
    }),
  );
  return Buffer.concat([header({ name: 'PaxHeaders/entry', size: body.length, type }), padToBlock(body)]);
}

/** A GNU long name ('L') or long link ('K') record. */
function gnuLongEntry(type: 'L' | 'K', value: string): Buffer {
  const body = Buffer.from(`${value}\0`);
  return Buffer.concat([header({ name: '././@LongLink', size: body.length, type }), padToBlock(body)]);
}

const END = Buffer.alloc(1024);

function archive(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, END]);
}

/** Deterministic pseudo-random bytes, so a failing chunking reproduces. */
function pseudoRandom(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function expectFormatError(read: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    read();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TarFormatError);
  expect((caught as Error).message).toMatch(message);
}

function summary(
  result: ReadResult,
): Array<{ path: string; type: string; size: number; linkTarget: string; mode: number; content: string }> {
  return result.entries.map(({ header: h, content }) => ({
    path: h.path,
    type: h.type,
    size: h.size,
    linkTarget: h.linkTarget,
    mode: h.mode,
    content: content.toString('hex'),
  }));
}

describe('TarReader: chunk boundaries', () => {
  const sizes = [0, 1, 511, 512, 513, 1024, 3000];
  const contents = sizes.map((size, i) => pseudoRandom(size, i + 1));
  const paxName = `payload/${'long name '.repeat(20).trim()}`;
  const mixed = archive(
    header({ name: 'payload/', type: '5', mode: 0o755 }),
    ...contents.map((content, i) => fileEntry(`payload/file-${sizes[i]}`, content, 0o600 + i)),
    paxEntry({ path: paxName }),
    fileEntry('short', 'pax content'),
    header({ name: 'payload/link', type: '2', linkname: 'file-1', mode: 0o777 }),
  );

  it('reads every entry with its exact content when the archive arrives whole', () => {
    const result = readTar(mixed);
    expect(result.entries.map((e) => e.header.path)).toEqual([
      'payload/',
      ...sizes.map((size) => `payload/file-${size}`),
      paxName,
      'payload/link',
    ]);
    sizes.forEach((size, i) => {
      const entry = result.entries[i + 1];
      expect(entry?.header.size).toBe(size);
      expect(entry?.header.mode).toBe(0o600 + i);
      expect(entry?.content.equals(contents[i] as Buffer)).toBe(true);
    });
    expect(result.entries[sizes.length + 1]?.content.toString()).toBe('pax content');
    expect(result.entries.at(-1)?.header.linkTarget).toBe('file-1');
    expect(result.reader.ended).toBe(true);
  });

  it.each([1, 7, 100, 511, 512, 513, 1023, 4096])(
    'gives identical entries and content when fed %i bytes at a time',
    (chunk) => {
      const whole = readTar(mixed);
      const chunked = readTar(mixed, chunk);
      expect(summary(chunked)).toEqual(summary(whole));
      expect(chunked.calls).toEqual(whole.calls);
      expect(chunked.reader.ended).toBe(true);
    },
  );

  it('gives identical entries for irregular chunk sizes that cut headers, content and padding anywhere', () => {
    const whole = summary(readTar(mixed));
    for (const pattern of [
      [3, 509, 1, 1000],
      [511, 2, 513],
      [1, 1, 1022, 5],
      [700, 300, 13],
    ]) {
      expect(summary(readTarInSizes(mixed, pattern))).toEqual(whole);
    }
  });

  it('calls entry, data and entryEnd well nested, and once each per entry', () => {
    const result = readTar(archive(fileEntry('a', 'x'.repeat(600)), header({ name: 'd/', type: '5' })), 1);
    expect(result.calls).toEqual(['entry a', 'end a', 'entry d/', 'end d/']);
    expect(result.entries[0]?.content.length).toBe(600);
  });

  it('reads an archive written by tar-stream, long names included', async () => {
    const longName = `payload/${'deep/'.repeat(30)}file.bin`;
    const longTarget = `${'../'.repeat(2)}${'t'.repeat(150)}`;
    const paxName = `payload/${'x'.repeat(120)}`;
    const pack = tarStream.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
    pack.entry({ name: 'payload', type: 'directory', mode: 0o755 });
    pack.entry({ name: longName, mode: 0o640 }, Buffer.from('deep content'));
    pack.entry({ name: 'payload/far', type: 'symlink', linkname: longTarget, mode: 0o777 });
    pack.entry({ name: 'payload/empty', mode: 0o600 }, Buffer.alloc(0));
    // One component over 100 bytes, and a UTF-8 name: tar-stream writes both with a pax header.
    pack.entry({ name: paxName, mode: 0o644 }, Buffer.from('pax'));
    pack.entry({ name: 'payload/données', mode: 0o644 }, Buffer.from('utf8'));
    pack.finalize();
    await done;
    const bytes = Buffer.concat(chunks);
    for (const chunk of [1, 513, bytes.length]) {
      const result = readTar(bytes, chunk);
      expect(summary(result)).toEqual([
        { path: 'payload', type: 'directory', size: 0, linkTarget: '', mode: 0o755, content: '' },
        {
          path: longName,
          type: 'file',
          size: 12,
          linkTarget: '',
          mode: 0o640,
          content: Buffer.from('deep content').toString('hex'),
        },
        { path: 'payload/far', type: 'symlink', size: 0, linkTarget: longTarget, mode: 0o777, content: '' },
        { path: 'payload/empty', type: 'file', size: 0, linkTarget: '', mode: 0o600, content: '' },
        {
          path: paxName,
          type: 'file',
          size: 3,
          linkTarget: '',
          mode: 0o644,
          content: Buffer.from('pax').toString('hex'),
        },
        {
          path: 'payload/données',
          type: 'file',
          size: 4,
          linkTarget: '',
          mode: 0o644,
          content: Buffer.from('utf8').toString('hex'),
        },
      ]);
    }
  });
});

describe('TarReader: names and extended headers', () => {
  it('joins the ustar prefix field and the name with a slash', () => {
    const result = readTar(
      archive(
        Buffer.concat([header({ name: 'agent.bin', size: 2, prefix: 'payload/bin' }), padToBlock(Buffer.from('ok'))]),
      ),
    );
    expect(result.entries[0]?.header.path).toBe('payload/bin/agent.bin');
    expect(result.entries[0]?.content.toString()).toBe('ok');
  });

  it('ignores the prefix area of a header without the ustar magic (old v7 tar)', () => {
    const result = readTar(archive(header({ name: 'plain', magic: '', prefix: 'not-a-prefix' })));
    expect(result.entries[0]?.header.path).toBe('plain');
  });

  it('lets a pax header override the path, link target and size of the next entry only', () => {
    const result = readTar(
      archive(
        paxEntry({ path: 'payload/pax-name', size: '5', mtime: '1700000000.5', 'SCHILY.xattr.user.x': 'ignored' }),
        // The ustar size field says 0; the pax size (5) decides how much content follows.
        Buffer.concat([header({ name: 'ustar-name', size: 0 }), padToBlock(Buffer.from('12345'))]),
        paxEntry({ linkpath: 'pax/target' }),
        header({ name: 'payload/l', type: '2', linkname: 'ustar-target' }),
        fileEntry('after', 'z'),
      ),
    );
    expect(summary(result)).toEqual([
      {
        path: 'payload/pax-name',
        type: 'file',
        size: 5,
        linkTarget: '',
        mode: 0o644,
        content: Buffer.from('12345').toString('hex'),
      },
      { path: 'payload/l', type: 'symlink', size: 0, linkTarget: 'pax/target', mode: 0o644, content: '' },
      { path: 'after', type: 'file', size: 1, linkTarget: '', mode: 0o644, content: Buffer.from('z').toString('hex') },
    ]);
  });

  it('reads pax values in UTF-8, with record lengths counted in bytes', () => {
    const name = 'payload/données/ファイル.txt';
    const result = readTar(archive(paxEntry({ path: name }), fileEntry('x', 'é')), 3);
    expect(result.entries[0]?.header.path).toBe(name);
    expect(result.entries[0]?.content.toString('utf8')).toBe('é');
  });

  it('uses a GNU long name (L) and long link name (K) for the next entry', () => {
    const longName = `payload/${'n'.repeat(250)}`;
    const longLink = `${'k'.repeat(300)}`;
    const result = readTar(
      archive(
        gnuLongEntry('L', longName),
        gnuLongEntry('K', longLink),
        header({ name: 'truncated-name', type: '2', linkname: 'truncated-link' }),
        fileEntry('next', 'n'),
      ),
      100,
    );
    expect(result.entries.map((e) => [e.header.path, e.header.type, e.header.linkTarget])).toEqual([
      [longName, 'symlink', longLink],
      ['next', 'file', ''],
    ]);
  });

  it('ignores global pax headers (g) instead of applying them to the next entry', () => {
    const result = readTar(
      archive(paxEntry({ path: 'evil/global', size: '9' }, 'g'), fileEntry('payload/real', 'abc')),
    );
    expect(result.entries).toHaveLength(1);
    expect(result.entries[0]?.header.path).toBe('payload/real');
    expect(result.entries[0]?.header.size).toBe(3);
    expect(result.entries[0]?.content.toString()).toBe('abc');
  });

  it('refuses a malformed pax record', () => {
    const body = Buffer.from('nonsense without a length\n');
    expectFormatError(
      () =>
        readTar(
          archive(
            Buffer.concat([header({ name: 'p', size: body.length, type: 'x' }), padToBlock(body)]),
            fileEntry('a', 'b'),
          ),
        ),
      /pax/,
    );
    const badSize = paxEntry({ size: '-4' });
    expectFormatError(() => readTar(archive(badSize, fileEntry('a', 'b'))), /malformed pax size/);
  });

  it('refuses an extended header larger than 1 MiB without reading it', () => {
    expectFormatError(
      () => readTar(archive(header({ name: 'p', size: 2 * 1024 * 1024, type: 'x' }))),
      /oversized extended header/,
    );
  });
});

describe('TarReader: number fields', () => {
  it('reads a size in GNU base-256 encoding', () => {
    const sizeField = Buffer.alloc(12);
    sizeField[0] = 0x80;
    sizeField.writeUIntBE(1000, 6, 6);
    const content = pseudoRandom(1000, 42);
    const result = readTar(
      archive(Buffer.concat([header({ name: 'big', sizeField }), padToBlock(content)]), fileEntry('after', 'a')),
    );
    expect(result.entries[0]?.header.size).toBe(1000);
    expect(result.entries[0]?.content.equals(content)).toBe(true);
    expect(result.entries[1]?.header.path).toBe('after');
  });

  it('refuses a base-256 size beyond the safe integer range', () => {
    const sizeField = Buffer.alloc(12, 0xff);
    expectFormatError(() => readTar(archive(header({ name: 'huge', sizeField }))), /too large/);
  });

  it('reads octal fields padded with spaces or NULs', () => {
    const result = readTar(
      archive(header({ name: 'spaced', modeField: ' 755 \0' }), header({ name: 'nul', modeField: '644\0\0\0\0\0' })),
    );
    expect(result.entries.map((e) => e.header.mode)).toEqual([0o755, 0o644]);
  });

  it('refuses a non-octal digit in a number field', () => {
    expectFormatError(() => readTar(archive(header({ name: 'bad-mode', modeField: '0000789\0' }))), /non-octal/);
    const sizeField = Buffer.from('0000000x012\0', 'latin1');
    expectFormatError(() => readTar(archive(header({ name: 'bad-size', sizeField }))), /non-octal/);
  });

  it('refuses a header whose checksum does not match', () => {
    const block = header({ name: 'payload/file', size: 0 });
    block[0] = 'q'.charCodeAt(0);
    expectFormatError(() => readTar(archive(block)), /checksum mismatch/);
  });

  it('refuses input that is not a tar archive at all', () => {
    expectFormatError(
      () => readTar(Buffer.from('this is plain text, not a tar archive\n'.repeat(20))),
      /checksum mismatch|non-octal/,
    );
    const zeroChecksumText = Buffer.alloc(1024, 0x41);
    zeroChecksumText.fill(0x30, 148, 156);
    expectFormatError(() => readTar(zeroChecksumText), /checksum mismatch/);
  });
});

describe('TarReader: end of archive and truncation', () => {
  it('sets ended after two zero blocks and ignores whatever follows', () => {
    const { reader, result } = collector();
    reader.write(fileEntry('a', 'abc'));
    expect(reader.ended).toBe(false);
    reader.write(Buffer.alloc(512));
    expect(reader.ended).toBe(false);
    reader.write(Buffer.alloc(512));
    expect(reader.ended).toBe(true);
    // Trailing garbage and even a valid-looking entry after the marker are not read.
    reader.write(Buffer.from('garbage that is not a header'.repeat(40)));
    reader.write(fileEntry('b', 'ignored'));
    reader.finish();
    expect(result().entries.map((e) => e.header.path)).toEqual(['a']);
  });

  it('stops in the middle of a chunk at the end marker', () => {
    const { reader, result } = collector();
    reader.write(Buffer.concat([fileEntry('a', 'abc'), END, fileEntry('hidden', 'x')]));
    expect(reader.ended).toBe(true);
    expect(result().entries.map((e) => e.header.path)).toEqual(['a']);
  });

  it('accepts a single zero block at the end of the input (some writers stop there)', () => {
    const result = readTar(Buffer.concat([fileEntry('a', 'abc'), Buffer.alloc(512)]));
    expect(result.entries.map((e) => e.header.path)).toEqual(['a']);
    expect(result.reader.ended).toBe(true);
  });

  it('refuses an entry after a single zero block', () => {
    expectFormatError(
      () => readTar(Buffer.concat([fileEntry('a', 'abc'), Buffer.alloc(512), fileEntry('b', 'def'), END])),
      /data after an end-of-archive block/,
    );
  });

  it('refuses input truncated inside a header', () => {
    const bytes = fileEntry('a', 'abc');
    const { reader } = collector();
    reader.write(Buffer.concat([bytes, header({ name: 'b' }).subarray(0, 200)]));
    expectFormatError(() => reader.finish(), /truncated inside an entry/);
  });

  it('refuses input truncated inside an entry content', () => {
    const bytes = fileEntry('a', pseudoRandom(2000, 3));
    const { reader, result } = collector();
    reader.write(bytes.subarray(0, 512 + 1000));
    expectFormatError(() => reader.finish(), /truncated inside an entry/);
    expect(result().entries).toEqual([]);
  });

  it('refuses input truncated inside an extended header', () => {
    const pax = paxEntry({ path: 'x'.repeat(300) });
    const { reader } = collector();
    reader.write(pax.subarray(0, 600));
    expectFormatError(() => reader.finish(), /truncated inside an entry/);
  });

  it('refuses input that ends after complete entries but without an end marker', () => {
    const { reader, result } = collector();
    reader.write(Buffer.concat([fileEntry('a', 'abc'), fileEntry('b', 'def')]));
    expectFormatError(() => reader.finish(), /no end-of-archive marker/);
    expect(result().entries.map((e) => e.header.path)).toEqual(['a', 'b']);
  });

  it('refuses empty input', () => {
    const { reader } = collector();
    expectFormatError(() => reader.finish(), /no end-of-archive marker/);
  });
});

describe('TarReader: entry types', () => {
  it.each([
    ['0', 'file'],
    ['7', 'file'],
    ['5', 'directory'],
    ['2', 'symlink'],
    ['1', 'hardlink'],
    ['3', 'character-device'],
    ['4', 'block-device'],
    ['6', 'fifo'],
    ['V', 'unknown'],
  ] as const)('reports typeflag %s as %s', (flag, type) => {
    const result = readTar(
      archive(
        header({ name: `entry-${flag}`, type: flag, linkname: flag === '1' || flag === '2' ? 'target/of/link' : '' }),
      ),
    );
    expect(result.entries[0]?.header.type).toBe(type);
    expect(result.entries[0]?.header.typeFlag).toBe(flag);
    expect(result.entries[0]?.header.linkTarget).toBe(flag === '1' || flag === '2' ? 'target/of/link' : '');
  });

  it('reports an old-style NUL typeflag as a regular file with flag "0"', () => {
    const result = readTar(
      archive(Buffer.concat([header({ name: 'old', type: '\0', size: 3 }), padToBlock(Buffer.from('old'))])),
    );
    expect(result.entries[0]?.header.type).toBe('file');
    expect(result.entries[0]?.header.typeFlag).toBe('0');
    expect(result.entries[0]?.content.toString()).toBe('old');
  });

  it('reads no content for a directory, link or device whose size field is not zero', () => {
    const result = readTar(
      archive(
        header({ name: 'dir/', type: '5', size: 700 }),
        header({ name: 'hard', type: '1', size: 900, linkname: 'dir' }),
        header({ name: 'fifo', type: '6', size: 10 }),
        fileEntry('after', 'still read'),
      ),
      7,
    );
    expect(result.entries.map((e) => [e.header.path, e.header.type, e.content.length])).toEqual([
      ['dir/', 'directory', 0],
      ['hard', 'hardlink', 0],
      ['fifo', 'fifo', 0],
      ['after', 'file', 10],
    ]);
    expect(result.entries[3]?.content.toString()).toBe('still read');
  });

  it('passes the content of an unknown entry type through, so the caller can refuse it', () => {
    const result = readTar(
      archive(
        Buffer.concat([header({ name: 'sparse', type: 'S', size: 4 }), padToBlock(Buffer.from('data'))]),
        fileEntry('after', 'a'),
      ),
    );
    expect(result.entries.map((e) => [e.header.path, e.header.type, e.content.toString()])).toEqual([
      ['sparse', 'unknown', 'data'],
      ['after', 'file', 'a'],
    ]);
  });
});

function readAll(archive: Buffer): TarHeader[] {
  const headers: TarHeader[] = [];
  const reader = new TarReader({ entry: (h) => headers.push(h), data: () => undefined, entryEnd: () => undefined });
  reader.write(archive);
  reader.finish();
  return headers;
}

describe('header formats (review findings)', () => {
  it('a GNU-format header ("ustar  \\0") is not read as having a ustar prefix', () => {
    const block = rawTarHeader('file.txt', 0, '0');
    block.write('ustar  \0', 257, 'latin1');
    block.write('14712345670\0', 345, 'ascii');
    const headers = readAll(Buffer.concat([withTarChecksum(block), Buffer.alloc(1024)]));
    expect(headers[0]?.path).toBe('file.txt');
  });

  it('an archive ending in an extended header with no entry is refused', () => {
    const record = Buffer.from('20 path=dangling.txt\n');
    const archive = Buffer.concat([rawTarHeader('pax', record.length, 'x'), padToBlock(record), Buffer.alloc(1024)]);
    expect(() => readAll(archive)).toThrow(TarFormatError);
  });
});
