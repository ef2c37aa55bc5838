import { createHash, type Hash } from 'node:crypto';
import { supportRowByLabel } from '../../../shared/support-matrix';
import * as z from 'zod/mini';
import '../../../shared/zod-english';
import { parseAgentVersion } from '../../../shared/package-name';
import { MANIFEST_FORMAT, ManifestError, PackageManifest, PAYLOAD_ROOT, type ManifestTuple } from './package-manifest';

// Reading and writing the manifest's line layout (described in package-manifest.ts).

const ENTRIES_OPEN = '"entries":[';

const headerSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  agentVersion: z.string().check(z.refine((v) => parseAgentVersion(v) !== undefined, 'agentVersion must be X.Y.Z.W')),
  osLabel: z
    .string()
    .check(z.refine((v) => supportRowByLabel(v) !== undefined, 'osLabel must be a label of the support matrix')),
  created: z.string(),
  totalBytes: z.int().check(z.nonnegative()),
  /** Lets the reader size its tables once. */
  entryCount: z.int().check(z.positive(), z.maximum(10_000_000)),
  entries: z.array(z.never()),
});

/**
 * Parses a manifest in its line layout as its bytes arrive, so a large manifest is never held whole.
 */
export class ManifestParser {
  private carry: Buffer = Buffer.alloc(0);
  private readonly hash: Hash = createHash('sha256');
  private manifest: PackageManifest | undefined;
  private declaredTotal = 0;
  private closed = false;

  push(chunk: Buffer): void {
    this.hash.update(chunk);
    let start = 0;
    const data = chunk;
    if (this.carry.length > 0) {
      const newline = chunk.indexOf(0x0a);
      if (newline === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        if (this.carry.length > MAX_LINE) throw new ManifestError('manifest has a line longer than 64 KiB');
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, newline)]);
      this.line(line, 0, line.length);
      this.carry = Buffer.alloc(0);
      start = newline + 1;
    }
    for (;;) {
      const newline = data.indexOf(0x0a, start);
      if (newline === -1) break;
      this.line(data, start, newline);
      start = newline + 1;
    }
    if (start < data.length) {
      this.carry = Buffer.from(data.subarray(start));
      if (this.carry.length > MAX_LINE) throw new ManifestError('manifest has a line longer than 64 KiB');
    }
  }

  finish(): PackageManifest {
    if (this.carry.length > 0) {
      this.line(this.carry, 0, this.carry.length);
      this.carry = Buffer.alloc(0);
    }
    const manifest = this.manifest;
    if (!manifest) throw new ManifestError('manifest is empty');
    if (!this.closed) throw new ManifestError('manifest is truncated (no closing "]}")');
    if (manifest.size !== manifest.declaredEntries)
      throw new ManifestError(
        `manifest lists ${manifest.size} entries; its header declares ${manifest.declaredEntries}`,
      );
    if (manifest.indexOf(PAYLOAD_ROOT) === -1 || manifest.typeAt(manifest.indexOf(PAYLOAD_ROOT)) !== 'directory') {
      throw new ManifestError(`manifest has no "${PAYLOAD_ROOT}" directory`);
    }
    if (manifest.totalBytes !== this.declaredTotal) {
      throw new ManifestError(
        `manifest totalBytes ${this.declaredTotal} does not match its entries (${manifest.totalBytes})`,
      );
    }
    manifest.digest = this.hash.digest('hex');
    return manifest;
  }

  private line(data: Buffer, start: number, end: number): void {
    // The same limit whatever the chunking: every line is measured, not only the carried-over ones.
    if (end - start > MAX_LINE) throw new ManifestError('manifest has a line longer than 64 KiB');
    const raw = data.toString('utf8', start, end);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const manifest = this.manifest;
    if (!manifest) {
      this.header(line);
      return;
    }
    if (this.closed) {
      if (line.trim() !== '') throw new ManifestError('manifest has content after its end');
      return;
    }
    if (line === ']}') {
      this.closed = true;
      return;
    }
    const text = line.endsWith(',') ? line.slice(0, -1) : line;
    let tuple: unknown;
    try {
      tuple = JSON.parse(text);
    } catch {
      throw new ManifestError(`manifest line "${text.slice(0, 120)}" is not valid JSON`);
    }
    manifest.add(tuple);
  }

  private header(line: string): void {
    if (!line.endsWith(ENTRIES_OPEN))
      throw new ManifestError('manifest is not in the line layout of asr-agent-package/1');
    let headerJson: unknown;
    try {
      headerJson = JSON.parse(`${line}]}`);
    } catch {
      throw new ManifestError('manifest header is not valid JSON');
    }
    const parsed = headerSchema.safeParse(headerJson);
    if (!parsed.success)
      throw new ManifestError(
        `manifest is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const header = parsed.data;
    this.declaredTotal = header.totalBytes;
    this.manifest = new PackageManifest(
      header.agentVersion,
      supportRowByLabel(header.osLabel)?.label ?? header.osLabel,
      header.created,
      header.entryCount,
    );
  }
}

const MAX_LINE = 64 * 1024;

export function parseManifest(data: Buffer | string): PackageManifest {
  const parser = new ManifestParser();
  parser.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  return parser.finish();
}

export function serializeManifest(manifest: {
  agentVersion: string;
  osLabel: string;
  created: string;
  entries: readonly ManifestTuple[];
}): string {
  let totalBytes = 0;
  for (const tuple of manifest.entries) if (tuple[1] === 'f') totalBytes += tuple[3];
  const header = `{"format":${JSON.stringify(MANIFEST_FORMAT)},"agentVersion":${JSON.stringify(manifest.agentVersion)},"osLabel":${JSON.stringify(manifest.osLabel)},"created":${JSON.stringify(manifest.created)},"totalBytes":${totalBytes},"entryCount":${manifest.entries.length},${ENTRIES_OPEN}`;
  const lines = manifest.entries.map((tuple) => JSON.stringify(tuple));
  return `${header}\n${lines.join(',\n')}\n]}\n`;
}
