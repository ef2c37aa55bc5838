import { RUNTIME_LOADER_NAME } from '../system/runtime-command';
import { checkArchivePath, checkLinkTarget, parentOf } from './archive-path';

// The manifest is the first entry of every package. It names every entry the archive may hold, with its
// type, mode, size and sha256; extraction refuses anything it does not list or that differs from it.
//
// Layout (JSON, one entry a line, so it can be read line by line in bounded memory):
//   {"format":"asr-agent-package/1","agentVersion":"9.60.0.0","osLabel":"DEBIAN12-64","created":"…","totalBytes":N,"entryCount":3,"entries":[
//   ["payload","d",493],
//   ["payload/bin/agent","f",493,1234,"<sha256 hex>"],
//   ["payload/lib/libx.so","l",511,"libx.so.1"]
//   ]}
// Entries are in path order, component by component (a depth-first walk with sorted names), which rules out
// duplicates and puts every folder before what it holds with one comparison per line. Held in memory as
// typed arrays and one buffer of paths (no per-entry objects or strings): a 100,000-file manifest costs
// ~8 MB instead of the ~60 MB JSON.parse's arrays of strings would (the install's peak memory target is
// 100 MB for any package). Archives list entries in the same order, so lookups follow a cursor; a path
// index is built only for an archive that is out of order.

export const MANIFEST_NAME = 'ASR-MANIFEST.json';
export const PAYLOAD_ROOT = 'payload';
/** In a self-contained release: the Node runtime and the bundled engine, beside the payload. */
export const RUNTIME_ROOT = 'runtime';
export const RELEASE_ENGINE = `${RUNTIME_ROOT}/asr-setup.cjs`;
export const RELEASE_NODE = `${RUNTIME_ROOT}/node`;
/** The C library the runtime brings (loader and shared libraries), so none of the system's is loaded. */
export const RELEASE_LIB_DIR = `${RUNTIME_ROOT}/lib`;
export { RUNTIME_LOADER_NAME };
export const RELEASE_LOADER = `${RELEASE_LIB_DIR}/${RUNTIME_LOADER_NAME}`;
export const RELEASE_INSTALLER = 'install';
/** The Windows release: its launcher (the seed's UnifiedAgent.exe) at the top, and Node's Windows runtime. */
export const RELEASE_WINDOWS_LAUNCHER = 'UnifiedAgent.exe';
export const RELEASE_WINDOWS_NODE = `${RUNTIME_ROOT}/node.exe`;
export const MANIFEST_FORMAT = 'asr-agent-package/1';
/** Large enough for a million entries; a bigger "manifest" is an attack on memory. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

export type ManifestEntryType = 'directory' | 'file' | 'symlink';

export type ManifestEntry =
  | { readonly type: 'directory'; readonly path: string; readonly mode: number }
  | {
      readonly type: 'file';
      readonly path: string;
      readonly mode: number;
      readonly size: number;
      readonly sha256: string;
    }
  | { readonly type: 'symlink'; readonly path: string; readonly mode: number; readonly target: string };

export type ManifestTuple =
  | readonly [path: string, type: 'd', mode: number]
  | readonly [path: string, type: 'f', mode: number, size: number, sha256: string]
  | readonly [path: string, type: 'l', mode: number, target: string];

export class ManifestError extends Error {}

/** setuid, setgid and sticky bits are never installed from a package. */
const SPECIAL_BITS = 0o7000;
export const OTHERS_WRITE = 0o022;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const TYPE_DIR = 1;
const TYPE_FILE = 2;
const TYPE_LINK = 3;

/** Path order, component by component: "/" sorts before every other character, so "a/b" < "a-b". */
export function comparePaths(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return (x === 0x2f ? -1 : x) - (y === 0x2f ? -1 : y);
  }
  return a.length - b.length;
}

export function isPayloadPath(path: string): boolean {
  return path === PAYLOAD_ROOT || path.startsWith(`${PAYLOAD_ROOT}/`);
}

export class PackageManifest {
  readonly format = MANIFEST_FORMAT;
  /** Sum of the sizes of all files, payload and extras. */
  totalBytes = 0;
  payloadBytes = 0;
  /** sha256 of the manifest's bytes, so extraction can confirm the archive still holds this very manifest. */
  digest = '';
  payloadFiles = 0;
  payloadLinks = 0;
  private count = 0;
  private index: Map<string, number> | undefined;
  private readonly directories = new Set<string>();
  private lastPath = '';
  private pathData = Buffer.alloc(0);
  private pathLength = 0;
  private pathEnds = new Uint32Array(0);
  private types = new Uint8Array(0);
  private modes = new Uint16Array(0);
  private sizes = new Float64Array(0);
  private hashes = Buffer.alloc(0);
  private readonly targets = new Map<number, string>();

  constructor(
    readonly agentVersion: string,
    readonly osLabel: string,
    readonly created: string,
    private readonly declaredCount: number,
  ) {
    this.grow(Math.min(declaredCount, 1_000_000));
    // Sized for typical paths up front, so a large manifest is not copied as it grows.
    this.pathData = Buffer.alloc(Math.min(declaredCount, 1_000_000) * 40);
  }

  get size(): number {
    return this.count;
  }

  get declaredEntries(): number {
    return this.declaredCount;
  }

  pathAt(i: number): string {
    const start = i === 0 ? 0 : (this.pathEnds[i - 1] ?? 0);
    return this.pathData.toString('utf8', start, this.pathEnds[i] ?? 0);
  }

  /** The entry's index, or -1. `hint` is where the caller expects it (the next entry in order). */
  indexOf(path: string, hint = -1): number {
    if (hint >= 0 && hint < this.count && this.pathAt(hint) === path) return hint;
    if (!this.index) {
      this.index = new Map();
      for (let i = 0; i < this.count; i++) this.index.set(this.pathAt(i), i);
    }
    return this.index.get(path) ?? -1;
  }

  typeAt(i: number): ManifestEntryType {
    const type = this.types[i];
    return type === TYPE_DIR ? 'directory' : type === TYPE_FILE ? 'file' : 'symlink';
  }

  modeAt(i: number): number {
    return this.modes[i] ?? 0;
  }

  sizeAt(i: number): number {
    return this.sizes[i] ?? 0;
  }

  /** The raw 32-byte digest; a view into the manifest's table. */
  sha256At(i: number): Buffer {
    return this.hashes.subarray(i * 32, i * 32 + 32);
  }

  targetAt(i: number): string {
    return this.targets.get(i) ?? '';
  }

  get(path: string): ManifestEntry | undefined {
    const i = this.indexOf(path);
    if (i === -1) return undefined;
    const mode = this.modeAt(i);
    switch (this.typeAt(i)) {
      case 'directory':
        return { type: 'directory', path, mode };
      case 'file':
        return { type: 'file', path, mode, size: this.sizeAt(i), sha256: this.sha256At(i).toString('hex') };
      case 'symlink':
        return { type: 'symlink', path, mode, target: this.targetAt(i) };
    }
  }

  *paths(): IterableIterator<string> {
    for (let i = 0; i < this.count; i++) yield this.pathAt(i);
  }

  /** Adds one entry; entries must come parents first. */
  add(tuple: unknown): void {
    if (!Array.isArray(tuple)) throw new ManifestError('manifest entry is not a tuple');
    const [path, type, mode] = tuple as unknown[];
    if (typeof path !== 'string' || typeof mode !== 'number' || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
      throw new ManifestError(`manifest entry ${JSON.stringify(tuple).slice(0, 200)} is malformed`);
    }
    if (mode & SPECIAL_BITS)
      throw new ManifestError(`manifest entry "${path}" has setuid/setgid/sticky bits (mode ${mode.toString(8)})`);
    // Root installs the tree: a group- or other-writable file or folder would let any user replace what root runs.
    if (type !== 'l' && mode & OTHERS_WRITE)
      throw new ManifestError(
        `manifest entry "${path}" can be written by group or others (mode ${mode.toString(8)}); agent packages never install that`,
      );
    const checked = checkArchivePath(path);
    if (!checked.ok || checked.path !== path)
      throw new ManifestError(
        `manifest entry "${path}" is not a safe relative path${checked.ok ? '' : `: ${checked.reason}`}`,
      );
    if (this.count > 0 && comparePaths(this.lastPath, path) >= 0) {
      throw new ManifestError(
        `manifest entry "${path}" is ${this.lastPath === path ? 'listed twice' : `out of order (after "${this.lastPath}")`}`,
      );
    }
    const parent = parentOf(path);
    // Every entry hangs off a directory listed before it, so no entry can sit below a symlink.
    if (parent !== '' && !this.directories.has(parent)) {
      throw new ManifestError(`manifest entry "${path}" is not inside a directory listed before it`);
    }
    const i = this.count;
    if (i >= this.declaredCount)
      throw new ManifestError(`manifest has more entries than the ${this.declaredCount} its header declares`);
    this.grow(i + 1);
    if (type === 'd' && tuple.length === 3) {
      this.types[i] = TYPE_DIR;
      this.directories.add(path);
    } else if (type === 'f' && tuple.length === 5) {
      const size = tuple[3] as unknown;
      const sha256 = tuple[4] as unknown;
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
        throw new ManifestError(`manifest entry "${path}" has an invalid size`);
      if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256))
        throw new ManifestError(`manifest entry "${path}" has an invalid sha256`);
      this.types[i] = TYPE_FILE;
      this.sizes[i] = size;
      this.hashes.write(sha256, i * 32, 32, 'hex');
      this.totalBytes += size;
      if (isPayloadPath(path)) {
        this.payloadBytes += size;
        this.payloadFiles++;
      }
    } else if (type === 'l' && tuple.length === 4) {
      const target = tuple[3] as unknown;
      if (typeof target !== 'string') throw new ManifestError(`manifest entry "${path}" has an invalid link target`);
      if (!isPayloadPath(path)) throw new ManifestError(`symlink "${path}" outside the payload`);
      const link = checkLinkTarget(path, target, PAYLOAD_ROOT);
      if (!link.ok) throw new ManifestError(`symlink "${path}": ${link.reason}`);
      this.types[i] = TYPE_LINK;
      this.targets.set(i, target);
      this.payloadLinks++;
    } else {
      throw new ManifestError(`manifest entry "${path}" has an unknown type or shape`);
    }
    this.modes[i] = mode;
    const bytes = Buffer.byteLength(path);
    if (this.pathLength + bytes > this.pathData.length) {
      const grown = Buffer.alloc(Math.max(this.pathData.length * 2, this.pathLength + bytes, 4096));
      this.pathData.copy(grown, 0, 0, this.pathLength);
      this.pathData = grown;
    }
    this.pathLength += this.pathData.write(path, this.pathLength, 'utf8');
    this.pathEnds[i] = this.pathLength;
    this.lastPath = path;
    this.count = i + 1;
  }

  private grow(needed: number): void {
    if (needed <= this.types.length) return;
    const capacity = Math.max(needed, this.types.length * 2, 16);
    const types = new Uint8Array(capacity);
    types.set(this.types);
    const modes = new Uint16Array(capacity);
    modes.set(this.modes);
    const sizes = new Float64Array(capacity);
    sizes.set(this.sizes);
    const hashes = Buffer.alloc(capacity * 32);
    this.hashes.copy(hashes);
    const pathEnds = new Uint32Array(capacity);
    pathEnds.set(this.pathEnds);
    this.pathEnds = pathEnds;
    this.types = types;
    this.modes = modes;
    this.sizes = sizes;
    this.hashes = hashes;
  }
}
