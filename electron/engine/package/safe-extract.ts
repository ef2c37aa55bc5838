import { TarFormatError, TarReader } from './tar-reader';
import type { PackageManifest } from './package-manifest';
import { EarlyWriteback } from '../system/disk-flush';
import { FileWriterPool, WriterError, writerThreadsFor } from './file-writer-pool';
import { InflateError, inflateGzipFile } from './gzip-inflater';
import { ExtractError } from './extract-error';
import { PackageVisitor, StopReading } from './package-visitor';
import type { ExtractOptions } from './extract-options';

export type { ExtractOptions } from './extract-options';

// Verify-and-extract: one pass over the package, refusing anything unsafe before it reaches the disk, into a
// private staging folder that the caller moves into place only when every entry has been verified.

function translate(error: unknown, visitor?: PackageVisitor): ExtractError {
  if (error instanceof ExtractError) return error;
  if (error instanceof WriterError && error.failure.code === 'EHASH' && visitor)
    return visitor.writerMismatch(error.failure.tag ?? -1);
  if (error instanceof TarFormatError) return new ExtractError('invalid-package', error.message);
  if (error instanceof InflateError)
    return new ExtractError('invalid-package', `the package is not a valid gzip stream (${error.message})`);
  if (error instanceof WriterError) {
    if (error.failure.code === 'ENOSPC' || error.failure.code === 'EDQUOT') {
      return new ExtractError('disk-full', `the disk filled up while writing "${error.failure.path}"`);
    }
    return new ExtractError('io', `cannot write "${error.failure.path}": ${error.failure.message}`);
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new ExtractError('disk-full', `the disk filled up while extracting: ${(error as Error).message}`);
  if (code === 'ABORT_ERR') return new ExtractError('cancelled', 'extraction was cancelled');
  return new ExtractError('io', (error as Error)?.message ?? String(error));
}

async function run(
  options: ExtractOptions,
  pool: FileWriterPool | undefined,
  stopAfterManifest: boolean,
): Promise<PackageVisitor> {
  const visitor = new PackageVisitor(options, pool, stopAfterManifest);
  const reader = new TarReader(visitor);
  let inflated = 0;
  let lastReport = 0;
  let sized = false;
  const report = (force: boolean): void | Promise<void> => {
    const manifest = visitor.manifest;
    if (!manifest || !options.onProgress) return;
    const now = Date.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    return options.onProgress({
      bytesDone: visitor.bytesDone,
      bytesTotal: manifest.payloadBytes,
      filesDone: visitor.filesDone,
      filesTotal: manifest.payloadFiles + manifest.payloadLinks,
    });
  };
  try {
    for await (const chunk of inflateGzipFile(options.archivePath, options.inflate)) {
      if (options.signal?.aborted) throw new ExtractError('cancelled', 'extraction was cancelled');
      inflated += chunk.length;
      // A decompression bomb ends here: the stream may not expand past what the manifest accounts for.
      if (inflated > visitor.inflateLimit)
        throw new ExtractError(
          'invalid-package',
          'the package expands beyond the size its manifest declares (decompression bomb?)',
        );
      // After the end-of-archive marker the rest (tar's record padding) is still inflated, so the gzip
      // checksum and length are verified and a truncated file is caught, but it is not parsed.
      if (reader.ended) continue;
      reader.write(chunk);
      if (pool && !sized && visitor.manifest) {
        sized = true;
        if (options.writerThreads === undefined) pool.growTo(writerThreadsFor(visitor.manifest));
      }
      if (pool && pool.bytesInFlight > 0) await pool.capacity();
      const reported = report(false);
      if (reported) await reported;
    }
    if (!reader.ended) reader.finish();
  } catch (error) {
    if (error instanceof StopReading) return visitor;
    throw translate(error, visitor);
  }
  if (stopAfterManifest) {
    if (!visitor.manifest) throw new ExtractError('invalid-package', 'the archive has no manifest');
    return visitor;
  }
  visitor.checkComplete();
  try {
    await pool?.finish();
    visitor.applyDirectoryModes();
  } catch (error) {
    throw translate(error, visitor);
  }
  await report(true);
  return visitor;
}

/** Reads only the manifest at the head of a package (for preflight), without extracting anything. */
export async function readPackageManifest(
  archivePath: string,
  expect?: ExtractOptions['expect'],
): Promise<PackageManifest> {
  const visitor = await run({ archivePath, stagingDir: '', expect }, undefined, true);
  if (!visitor.manifest) throw new ExtractError('invalid-package', 'the archive has no manifest');
  return visitor.manifest;
}

/**
 * Verifies and extracts the package's payload into options.stagingDir. Throws ExtractError; on failure the
 * staging folder holds a partial tree that the caller deletes.
 */
export async function extractPackage(options: ExtractOptions): Promise<PackageManifest> {
  // One writer until the manifest (the archive's first entry) says how many files of what size follow.
  const writeback = new EarlyWriteback(options.stagingDir);
  const pool = new FileWriterPool({
    threads: options.writerThreads ?? 1,
    onWritten: (bytes) => writeback.wrote(bytes),
  });
  try {
    const visitor = await run(options, pool, false);
    return visitor.manifest as PackageManifest;
  } finally {
    await pool.destroy();
    await writeback.settle();
  }
}
