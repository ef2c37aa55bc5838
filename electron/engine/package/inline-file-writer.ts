import * as fs from 'node:fs';
import { readUmask, WriterError, type OpenFile } from './file-writer-pool';

// The writer for a package of a handful of files (a self-contained release: its runtime and a small
// payload), on the calling thread. A writer thread pays for itself on thousands of files; for a dozen it is
// pure cost: starting it compiles a Node environment, and every megabyte is copied into a batch and posted
// to it. Each server of a push installs such a release, so that cost was paid fleet-wide.

/** Below this many payload files a package directory is written on the calling thread. */
export const INLINE_WRITER_BELOW_FILES = 64;

const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;

/** The part of FileWriterPool a package directory's copy uses, so either can do it. */
export interface FileWriter {
  open(path: string, mode: number): OpenFile;
  write(file: OpenFile, data: Buffer): void;
  close(file: OpenFile): void;
  capacity(): Promise<void>;
  finish(): Promise<void>;
  destroy(): Promise<void>;
}

function failure(error: unknown, path: string): WriterError {
  const { code, message } = error as NodeJS.ErrnoException;
  return new WriterError({ code: code ?? 'EIO', message: String(message), path });
}

export class InlineFileWriter implements FileWriter {
  private readonly umask = readUmask();
  private readonly paths = new Map<number, string>();

  open(path: string, mode: number): OpenFile {
    try {
      const fd = fs.openSync(path, CREATE_FLAGS, mode);
      this.paths.set(fd, path);
      return { thread: -1, id: fd, mode };
    } catch (error) {
      throw failure(error, path);
    }
  }

  write(file: OpenFile, data: Buffer): void {
    try {
      for (let done = 0; done < data.length;) done += fs.writeSync(file.id, data, done, data.length - done);
    } catch (error) {
      throw failure(error, this.paths.get(file.id) ?? '');
    }
  }

  close(file: OpenFile): void {
    const path = this.paths.get(file.id) ?? '';
    this.paths.delete(file.id);
    try {
      // The umask would have stripped bits the package asks for.
      if ((file.mode & ~this.umask) !== file.mode) fs.fchmodSync(file.id, file.mode);
    } catch (error) {
      throw failure(error, path);
    } finally {
      fs.closeSync(file.id);
    }
  }

  capacity(): Promise<void> {
    return Promise.resolve();
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  /** Closes what a failed copy left open. */
  destroy(): Promise<void> {
    for (const fd of this.paths.keys()) {
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
    this.paths.clear();
    return Promise.resolve();
  }
}
