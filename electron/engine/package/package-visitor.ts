import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, hash as oneShotHash, type Hash } from 'node:crypto';
import type { TarHeader, TarVisitor } from './tar-reader';
import {
  MANIFEST_NAME,
  MAX_MANIFEST_BYTES,
  ManifestError,
  PAYLOAD_ROOT,
  isPayloadPath,
  type PackageManifest,
} from './package-manifest';
import { ManifestParser } from './manifest-parser';
import { checkArchivePath } from './archive-path';
import type { FileWriterPool, OpenFile } from './file-writer-pool';
import { ExtractError } from './extract-error';
import type { ExtractOptions } from './extract-options';

// The per-entry checks of verify-and-extract, as a tar visitor: each entry is checked against the manifest
// (type, mode, size, sha256) and refused if unsafe before its data reaches the staging folder. The sha256 of a
// file of 64 KiB or more is usually checked by the writer thread that lays it down (see HASH_THERE_FROM), and
// the caller commits nothing until every writer has finished.

const BLOCK = 512;
/**
 * Hashing is half the CPU of a large-file install. A file of 64 KiB or more is hashed by the writer thread that
 * lays it down, from the bytes it writes, unless that thread is already behind (1.5 MiB queued to it): then this
 * thread, which would otherwise wait for it, hashes the file itself. Either way both cores stay busy. Smaller
 * files are hashed here: their hashing is cheap next to their open and close, and each would leave garbage in
 * the writers' small heaps (3 MB more peak RSS on 100,000 small files).
 */
const HASH_THERE_FROM = 64 * 1024;
const HASH_HERE_IN_FLIGHT = 1.5 * 1024 * 1024;
const EMPTY = Buffer.alloc(0);

/** Thrown by the visitor to end the read once the manifest is in (preflight reads nothing more). */
export class StopReading extends Error {}

/** Largest plausible tar stream for a manifest: data, headers (with pax/long-name records) and padding. */
function inflateLimit(manifest: PackageManifest, manifestBytes: number): number {
  return manifest.totalBytes + (manifest.size + 2) * (4 * BLOCK + 2048) + manifestBytes + 64 * 1024;
}

function describeEntry(header: TarHeader): string {
  return `"${header.path}"`;
}

export class PackageVisitor implements TarVisitor {
  manifest: PackageManifest | undefined;
  private manifestParser: ManifestParser | undefined;
  private manifestHash: Hash | undefined;
  private manifestLength = 0;
  private readingManifest = false;
  private entriesSeen = 0;
  /** One flag per manifest entry, by index. */
  private seen = new Uint8Array(0);
  private seenCount = 0;
  /** Where the next entry is expected in the manifest. */
  private cursor = 0;
  private readonly directories: { target: string; mode: number }[] = [];

  // The file being received: its manifest index, or -1.
  private current = -1;
  private currentPath = '';
  private currentTarget = '';
  private currentSize = 0;
  private received = 0;
  private hasher: Hash | undefined;
  /** Whether the file being received is hashed on this thread (or by the writer thread that lays it down). */
  private hashHere = true;
  private open: OpenFile | undefined;
  private discard = false;
  /** Payload files count towards progress; kept extras (the runtime) do not. */
  private counted = false;

  bytesDone = 0;
  filesDone = 0;
  /** A release's top folder ("<file name>/"), once its first entry showed one; "" for a plain package. */
  private topFolder: string | undefined;

  constructor(
    private readonly options: ExtractOptions,
    private readonly pool: FileWriterPool | undefined,
    private readonly stopAfterManifest: boolean,
  ) {}

  /**
   * A release keeps everything in one folder named after its file (so that extracting it in /tmp cannot
   * mix it with what is there): that folder is accepted as the first entry and stripped from every other.
   */
  private withinRelease(header: TarHeader): TarHeader | undefined {
    if (this.topFolder === undefined) {
      const name = path.basename(this.options.archivePath).replace(/\.tar\.gz$/, '');
      const isTop = header.type === 'directory' && header.path.replace(/\/+$/, '') === name;
      this.topFolder = isTop ? `${name}/` : '';
      if (isTop) return undefined;
    }
    if (this.topFolder === '') return header;
    if (!header.path.startsWith(this.topFolder))
      throw new ExtractError(
        'invalid-package',
        `entry ${describeEntry(header)} is outside the release folder ${this.topFolder}`,
      );
    return { ...header, path: header.path.slice(this.topFolder.length) };
  }

  entry(raw: TarHeader): void {
    const header = this.withinRelease(raw);
    if (!header) return;
    this.entriesSeen++;
    if (this.entriesSeen === 1) {
      if (header.path !== MANIFEST_NAME || header.type !== 'file') {
        throw new ExtractError(
          'invalid-package',
          `the first entry is ${describeEntry(header)}, not the package manifest ${MANIFEST_NAME}`,
        );
      }
      if (header.size > MAX_MANIFEST_BYTES)
        throw new ExtractError(
          'invalid-package',
          `the manifest is ${header.size} bytes, more than the ${MAX_MANIFEST_BYTES} allowed`,
        );
      this.readingManifest = true;
      if (this.options.manifest) this.manifestHash = createHash('sha256');
      else this.manifestParser = new ManifestParser();
      return;
    }
    const manifest = this.manifest;
    if (!manifest) throw new ExtractError('invalid-package', 'entries before the manifest');
    const checked = checkArchivePath(header.path);
    if (!checked.ok)
      throw new ExtractError('invalid-package', `unsafe entry ${describeEntry(header)}: ${checked.reason}`);
    const entryPath = checked.path;
    if (header.type === 'hardlink')
      throw new ExtractError('invalid-package', `unsafe entry ${describeEntry(header)}: hard links are not allowed`);
    if (header.type !== 'file' && header.type !== 'directory' && header.type !== 'symlink') {
      throw new ExtractError(
        'invalid-package',
        `unsafe entry ${describeEntry(header)}: ${header.type} entries (type '${header.typeFlag}') are not allowed`,
      );
    }
    if (header.mode & 0o7000)
      throw new ExtractError(
        'invalid-package',
        `unsafe entry ${describeEntry(header)}: setuid/setgid/sticky mode ${header.mode.toString(8)}`,
      );
    const index = manifest.indexOf(entryPath, this.cursor);
    if (index !== -1) this.cursor = index + 1;
    if (index === -1)
      throw new ExtractError('invalid-package', `entry ${describeEntry(header)} is not listed in the manifest`);
    if (this.seen[index]) throw new ExtractError('invalid-package', `entry ${describeEntry(header)} appears twice`);
    this.seen[index] = 1;
    this.seenCount++;
    const expectedType = manifest.typeAt(index);
    const expectedMode = manifest.modeAt(index);
    if (expectedType !== header.type)
      throw new ExtractError(
        'invalid-package',
        `entry ${describeEntry(header)} is a ${header.type}; the manifest says ${expectedType}`,
      );
    if ((header.mode & 0o7777) !== expectedMode) {
      throw new ExtractError(
        'invalid-package',
        `entry ${describeEntry(header)} has mode ${header.mode.toString(8)}; the manifest says ${expectedMode.toString(8)}`,
      );
    }
    const inPayload = isPayloadPath(entryPath);
    const target = inPayload
      ? path.join(this.options.stagingDir, entryPath.slice(PAYLOAD_ROOT.length))
      : this.options.placeExtra?.(entryPath);
    if (expectedType === 'directory') {
      if (target !== undefined) {
        // Created owner-only; the manifest's mode is applied once everything inside is written.
        if (entryPath !== PAYLOAD_ROOT) fs.mkdirSync(target, { mode: 0o700, recursive: !inPayload });
        this.directories.push({ target, mode: expectedMode });
      }
      return;
    }
    if (expectedType === 'symlink') {
      const expectedTarget = manifest.targetAt(index);
      if (header.linkTarget !== expectedTarget) {
        throw new ExtractError(
          'invalid-package',
          `symlink ${describeEntry(header)} points to "${header.linkTarget}"; the manifest says "${expectedTarget}"`,
        );
      }
      if (target === undefined)
        throw new ExtractError('invalid-package', `symlink ${describeEntry(header)} outside the payload`);
      fs.symlinkSync(expectedTarget, target);
      this.filesDone++;
      return;
    }
    const expectedSize = manifest.sizeAt(index);
    if (header.size !== expectedSize) {
      throw new ExtractError(
        'invalid-package',
        `entry ${describeEntry(header)} is ${header.size} bytes; the manifest says ${expectedSize} (more than declared, or truncated)`,
      );
    }
    this.current = index;
    this.currentPath = entryPath;
    this.currentTarget = target ?? '';
    this.currentSize = header.size;
    this.received = 0;
    this.hasher = undefined;
    this.open = undefined;
    this.discard = target === undefined;
    this.counted = inPayload;
  }

  data(chunk: Buffer): void {
    if (this.readingManifest) {
      this.manifestLength += chunk.length;
      if (this.manifestHash) this.manifestHash.update(chunk);
      else this.parseManifest(() => this.manifestParser?.push(chunk));
      return;
    }
    const manifest = this.manifest;
    const index = this.current;
    if (!manifest || index === -1) throw new ExtractError('invalid-package', 'content outside a file entry');
    const mode = manifest.modeAt(index);
    const writer = this.discard ? undefined : this.pool;
    if (this.received === 0)
      this.hashHere = !writer || this.currentSize < HASH_THERE_FROM || writer.bytesInFlight >= HASH_HERE_IN_FLIGHT;
    // Only a file's first chunk opens it (or writes it whole), so only that chunk needs the digest to pass on.
    const check = this.received === 0 && !this.hashHere ? { sha256: manifest.sha256At(index), tag: index } : undefined;
    if (this.received === 0 && chunk.length === this.currentSize) {
      // The common case for small files: the whole content in one chunk, hashed and written in one go.
      this.received = chunk.length;
      if (this.hashHere && !oneShotHash('sha256', chunk, 'buffer').equals(manifest.sha256At(index))) this.mismatch();
      writer?.writeWholeFile(this.currentTarget, mode, chunk, check);
      return;
    }
    if (this.hashHere) {
      this.hasher ??= createHash('sha256');
      this.hasher.update(chunk);
    }
    if (writer) {
      this.open ??= writer.open(this.currentTarget, mode, check);
      writer.write(this.open, chunk);
    }
    this.received += chunk.length;
  }

  entryEnd(): void {
    if (this.readingManifest) {
      this.readingManifest = false;
      const parser = this.manifestParser;
      this.manifestParser = undefined;
      let manifest: PackageManifest | undefined;
      if (this.manifestHash && this.options.manifest) {
        if (this.manifestHash.digest('hex') !== this.options.manifest.digest) {
          throw new ExtractError(
            'invalid-package',
            'the package changed after it was checked (its manifest is different now)',
          );
        }
        manifest = this.options.manifest;
      } else {
        this.parseManifest(() => (manifest = parser?.finish()));
      }
      if (!manifest) throw new ExtractError('invalid-package', 'the archive has no manifest');
      const expect = this.options.expect;
      if (expect && (manifest.osLabel !== expect.osLabel || manifest.agentVersion !== expect.agentVersion)) {
        throw new ExtractError(
          'invalid-package',
          `the manifest describes ${manifest.agentVersion} for ${manifest.osLabel}, but the file name says ${expect.agentVersion} for ${expect.osLabel}`,
        );
      }
      this.manifest = manifest;
      this.seen = new Uint8Array(manifest.size);
      this.inflateLimit = inflateLimit(manifest, this.manifestLength);
      this.options.onManifest?.(manifest);
      if (this.stopAfterManifest) throw new StopReading();
      return;
    }
    const manifest = this.manifest;
    const index = this.current;
    if (!manifest || index === -1) return;
    this.current = -1;
    if (this.hasher) {
      const digest = this.hasher.digest();
      this.hasher = undefined;
      if (!digest.equals(manifest.sha256At(index))) this.mismatch();
    }
    if (this.open && this.pool) {
      this.pool.close(this.open);
      this.open = undefined;
    } else if (this.currentSize === 0) {
      if (!oneShotHash('sha256', EMPTY, 'buffer').equals(manifest.sha256At(index))) this.mismatch();
      if (!this.discard && this.pool) this.pool.writeWholeFile(this.currentTarget, manifest.modeAt(index), EMPTY);
    }
    if (this.counted) {
      this.bytesDone += this.currentSize;
      this.filesDone++;
    }
  }

  inflateLimit = MAX_MANIFEST_BYTES + 64 * 1024;

  /** Every entry the manifest lists must have been in the archive. */
  checkComplete(): void {
    const manifest = this.manifest;
    if (!manifest) throw new ExtractError('invalid-package', 'the archive has no manifest');
    if (this.seenCount !== manifest.size) {
      const missing: string[] = [];
      for (let i = 0; i < manifest.size; i++) if (!this.seen[i]) missing.push(manifest.pathAt(i));
      throw new ExtractError(
        'invalid-package',
        `the archive is missing ${missing.length} entries the manifest lists, e.g. "${missing[0]}" (truncated package?)`,
      );
    }
  }

  applyDirectoryModes(): void {
    // Deepest first, so a read-only directory never blocks finishing the ones inside it.
    for (let i = this.directories.length - 1; i >= 0; i--) {
      const dir = this.directories[i] as { target: string; mode: number };
      fs.chmodSync(dir.target, dir.mode);
    }
  }

  private parseManifest(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof ManifestError) throw new ExtractError('invalid-package', `manifest: ${error.message}`);
      throw error;
    }
  }

  private mismatch(): never {
    throw this.mismatchOf(this.currentPath);
  }

  /** The error for a file a writer thread found not to match its digest (its tag is its manifest index). */
  writerMismatch(tag: number): ExtractError {
    return this.mismatchOf(this.manifest?.pathAt(tag) ?? `entry ${tag}`);
  }

  private mismatchOf(entryPath: string): ExtractError {
    return new ExtractError(
      'invalid-package',
      `"${entryPath}" does not match its sha256 in the manifest (damaged or tampered package)`,
    );
  }
}
