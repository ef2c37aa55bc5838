import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { craftPackage, Scratch, sha256, type CraftedEntry } from '../test-support/fixtures';
import { ExtractError } from './extract-error';
import type { FileWriterPool, OpenFile, WriteCheck } from './file-writer-pool';
import { inflateGzipFile } from './gzip-inflater';
import type { ManifestTuple } from './package-manifest';
import { PackageVisitor } from './package-visitor';
import { TarReader } from './tar-reader';

// Who hashes a file: a writer thread (given the digest to check) for files of 64 KiB or more while it keeps up,
// this thread when the writers are behind or the file is small. Whoever does, a file that differs is refused.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

interface Recorded {
  readonly path: string;
  readonly check: WriteCheck | undefined;
}

/** A writer pool that records what it is asked to write, and reports a fixed number of bytes in flight. */
function recordingPool(bytesInFlight: number): { pool: FileWriterPool; files: Recorded[] } {
  const files: Recorded[] = [];
  let id = 0;
  const pool = {
    bytesInFlight,
    writeWholeFile: (file: string, _mode: number, _data: Buffer, check?: WriteCheck) => {
      files.push({ path: path.basename(file), check });
    },
    open: (file: string, mode: number, check?: WriteCheck): OpenFile => {
      files.push({ path: path.basename(file), check });
      return { thread: 0, id: ++id, mode };
    },
    write: () => undefined,
    close: () => undefined,
  };
  return { pool: pool as unknown as FileWriterPool, files };
}

const big = 'b'.repeat(300_000);
const manifest = (bigContent: string): ManifestTuple[] => [
  ['payload', 'd', 0o755],
  ['payload/big', 'f', 0o644, 300_000, sha256(bigContent)],
  ['payload/small', 'f', 0o644, 5, sha256('small')],
];
const entries = (bigContent: string): CraftedEntry[] => [
  { name: 'payload/', type: 'directory', mode: 0o755 },
  { name: 'payload/big', content: bigContent },
  { name: 'payload/small', content: 'small' },
];

async function visit(file: string, pool: FileWriterPool): Promise<PackageVisitor> {
  const staging = scratch.path('staging');
  fs.mkdirSync(staging, { recursive: true });
  const visitor = new PackageVisitor({ archivePath: file, stagingDir: staging }, pool, false);
  const reader = new TarReader(visitor);
  for await (const chunk of inflateGzipFile(file)) if (!reader.ended) reader.write(chunk);
  return visitor;
}

describe('PackageVisitor: where files are hashed', () => {
  it('hands a large file to the writer with its digest while the writers keep up; small files are hashed here', async () => {
    const file = await craftPackage(scratch.path('repo'), { manifest: manifest(big), entries: entries(big) });
    const { pool, files } = recordingPool(0);
    await visit(file, pool);
    expect(files.map((f) => [f.path, f.check ? f.check.sha256.toString('hex') : 'hashed here'])).toEqual([
      ['big', sha256(big)],
      ['small', 'hashed here'],
    ]);
    expect(files[0]?.check?.tag).toBe(1);
  });

  it('hashes a large file itself when the writers are behind, and refuses one that differs', async () => {
    const file = await craftPackage(scratch.path('repo'), { manifest: manifest(big), entries: entries(big) });
    const behind = recordingPool(8 * 1024 * 1024);
    await visit(file, behind.pool);
    expect(behind.files.map((f) => [f.path, f.check])).toEqual([
      ['big', undefined],
      ['small', undefined],
    ]);

    const tampered = await craftPackage(scratch.path('repo2'), {
      manifest: manifest(big),
      entries: entries(`${'b'.repeat(299_999)}X`),
    });
    const error = await visit(tampered, recordingPool(8 * 1024 * 1024).pool).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExtractError);
    expect((error as ExtractError).message).toMatch(/"payload\/big" does not match its sha256/);
  });
});
