import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileWriterPool, WriterError, writerThreadsFor } from './file-writer-pool';
import { Scratch } from '../test-support/fixtures';

// The writer threads lay down exactly what they are given: many small files (more ops than one batch holds,
// spread over two threads), a file larger than a batch written in pieces, modes the umask would strip, and a
// failure that names its path.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe('FileWriterPool', () => {
  it('writes thousands of small files and a multi-batch file over two threads, each byte and mode as given', async () => {
    const dir = scratch.path('pool');
    for (let d = 0; d < 5; d++) fs.mkdirSync(path.join(dir, `d${d}`), { recursive: true });
    const pool = new FileWriterPool({ threads: 2, batchBytes: 16 * 1024 });
    try {
      for (let i = 0; i < 5000; i++) {
        const mode = i % 3 === 0 ? 0o755 : i % 3 === 1 ? 0o644 : 0o664;
        pool.writeWholeFile(path.join(dir, `d${i % 5}`, `f${i}`), mode, Buffer.from(`content of file ${i}\n`));
        await pool.capacity();
      }
      const big = Buffer.alloc(100 * 1024 + 17, 'x');
      big.write('head', 0);
      big.write('tail', big.length - 4);
      const handle = pool.open(path.join(dir, 'big'), 0o600);
      pool.write(handle, big.subarray(0, 50_000));
      pool.write(handle, big.subarray(50_000));
      pool.close(handle);
      await pool.finish();
      for (let i = 0; i < 5000; i += 499) {
        const file = path.join(dir, `d${i % 5}`, `f${i}`);
        expect(fs.readFileSync(file, 'utf8')).toBe(`content of file ${i}\n`);
        expect(fs.statSync(file).mode & 0o777).toBe(i % 3 === 0 ? 0o755 : i % 3 === 1 ? 0o644 : 0o664);
      }
      expect(fs.readdirSync(path.join(dir, 'd4'))).toHaveLength(1000);
      expect(fs.readFileSync(path.join(dir, 'big')).equals(big)).toBe(true);
      expect(fs.statSync(path.join(dir, 'big')).mode & 0o777).toBe(0o600);
    } finally {
      await pool.destroy();
    }
  });

  it('never writes through something already at the path, and names the path that failed', async () => {
    const dir = scratch.path('exists');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'taken'), 'original');
    const pool = new FileWriterPool({ threads: 2 });
    try {
      pool.writeWholeFile(path.join(dir, 'taken'), 0o644, Buffer.from('replacement'));
      const failure = await pool.finish().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(WriterError);
      expect((failure as WriterError).failure).toMatchObject({ code: 'EEXIST', path: path.join(dir, 'taken') });
      expect(fs.readFileSync(path.join(dir, 'taken'), 'utf8')).toBe('original');
    } finally {
      await pool.destroy();
    }
  });

  it('checks each file it is given a digest for: a whole file that differs is never created, a file in pieces fails at its close', async () => {
    const dir = scratch.path('verify');
    fs.mkdirSync(dir);
    const digest = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();
    const big = Buffer.alloc(40 * 1024, 'b');
    const failureOf = (pool: FileWriterPool): Promise<unknown> =>
      pool.finish().then(
        () => undefined,
        (error: unknown) => error,
      );

    const good = new FileWriterPool({ threads: 1, batchBytes: 16 * 1024 });
    try {
      good.writeWholeFile(path.join(dir, 'small'), 0o644, Buffer.from('small'), { sha256: digest('small'), tag: 1 });
      good.writeWholeFile(path.join(dir, 'big'), 0o644, big, { sha256: digest(big), tag: 2 });
      await good.finish();
      expect(fs.readFileSync(path.join(dir, 'small'), 'utf8')).toBe('small');
      expect(fs.readFileSync(path.join(dir, 'big')).equals(big)).toBe(true);
    } finally {
      await good.destroy();
    }

    const whole = new FileWriterPool({ threads: 1, batchBytes: 16 * 1024 });
    try {
      whole.writeWholeFile(path.join(dir, 'tampered'), 0o644, Buffer.from('evil'), { sha256: digest('good'), tag: 7 });
      const failure = await failureOf(whole);
      expect(failure).toBeInstanceOf(WriterError);
      expect((failure as WriterError).failure).toMatchObject({ code: 'EHASH', tag: 7 });
      expect(fs.existsSync(path.join(dir, 'tampered'))).toBe(false);
    } finally {
      await whole.destroy();
    }

    const pieces = new FileWriterPool({ threads: 1, batchBytes: 16 * 1024 });
    try {
      const handle = pieces.open(path.join(dir, 'pieces'), 0o644, { sha256: digest(big), tag: 9 });
      pieces.write(handle, big.subarray(0, 20_000));
      pieces.write(handle, Buffer.alloc(big.length - 20_000, 'c'));
      pieces.close(handle);
      const failure = await failureOf(pieces);
      expect((failure as WriterError).failure).toMatchObject({ code: 'EHASH', tag: 9, path: path.join(dir, 'pieces') });
    } finally {
      await pieces.destroy();
    }
  });

  it('grows from one writer to two while writing, and every file still lands', async () => {
    const dir = scratch.path('grow');
    fs.mkdirSync(dir);
    const pool = new FileWriterPool({ threads: 1, batchBytes: 4096 });
    try {
      for (let i = 0; i < 300; i++) {
        if (i === 100) pool.growTo(2);
        pool.writeWholeFile(path.join(dir, `f${i}`), 0o644, Buffer.from(`file ${i}`));
        await pool.capacity();
      }
      await pool.finish();
      expect(fs.readdirSync(dir)).toHaveLength(300);
      expect(fs.readFileSync(path.join(dir, 'f299'), 'utf8')).toBe('file 299');
    } finally {
      await pool.destroy();
    }
  });

  it('gives a second writer only to packages of many small files', () => {
    const cores = Math.min(2, os.availableParallelism());
    expect(writerThreadsFor({ payloadFiles: 100_000, payloadBytes: 15_000_000 })).toBe(cores);
    expect(writerThreadsFor({ payloadFiles: 2_000, payloadBytes: 2_000 * 340 * 1024 })).toBe(1);
    expect(writerThreadsFor({ payloadFiles: 6, payloadBytes: 1_152 })).toBe(1);
  });
});
