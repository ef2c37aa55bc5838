import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkArchivePath } from './package/archive-path';
import { ManifestParser, parseManifest, serializeManifest } from './package/manifest-parser';
import { Redactor, SetupLog } from './log/setup-log';
import { TarFormatError, TarReader, type TarHeader } from './package/tar-reader';
import { padToBlock, rawTarHeader, withTarChecksum, Scratch } from './test-support/fixtures';

// Bugs found by review, each pinned by the input that exposed it.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function readAll(archive: Buffer): TarHeader[] {
  const headers: TarHeader[] = [];
  const reader = new TarReader({ entry: (h) => headers.push(h), data: () => undefined, entryEnd: () => undefined });
  reader.write(archive);
  reader.finish();
  return headers;
}

describe('regressions', () => {
  it('a secret with a quote in the command line is redacted before quoting', () => {
    const redactor = new Redactor();
    redactor.add('pa"ss word');
    const file = path.join(scratch.dir, 'quoted.log');
    const log = new SetupLog(file, redactor);
    log.open({ title: 'T', version: '1', argv: ['/Passphrase', 'pa"ss word'], time: new Date(0) });
    log.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('Command line: /Passphrase [REDACTED]\n');
    expect(text).not.toContain('pa\\"ss');
  });

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

  it('a path component is limited to 255 bytes, not 255 characters', () => {
    const check = checkArchivePath(`payload/${'é'.repeat(200)}`);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toBe('path component longer than 255 bytes');
    expect(checkArchivePath(`payload/${'e'.repeat(255)}`).ok).toBe(true);
  });
});
