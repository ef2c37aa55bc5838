// A push parser for the tar stream inside agent packages (ustar, pax 'x' records, GNU 'L'/'K' long names).
// Hand-written rather than node-tar or tar-stream because extraction fuses parsing, sha256 verification and
// dispatch to writer threads in one pass over each inflated chunk, with no per-entry stream objects: that is
// what lets a verified install beat GNU tar (bench/install-throughput.ts measured node-tar's x() at 1.8x tar).

export type TarEntryType =
  'file' | 'directory' | 'symlink' | 'hardlink' | 'character-device' | 'block-device' | 'fifo' | 'unknown';

export interface TarHeader {
  readonly path: string;
  readonly type: TarEntryType;
  readonly typeFlag: string;
  readonly mode: number;
  readonly size: number;
  readonly linkTarget: string;
}

export interface TarVisitor {
  /** A header was read; its content (size bytes) follows through data(). */
  entry(header: TarHeader): void;
  /** Content of the current entry. The chunk is only valid during the call. */
  data(chunk: Buffer): void;
  entryEnd(): void;
}

export class TarFormatError extends Error {}

const BLOCK = 512;
const MAX_META_ENTRY = 1024 * 1024; // pax / GNU long-name records larger than this are not legitimate

interface PendingMeta {
  path?: string;
  linkTarget?: string;
  size?: number;
}

function entryTypeOf(flag: number): TarEntryType {
  switch (flag) {
    case 0:
    case 0x30: // '0'
    case 0x37: // '7' contiguous file
      return 'file';
    case 0x35:
      return 'directory';
    case 0x32:
      return 'symlink';
    case 0x31:
      return 'hardlink';
    case 0x33:
      return 'character-device';
    case 0x34:
      return 'block-device';
    case 0x36:
      return 'fifo';
    default:
      return 'unknown';
  }
}

function readString(block: Buffer, offset: number, length: number): string {
  const end = block.indexOf(0, offset);
  const stop = end === -1 || end > offset + length ? offset + length : end;
  return block.toString('utf8', offset, stop);
}

function readNumber(block: Buffer, offset: number, length: number): number {
  if ((block[offset] ?? 0) & 0x80) {
    // GNU base-256 encoding for values that do not fit in octal.
    let value = 0;
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + (block[i] ?? 0);
    if (!Number.isSafeInteger(value)) throw new TarFormatError('tar header number too large');
    return value;
  }
  let value = 0;
  let seen = false;
  for (let i = offset; i < offset + length; i++) {
    const c = block[i] ?? 0;
    if (c === 0 || (c === 0x20 && seen)) break;
    if (c === 0x20) continue;
    if (c < 0x30 || c > 0x37) throw new TarFormatError(`tar header has a non-octal number field at offset ${offset}`);
    value = value * 8 + (c - 0x30);
    seen = true;
  }
  return value;
}

function checksumMatches(block: Buffer): boolean {
  const stored = readNumber(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] ?? 0);
  return sum === stored;
}

function parsePax(buffer: Buffer, into: PendingMeta): void {
  let offset = 0;
  while (offset < buffer.length) {
    const space = buffer.indexOf(0x20, offset);
    if (space === -1) throw new TarFormatError('malformed pax record');
    const length = Number(buffer.toString('ascii', offset, space));
    if (!Number.isInteger(length) || length <= 0 || offset + length > buffer.length)
      throw new TarFormatError('malformed pax record length');
    const record = buffer.toString('utf8', space + 1, offset + length - 1);
    const eq = record.indexOf('=');
    if (eq === -1) throw new TarFormatError('malformed pax record');
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === 'path') into.path = value;
    else if (key === 'linkpath') into.linkTarget = value;
    else if (key === 'size') {
      const size = Number(value);
      if (!Number.isSafeInteger(size) || size < 0) throw new TarFormatError('malformed pax size');
      into.size = size;
    }
    offset += length;
  }
}

type MetaKind = 'pax' | 'longname' | 'longlink' | 'ignore';

export class TarReader {
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  /** Content bytes left in the current entry, then its padding. */
  private remaining = 0;
  private padding = 0;
  private inEntry = false;
  private meta: { kind: MetaKind; chunks: Buffer[]; length: number } | undefined;
  private pending: PendingMeta = {};
  private done = false;
  private zeroBlocks = 0;

  constructor(private readonly visitor: TarVisitor) {}

  /** True once the end-of-archive marker has been read; later input is ignored. */
  get ended(): boolean {
    return this.done;
  }

  write(chunk: Buffer): void {
    let offset = 0;
    const length = chunk.length;
    while (offset < length && !this.done) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, length - offset);
        const part = chunk.subarray(offset, offset + take);
        if (this.meta) this.collectMeta(part);
        else this.visitor.data(part);
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0) this.finishContent();
        continue;
      }
      if (this.padding > 0) {
        const skip = Math.min(this.padding, length - offset);
        this.padding -= skip;
        offset += skip;
        continue;
      }
      // Assemble a 512-byte header, possibly across chunks.
      if (this.headerFill === 0 && length - offset >= BLOCK) {
        this.readHeader(chunk.subarray(offset, offset + BLOCK));
        offset += BLOCK;
      } else {
        const take = Math.min(BLOCK - this.headerFill, length - offset);
        chunk.copy(this.header, this.headerFill, offset, offset + take);
        this.headerFill += take;
        offset += take;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.readHeader(this.header);
        }
      }
    }
  }

  /** The input has ended. Anything short of a complete archive is a truncated package. */
  finish(): void {
    if (this.done) return;
    if (this.inEntry || this.remaining > 0 || this.headerFill > 0 || this.meta)
      throw new TarFormatError('archive is truncated inside an entry');
    if (Object.keys(this.pending).length > 0)
      throw new TarFormatError('archive ends with an extended header that describes no entry');
    // One zero block, or none: tar writes two, but some writers stop at one; accept only after a clean boundary.
    if (this.zeroBlocks === 0) throw new TarFormatError('archive is truncated: no end-of-archive marker');
    this.done = true;
  }

  private readHeader(block: Buffer): void {
    let allZero = true;
    for (let i = 0; i < BLOCK; i += 8) {
      if (block.readBigUInt64LE(i) !== 0n) {
        allZero = false;
        break;
      }
    }
    if (allZero) {
      this.zeroBlocks++;
      if (this.zeroBlocks === 2) this.done = true;
      return;
    }
    if (this.zeroBlocks > 0) throw new TarFormatError('data after an end-of-archive block');
    if (!checksumMatches(block))
      throw new TarFormatError('tar header checksum mismatch (corrupt or not a tar archive)');
    const flag = block[156] ?? 0;
    const size = readNumber(block, 124, 12);
    if (flag === 0x78 /* x */ || flag === 0x67 /* g */ || flag === 0x4c /* L */ || flag === 0x4b /* K */) {
      if (size > MAX_META_ENTRY) throw new TarFormatError('oversized extended header');
      const kind: MetaKind = flag === 0x78 ? 'pax' : flag === 0x4c ? 'longname' : flag === 0x4b ? 'longlink' : 'ignore';
      this.meta = { kind, chunks: [], length: 0 };
      this.startContent(size);
      if (size === 0) this.finishContent();
      return;
    }
    // Only POSIX ustar ("ustar\0") has a prefix field; GNU headers ("ustar  \0") keep times at offset 345.
    const posixUstar = block.toString('latin1', 257, 263) === 'ustar\0';
    let path = readString(block, 0, 100);
    if (posixUstar) {
      const prefix = readString(block, 345, 155);
      if (prefix) path = `${prefix}/${path}`;
    }
    const pending = this.pending;
    this.pending = {};
    const header: TarHeader = {
      path: pending.path ?? path,
      type: entryTypeOf(flag),
      typeFlag: String.fromCharCode(flag || 0x30),
      mode: readNumber(block, 100, 8),
      size: pending.size ?? size,
      linkTarget: pending.linkTarget ?? readString(block, 157, 100),
    };
    // Only regular files carry content; for other types a size field is ignored, as GNU tar does.
    const contentSize = header.type === 'file' ? header.size : header.type === 'unknown' ? header.size : 0;
    this.inEntry = true;
    this.visitor.entry(header);
    this.startContent(contentSize);
    if (contentSize === 0) this.finishContent();
  }

  private startContent(size: number): void {
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
  }

  private collectMeta(part: Buffer): void {
    const meta = this.meta;
    if (!meta || meta.kind === 'ignore') return;
    meta.chunks.push(Buffer.from(part));
    meta.length += part.length;
  }

  private finishContent(): void {
    const meta = this.meta;
    if (meta) {
      this.meta = undefined;
      const buffer = Buffer.concat(meta.chunks, meta.length);
      if (meta.kind === 'pax') parsePax(buffer, this.pending);
      else if (meta.kind === 'longname') this.pending.path = readString(buffer, 0, buffer.length);
      else if (meta.kind === 'longlink') this.pending.linkTarget = readString(buffer, 0, buffer.length);
      return;
    }
    if (this.inEntry) {
      this.inEntry = false;
      this.visitor.entryEnd();
    }
  }
}
