import type { ExtractProgress } from './extract-error';
import type { InflateOptions } from './gzip-inflater';
import type { PackageManifest } from './package-manifest';

// What a verify-and-extract is asked to do, apart from safe-extract.ts so that its package visitor reads it
// without importing it back.

export interface ExtractOptions {
  readonly archivePath: string;
  /** An existing, empty, private folder that receives the payload tree. */
  readonly stagingDir: string;
  readonly expect?: { readonly osLabel: string; readonly agentVersion: string };
  readonly writerThreads?: number;
  readonly signal?: AbortSignal;
  readonly onManifest?: (manifest: PackageManifest) => void;
  /** May return a promise; extraction waits for it (a test failpoint pauses here). */
  readonly onProgress?: (progress: ExtractProgress) => void | Promise<void>;
  readonly inflate?: InflateOptions;
  /**
   * The manifest preflight already read from this file. Extraction then only checks that the archive's
   * manifest has the same sha256 (a package swapped after preflight is refused) instead of parsing it again.
   */
  readonly manifest?: PackageManifest;
  /**
   * Where to put an entry outside payload/ (the self-contained release's runtime), or undefined to verify
   * and discard it. Payload entries always go to the staging folder.
   */
  readonly placeExtra?: (archivePath: string) => string | undefined;
}
