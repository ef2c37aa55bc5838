import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Transform, type TransformCallback } from 'node:stream';
import tarStream from 'tar-stream';
import { packageFileName, parseAgentVersion } from '../../../shared/package-name';
import { supportRowByLabel } from '../../../shared/support-matrix';
import { comparePaths, MANIFEST_NAME, OTHERS_WRITE, PAYLOAD_ROOT, type ManifestTuple } from './package-manifest';
import { serializeManifest } from './manifest-parser';
import { checkArchivePath, checkLinkTarget } from './archive-path';

// pack-agent's library: turns a payload folder into a package that the engine accepts. It refuses what the
// engine would refuse (setuid files, links leaving the tree, devices), so a bad payload fails here, at build
// time, not on an admin's server.

export class PackError extends Error {}

/**
 * tar-stream emits each 512-byte header and each small file as its own chunk, and zlib makes one thread-pool
 * round trip per chunk written to it; gathering them into 1 MiB writes makes packing ~10x faster.
 */
class Coalesce extends Transform {
  private chunks: Buffer[] = [];
  private size = 0;
  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= 1024 * 1024) this.release();
    done();
  }
  override _flush(done: TransformCallback): void {
    this.release();
    done();
  }
  private release(): void {
    if (this.size === 0) return;
    this.push(Buffer.concat(this.chunks, this.size));
    this.chunks = [];
    this.size = 0;
  }
}

export interface ExtraFile {
  /** Path inside the archive, outside payload/ (e.g. "install"). */
  readonly archivePath: string;
  readonly sourcePath: string;
  readonly mode: number;
}

export interface BuildPackageOptions {
  readonly from: string;
  readonly osLabel: string;
  readonly agentVersion: string;
  readonly outDir: string;
  readonly date?: Date;
  /** Files placed beside the payload (the self-contained release's installer and runtime). */
  readonly extras?: readonly ExtraFile[];
  /** gzip level; 6 is gzip's own default. */
  readonly level?: number;
  /**
   * Everything under one folder named after the archive (a release): extracted in a shared folder such as
   * /tmp, it then lands in a folder of its own, never among whatever is already there.
   */
  readonly topFolder?: boolean;
}

interface PlannedEntry {
  readonly archivePath: string;
  readonly sourcePath: string;
  readonly tuple: ManifestTuple;
}

const SMALL_FILE = 1024 * 1024;

async function sha256File(file: string, size: number): Promise<string> {
  if (size <= SMALL_FILE) return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file, { highWaterMark: 1024 * 1024 }), hash);
  return hash.digest('hex');
}

async function walkPayload(from: string): Promise<PlannedEntry[]> {
  const rootStat = fs.lstatSync(from);
  if (!rootStat.isDirectory()) throw new PackError(`--from "${from}" is not a folder`);
  if (rootStat.mode & OTHERS_WRITE)
    throw new PackError(
      `--from "${from}" can be written by group or others (mode ${(rootStat.mode & 0o777).toString(8)}); run chmod go-w on it`,
    );
  const planned: PlannedEntry[] = [
    { archivePath: PAYLOAD_ROOT, sourcePath: from, tuple: [PAYLOAD_ROOT, 'd', rootStat.mode & 0o777] },
  ];
  const visit = async (dir: string, archiveDir: string): Promise<void> => {
    const names = fs.readdirSync(dir).sort();
    for (const name of names) {
      const sourcePath = path.join(dir, name);
      const archivePath = `${archiveDir}/${name}`;
      const checked = checkArchivePath(archivePath);
      if (!checked.ok || checked.path !== archivePath)
        throw new PackError(`"${sourcePath}" cannot be packaged: ${checked.ok ? 'unusual name' : checked.reason}`);
      const stat = fs.lstatSync(sourcePath);
      if (stat.mode & 0o7000)
        throw new PackError(
          `"${sourcePath}" has setuid/setgid/sticky bits (mode ${(stat.mode & 0o7777).toString(8)}); agent packages never install those`,
        );
      const mode = stat.mode & 0o777;
      if (!stat.isSymbolicLink() && mode & OTHERS_WRITE)
        throw new PackError(
          `"${sourcePath}" can be written by group or others (mode ${mode.toString(8)}); root would install a file any user could replace. Run chmod go-w on it`,
        );
      if (stat.isDirectory()) {
        planned.push({ archivePath, sourcePath, tuple: [archivePath, 'd', mode] });
        await visit(sourcePath, archivePath);
      } else if (stat.isFile()) {
        planned.push({
          archivePath,
          sourcePath,
          tuple: [archivePath, 'f', mode, stat.size, await sha256File(sourcePath, stat.size)],
        });
      } else if (stat.isSymbolicLink()) {
        const target = fs.readlinkSync(sourcePath);
        const link = checkLinkTarget(archivePath, target, PAYLOAD_ROOT);
        if (!link.ok) throw new PackError(`"${sourcePath}" cannot be packaged: ${link.reason}`);
        planned.push({ archivePath, sourcePath, tuple: [archivePath, 'l', 0o777, target] });
      } else {
        throw new PackError(
          `"${sourcePath}" is a device, socket or FIFO; a package holds only files, folders and links`,
        );
      }
    }
  };
  await visit(from, PAYLOAD_ROOT);
  return planned;
}

async function planExtras(extras: readonly ExtraFile[]): Promise<PlannedEntry[]> {
  const planned: PlannedEntry[] = [];
  const dirs = new Set<string>();
  for (const extra of extras) {
    const checked = checkArchivePath(extra.archivePath);
    if (
      !checked.ok ||
      checked.path.startsWith(`${PAYLOAD_ROOT}/`) ||
      checked.path === PAYLOAD_ROOT ||
      checked.path === MANIFEST_NAME
    ) {
      throw new PackError(`extra file "${extra.archivePath}" must be a relative path outside ${PAYLOAD_ROOT}/`);
    }
    const parts = checked.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!dirs.has(dir)) {
        dirs.add(dir);
        planned.push({ archivePath: dir, sourcePath: '', tuple: [dir, 'd', 0o755] });
      }
    }
    const stat = fs.statSync(extra.sourcePath);
    planned.push({
      archivePath: checked.path,
      sourcePath: extra.sourcePath,
      tuple: [checked.path, 'f', extra.mode, stat.size, await sha256File(extra.sourcePath, stat.size)],
    });
  }
  return planned;
}

export interface BuiltPackage {
  readonly file: string;
  readonly entries: number;
  readonly payloadBytes: number;
}

interface PlannedPackage {
  readonly label: string;
  readonly date: Date;
  readonly payload: readonly PlannedEntry[];
  /** Payload and extras, in manifest (path) order. */
  readonly entries: readonly PlannedEntry[];
  readonly manifestText: string;
}

async function planPackage(options: Omit<BuildPackageOptions, 'outDir'>): Promise<PlannedPackage> {
  if (!supportRowByLabel(options.osLabel))
    throw new PackError(`--os "${options.osLabel}" is not a label of the support matrix`);
  const label = supportRowByLabel(options.osLabel)?.label ?? options.osLabel;
  if (!parseAgentVersion(options.agentVersion))
    throw new PackError(`--agent-version "${options.agentVersion}" is not of the form X.Y.Z.W (for example 9.60.0.0)`);
  const date = options.date ?? new Date();
  const payload = await walkPayload(options.from);
  const extras = await planExtras(options.extras ?? []);
  const entries = [...extras, ...payload].sort((a, b) => comparePaths(a.archivePath, b.archivePath));
  const manifestText = serializeManifest({
    agentVersion: options.agentVersion,
    osLabel: label,
    created: date.toISOString(),
    entries: entries.map((e) => e.tuple),
  });
  return { label, date, payload, entries, manifestText };
}

/**
 * A release laid out as a folder (what the Windows self-extractor holds, and what extracting a Linux release
 * gives): the manifest, then every entry at its path, files with their modes. `dir` must not exist.
 */
export async function writeReleaseFolder(options: Omit<BuildPackageOptions, 'outDir'>, dir: string): Promise<void> {
  const planned = await planPackage(options);
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, MANIFEST_NAME), planned.manifestText, { mode: 0o644 });
  for (const entry of planned.entries) {
    const target = path.join(dir, ...entry.archivePath.split('/'));
    const tuple = entry.tuple;
    if (tuple[1] === 'd') fs.mkdirSync(target, { mode: tuple[2] });
    else if (tuple[1] === 'l') fs.symlinkSync(tuple[3], target);
    else {
      fs.copyFileSync(entry.sourcePath, target);
      fs.chmodSync(target, tuple[2]);
    }
  }
}

export async function buildPackage(options: BuildPackageOptions): Promise<BuiltPackage> {
  const { label, date, payload, entries, manifestText } = await planPackage(options);
  fs.mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, packageFileName(options.agentVersion, label, date));
  const partial = `${file}.partial-${process.pid}`;
  const pack = tarStream.pack();
  const mtime = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const header = { mtime, uid: 0, gid: 0, uname: 'root', gname: 'root' };
  const written = pipeline(
    pack,
    new Coalesce(),
    createGzip({ level: options.level ?? zlibConstants.Z_DEFAULT_COMPRESSION, chunkSize: 1024 * 1024 }),
    fs.createWriteStream(partial, { mode: 0o644 }),
  );
  const addEntry = (headers: Partial<tarStream.Header> & { name: string }, content?: Buffer | string): Promise<void> =>
    new Promise((resolve, reject) => {
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (content === undefined) pack.entry({ ...header, ...headers }, done);
      else pack.entry({ ...header, ...headers }, content, done);
    });
  let pending: Promise<void>[] = [];
  let pendingBytes = 0;
  const settle = async (): Promise<void> => {
    const waiting = pending;
    pending = [];
    pendingBytes = 0;
    await Promise.all(waiting);
  };
  try {
    const top = options.topFolder ? `${path.basename(file, '.tar.gz')}/` : '';
    if (top) await addEntry({ name: top, mode: 0o755, type: 'directory' });
    await addEntry({ name: `${top}${MANIFEST_NAME}`, mode: 0o644, type: 'file' }, manifestText);
    for (const entry of entries) {
      const tuple = entry.tuple;
      if (tuple[1] === 'd') {
        await addEntry({ name: `${top}${entry.archivePath}/`, mode: tuple[2], type: 'directory' });
      } else if (tuple[1] === 'l') {
        await addEntry({ name: `${top}${entry.archivePath}`, mode: tuple[2], type: 'symlink', linkname: tuple[3] });
      } else if (tuple[3] <= SMALL_FILE) {
        const content = fs.readFileSync(entry.sourcePath);
        if (content.length !== tuple[3])
          throw new PackError(`"${entry.sourcePath}" changed while it was being packaged`);
        // Waiting for each small entry to pass through gzip would idle on a thread-pool round trip per file.
        pending.push(addEntry({ name: `${top}${entry.archivePath}`, mode: tuple[2], type: 'file' }, content));
        pendingBytes += content.length;
        if (pendingBytes > 8 * 1024 * 1024 || pending.length > 512) await settle();
      } else {
        await settle();
        await new Promise<void>((resolve, reject) => {
          const sink = pack.entry(
            { ...header, name: `${top}${entry.archivePath}`, mode: tuple[2], type: 'file', size: tuple[3] },
            (error) => (error ? reject(error) : resolve()),
          );
          fs.createReadStream(entry.sourcePath, { highWaterMark: 1024 * 1024 })
            .on('error', reject)
            .pipe(sink);
        });
      }
    }
    await settle();
    pack.finalize();
    await written;
    fs.renameSync(partial, file);
  } catch (error) {
    pack.destroy();
    fs.rmSync(partial, { force: true });
    throw error;
  }
  const payloadBytes = payload.reduce((sum, e) => sum + (e.tuple[1] === 'f' ? e.tuple[3] : 0), 0);
  return { file, entries: entries.length, payloadBytes };
}
