import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { InflateError, inflateGzipFile, type InflateOptions } from './gzip-inflater';
import { Scratch } from '../test-support/fixtures';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

// Random bytes (incompressible: output about as large as input) then text (compressible ~100x: one input
// buffer inflates into many output buffers), so both the "want input" and "want output" stops are crossed.
const original = Buffer.concat([
  randomBytes(300 * 1024),
  Buffer.from('Mobility service agent payload line\n'.repeat(60_000)),
  randomBytes(1000),
]);

function gzFile(name: string, content: Buffer): string {
  const file = path.join(scratch.dir, name);
  fs.writeFileSync(file, content);
  return file;
}

const packageFile = gzFile('package.tar.gz', gzipSync(original, { level: 6 }));

async function inflateAll(
  file: string,
  options?: InflateOptions,
): Promise<{ data: Buffer; chunks: number; largest: number }> {
  const copies: Buffer[] = [];
  let largest = 0;
  for await (const chunk of inflateGzipFile(file, options)) {
    // Yielded buffers are reused: keep a copy.
    copies.push(Buffer.from(chunk));
    largest = Math.max(largest, chunk.length);
  }
  return { data: Buffer.concat(copies), chunks: copies.length, largest };
}

async function inflateError(file: string, options?: InflateOptions): Promise<InflateError> {
  try {
    await inflateAll(file, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InflateError);
    return error as InflateError;
  }
  throw new Error('inflating succeeded');
}

/** Open descriptors of this process that point at `file` (Linux). */
function openDescriptorsOf(file: string): number {
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`) === file) count++;
    } catch {
      // The descriptor used to list the folder is gone by now.
    }
  }
  return count;
}

describe.each([
  ['the reused-buffer path', false],
  ['the zlib stream', true],
])('inflateGzipFile through %s', (_path, forceStream) => {
  it.each([1024, 65536, undefined])('yields exactly the original bytes with chunkBytes %s', async (chunkBytes) => {
    const { data, chunks, largest } = await inflateAll(packageFile, { chunkBytes, forceStream });
    expect(data.length).toBe(original.length);
    expect(data.equals(original)).toBe(true);
    expect(largest).toBeLessThanOrEqual(chunkBytes ?? 256 * 1024);
    expect(chunks).toBeGreaterThanOrEqual(Math.ceil(original.length / (chunkBytes ?? 256 * 1024)));
  });

  it('inflates concatenated gzip members as one stream', async () => {
    const parts = [Buffer.from('first member\n'), randomBytes(70_000), Buffer.from('third member\n'.repeat(5000))];
    const file = gzFile(`members-${forceStream}.gz`, Buffer.concat(parts.map((part) => gzipSync(part))));
    const { data } = await inflateAll(file, { chunkBytes: 4096, forceStream });
    expect(data.equals(Buffer.concat(parts))).toBe(true);
  });

  it('inflates an empty member to nothing', async () => {
    const file = gzFile(`empty-member-${forceStream}.gz`, gzipSync(Buffer.alloc(0)));
    const { data } = await inflateAll(file, { forceStream });
    expect(data.length).toBe(0);
  });

  it('refuses a truncated gzip file', async () => {
    const whole = fs.readFileSync(packageFile);
    for (const cut of [10, 4, Math.floor(whole.length / 2)]) {
      const file = gzFile(`truncated-${cut}-${forceStream}.gz`, whole.subarray(0, whole.length - cut));
      const error = await inflateError(file, { chunkBytes: 65536, forceStream });
      expect(error.code).toBe('Z_BUF_ERROR');
      expect(error.message).toMatch(/unexpected end of file/);
    }
  });

  it('refuses a file that is not gzip', async () => {
    const file = gzFile(`plain-${forceStream}.tar`, Buffer.from('ustar? no, plain text '.repeat(100)));
    const error = await inflateError(file, { forceStream });
    expect(error.code).toBe('Z_DATA_ERROR');
    expect(error.message).toMatch(/incorrect header check/);
  });

  it('refuses an empty file', async () => {
    const error = await inflateError(gzFile(`empty-${forceStream}.gz`, Buffer.alloc(0)), { forceStream });
    expect(error.code).toBe('Z_BUF_ERROR');
  });

  it('refuses a gzip file whose checksum does not match its content', async () => {
    const corrupt = Buffer.from(fs.readFileSync(packageFile));
    const crcAt = corrupt.length - 8;
    corrupt[crcAt] = (corrupt[crcAt] ?? 0) ^ 0xff;
    const error = await inflateError(gzFile(`bad-crc-${forceStream}.gz`, corrupt), { forceStream });
    expect(error.code).toBe('Z_DATA_ERROR');
    expect(error.message).toMatch(/incorrect data check/);
  });

  it('refuses a missing file with the file system error', async () => {
    await expect(inflateAll(path.join(scratch.dir, 'does-not-exist.gz'), { forceStream })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('closes the file when the consumer stops early', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const file = gzFile(`early-${forceStream}.gz`, fs.readFileSync(packageFile));
      let seen = 0;
      let openWhileReading = 0;
      for await (const chunk of inflateGzipFile(file, { chunkBytes: 1024, forceStream })) {
        openWhileReading = Math.max(openWhileReading, openDescriptorsOf(file));
        seen += chunk.length;
        if (seen >= 4096) break;
      }
      expect(seen).toBeGreaterThanOrEqual(4096);
      expect(seen).toBeLessThan(original.length);
      expect(openWhileReading).toBe(1);
      await vi.waitFor(() => expect(openDescriptorsOf(file)).toBe(0), { timeout: 2000 });
      // Give any stray read or close a chance to reject before checking nothing went unhandled.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('closes the file after an error', async () => {
    const whole = fs.readFileSync(packageFile);
    const file = gzFile(`error-close-${forceStream}.gz`, whole.subarray(0, whole.length - 100));
    await inflateError(file, { chunkBytes: 65536, forceStream });
    await vi.waitFor(() => expect(openDescriptorsOf(file)).toBe(0), { timeout: 2000 });
  });
});
