import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as z from 'zod/mini';
import '../../../shared/zod-english';

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

/**
 * Reads a file setup keeps (state, registration, a package's declarations) as root may: without following a
 * link (one planted there could name /etc/shadow), without blocking on a FIFO, and only if it is a regular
 * file of at most `maxBytes`. Undefined when absent.
 */
export function readRegularFile(file: string, maxBytes = 16 * 1024 * 1024): Buffer | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new Error(`${file} is a symbolic link, not a file setup wrote`);
    throw error;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
    if (stat.size > maxBytes) throw new Error(`${file} is ${stat.size} bytes, more than the ${maxBytes} expected`);
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function readJsonIfPresent(file: string): unknown {
  const data = readRegularFile(file);
  return data === undefined ? undefined : (JSON.parse(data.toString('utf8')) as unknown);
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
  schema: z.ZodMiniType<T>,
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
