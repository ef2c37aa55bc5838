import * as fs from 'node:fs';
import * as path from 'node:path';
import { lstatOrUndefined } from '../system/atomic-file';
import { createHash } from 'node:crypto';
import {
  MANIFEST_NAME,
  MAX_MANIFEST_BYTES,
  ManifestError,
  PAYLOAD_ROOT,
  isPayloadPath,
  type PackageManifest,
} from './package-manifest';
import { parseManifest } from './manifest-parser';
import { FileWriterPool, WriterError, writerThreadsFor } from './file-writer-pool';
import { ExtractError } from './extract-error';
import { INLINE_WRITER_BELOW_FILES, InlineFileWriter, type FileWriter } from './inline-file-writer';
import type { ExtractOptions } from './safe-extract';

// The self-contained release is installed from the folder `tar -xvf` made of it (the seed's `./install`
// runs there; the archive itself may be gone). The folder is checked against its manifest exactly as an
// archive is: every listed entry must be there with its type, mode, size and sha256, and nothing is
// followed through a link. Only listed entries are copied, so anything else in the folder is ignored.

export function readDirectoryManifest(dir: string): PackageManifest {
  const file = path.join(dir, MANIFEST_NAME);
  const stat = lstatOrUndefined(file);
  if (!stat)
    throw new ExtractError(
      'invalid-package',
      `${dir} holds no ${MANIFEST_NAME}; run ./install from the folder the release tarball was extracted into`,
    );
  if (!stat.isFile()) throw new ExtractError('invalid-package', `${file} is not a regular file`);
  if (stat.size > MAX_MANIFEST_BYTES)
    throw new ExtractError('invalid-package', `${file} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  try {
    return parseManifest(fs.readFileSync(file));
  } catch (error) {
    if (error instanceof ManifestError) throw new ExtractError('invalid-package', `manifest: ${error.message}`);
    throw error;
  }
}

const CHUNK = 1024 * 1024;

/** Writer threads for thousands of files, the calling thread for a handful (0 threads asks for it too). */
export function writerFor(
  manifest: Pick<PackageManifest, 'payloadFiles' | 'payloadBytes'>,
  writerThreads: number | undefined,
): FileWriter {
  const threads = writerThreads ?? (manifest.payloadFiles < INLINE_WRITER_BELOW_FILES ? 0 : writerThreadsFor(manifest));
  return threads === 0 ? new InlineFileWriter() : new FileWriterPool({ threads });
}

export async function extractPackageDirectory(
  dir: string,
  options: Pick<ExtractOptions, 'stagingDir' | 'placeExtra' | 'onProgress' | 'signal' | 'writerThreads'> & {
    readonly manifest: PackageManifest;
  },
): Promise<PackageManifest> {
  const { manifest } = options;
  const pool = writerFor(manifest, options.writerThreads);
  const directories: { target: string; mode: number }[] = [];
  const buffer = Buffer.allocUnsafeSlow(CHUNK);
  let bytesDone = 0;
  let filesDone = 0;
  let lastReport = 0;
  const filesTotal = manifest.payloadFiles + manifest.payloadLinks;
  try {
    for (let i = 0; i < manifest.size; i++) {
      if (options.signal?.aborted) throw new ExtractError('cancelled', 'extraction was cancelled');
      const entryPath = manifest.pathAt(i);
      const inPayload = isPayloadPath(entryPath);
      const target = inPayload
        ? path.join(options.stagingDir, entryPath.slice(PAYLOAD_ROOT.length))
        : options.placeExtra?.(entryPath);
      const source = path.join(dir, entryPath);
      const stat = lstatOrUndefined(source);
      const type = manifest.typeAt(i);
      const mode = manifest.modeAt(i);
      if (!stat)
        throw new ExtractError('invalid-package', `"${entryPath}" is listed in the manifest but missing from ${dir}`);
      const actual = stat.isSymbolicLink()
        ? 'symlink'
        : stat.isDirectory()
          ? 'directory'
          : stat.isFile()
            ? 'file'
            : 'special file';
      if (actual !== type)
        throw new ExtractError('invalid-package', `"${entryPath}" is a ${actual} in ${dir}; the manifest says ${type}`);
      if (type === 'directory') {
        if (target !== undefined) {
          if (entryPath !== PAYLOAD_ROOT) fs.mkdirSync(target, { mode: 0o700, recursive: !inPayload });
          directories.push({ target, mode });
        }
        continue;
      }
      if (type === 'symlink') {
        const linkTarget = fs.readlinkSync(source);
        if (linkTarget !== manifest.targetAt(i))
          throw new ExtractError(
            'invalid-package',
            `symlink "${entryPath}" points to "${linkTarget}"; the manifest says "${manifest.targetAt(i)}"`,
          );
        if (target === undefined) continue;
        fs.symlinkSync(linkTarget, target);
        if (inPayload) filesDone++;
        continue;
      }
      // A file: opened without following links, hashed as it is copied, refused if it differs in any way.
      // Windows keeps no POSIX modes (Node reports 666 or 444): there the sha256 alone stands for the file.
      if (process.platform !== 'win32' && (stat.mode & 0o7777) !== mode)
        throw new ExtractError(
          'invalid-package',
          `"${entryPath}" has mode ${(stat.mode & 0o7777).toString(8)}; the manifest says ${mode.toString(8)}`,
        );
      const size = manifest.sizeAt(i);
      if (stat.size !== size)
        throw new ExtractError('invalid-package', `"${entryPath}" is ${stat.size} bytes; the manifest says ${size}`);
      const fd = fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        const hash = createHash('sha256');
        const out = target === undefined ? undefined : pool.open(target, mode);
        let read = 0;
        for (;;) {
          const n = fs.readSync(fd, buffer, 0, CHUNK, null);
          if (n === 0) break;
          read += n;
          if (read > size)
            throw new ExtractError('invalid-package', `"${entryPath}" grew while it was being installed`);
          const part = buffer.subarray(0, n);
          hash.update(part);
          if (out) pool.write(out, part);
          await pool.capacity();
        }
        if (read !== size)
          throw new ExtractError('invalid-package', `"${entryPath}" shrank while it was being installed`);
        if (!hash.digest().equals(manifest.sha256At(i)))
          throw new ExtractError(
            'invalid-package',
            `"${entryPath}" does not match its sha256 in the manifest (damaged or tampered release)`,
          );
        if (out) pool.close(out);
      } finally {
        fs.closeSync(fd);
      }
      if (inPayload) {
        bytesDone += size;
        filesDone++;
      }
      if (options.onProgress && Date.now() - lastReport > 100) {
        lastReport = Date.now();
        await options.onProgress({ bytesDone, bytesTotal: manifest.payloadBytes, filesDone, filesTotal });
      }
    }
    await pool.finish();
    for (let i = directories.length - 1; i >= 0; i--) {
      const directory = directories[i] as { target: string; mode: number };
      fs.chmodSync(directory.target, directory.mode);
    }
    await options.onProgress?.({ bytesDone, bytesTotal: manifest.payloadBytes, filesDone, filesTotal });
    return manifest;
  } catch (error) {
    if (error instanceof WriterError) {
      const full = error.failure.code === 'ENOSPC' || error.failure.code === 'EDQUOT';
      throw new ExtractError(
        full ? 'disk-full' : 'io',
        full
          ? `the disk filled up while writing "${error.failure.path}"`
          : `cannot write "${error.failure.path}": ${error.failure.message}`,
      );
    }
    throw error;
  } finally {
    await pool.destroy();
  }
}
