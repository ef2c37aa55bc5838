import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../test-support/fixtures';
import { writerFor } from './directory-package';
import { FileWriterPool, WriterError } from './file-writer-pool';
import { InlineFileWriter } from './inline-file-writer';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe('the writer a package directory is copied with', () => {
  it('is the calling thread for a handful of payload files (a release), writer threads for thousands', async () => {
    const small = writerFor({ payloadFiles: 6, payloadBytes: 1152 }, undefined);
    const large = writerFor({ payloadFiles: 5000, payloadBytes: 5000 * 4096 }, undefined);
    const forced = writerFor({ payloadFiles: 5000, payloadBytes: 5000 * 4096 }, 0);
    try {
      expect(small).toBeInstanceOf(InlineFileWriter);
      expect(large).toBeInstanceOf(FileWriterPool);
      expect(forced).toBeInstanceOf(InlineFileWriter);
    } finally {
      await Promise.all([small.destroy(), large.destroy(), forced.destroy()]);
    }
  });
});

describe('InlineFileWriter', () => {
  it('writes each file at once, with the mode the package asks for even where the umask would strip it', async () => {
    const dir = scratch.path('inline');
    fs.mkdirSync(dir);
    const saved = process.umask(0o077);
    const writer = new InlineFileWriter();
    try {
      const file = writer.open(path.join(dir, 'node'), 0o755);
      writer.write(file, Buffer.from('first '));
      writer.write(file, Buffer.alloc(3 * 1024 * 1024, 'x'));
      writer.close(file);
      // On disk before finish(): nothing is queued anywhere.
      expect(fs.statSync(path.join(dir, 'node')).size).toBe(6 + 3 * 1024 * 1024);
      expect(fs.statSync(path.join(dir, 'node')).mode & 0o777).toBe(0o755);
      await writer.finish();
    } finally {
      process.umask(saved);
      await writer.destroy();
    }
  });

  it('never writes through what is already at a path, and names the path in its error', async () => {
    const dir = scratch.path('taken');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'libc.so.6'), 'planted');
    const writer = new InlineFileWriter();
    try {
      let caught: unknown;
      try {
        writer.open(path.join(dir, 'libc.so.6'), 0o644);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WriterError);
      expect((caught as WriterError).failure).toMatchObject({ code: 'EEXIST', path: path.join(dir, 'libc.so.6') });
      expect(fs.readFileSync(path.join(dir, 'libc.so.6'), 'utf8')).toBe('planted');
    } finally {
      await writer.destroy();
    }
  });

  it('closes the files a failed copy left open', async () => {
    const dir = scratch.path('left-open');
    fs.mkdirSync(dir);
    const writer = new InlineFileWriter();
    const file = writer.open(path.join(dir, 'half'), 0o644);
    writer.write(file, Buffer.from('half'));
    await writer.destroy();
    expect(() => fs.fstatSync(file.id)).toThrow(/EBADF/);
  });
});
