import * as fs from 'node:fs';
import * as path from 'node:path';
import type { z } from 'zod';

/**
 * Writes a file so that readers (and a run that starts after a crash) see the old content or the new, never
 * a mix: a private temp file beside it, fsync, rename, fsync of the folder. The mode is set at creation,
 * so a 0600 file is never readable by others, not even for a moment.
 */
export function writeFileAtomic(file: string, content: string | Buffer, mode = 0o644): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fchmodSync(fd, mode);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

export function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on folders; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function readJsonIfPresent(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as unknown;
}

export function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch {
    return undefined;
  }
}

/** Reads one of setup's JSON state files: undefined when absent, an error (made by the caller) when unreadable or damaged. */
export function readStateFile<T>(
  file: string,
  schema: z.ZodType<T>,
  what: string,
  makeError: (message: string) => Error,
): T | undefined {
  let json: unknown;
  try {
    json = readJsonIfPresent(file);
  } catch (error) {
    throw makeError(`${what} ${file} cannot be read: ${(error as Error).message}`);
  }
  if (json === undefined) return undefined;
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw makeError(`${what} ${file} is damaged: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
