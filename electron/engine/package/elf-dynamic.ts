import * as fs from 'node:fs';

// What the dynamic loader reads of an ELF file before it runs it: the interpreter it asks for (PT_INTERP), the
// libraries it needs (DT_NEEDED) and its own name (DT_SONAME). Written here because no maintained npm package
// reads these (the few ELF readers on the registry are unmaintained or parse whole files into objects); it
// reads only the headers, a few KB, never the ~90 MB of a Node binary. 64-bit little-endian (x86-64) only.

export interface ElfDynamic {
  /** The program interpreter, e.g. /lib64/ld-linux-x86-64.so.2; undefined for a library or a static binary. */
  readonly interpreter: string | undefined;
  /** DT_NEEDED names in the order the file lists them. */
  readonly needed: readonly string[];
  readonly soname: string | undefined;
}

export class ElfError extends Error {}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_SONAME = 14n;
const PROGRAM_HEADER_SIZE = 56;
const DYNAMIC_ENTRY_SIZE = 16;
/** Far above any real header table or dynamic section; a larger one is a damaged (or hostile) file. */
const MAX_TABLE_BYTES = 1024 * 1024;

interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly fileSize: number;
}

function readAt(fd: number, offset: number, length: number, file: string): Buffer {
  if (length > MAX_TABLE_BYTES || offset < 0) throw new ElfError(`${file}: a header points outside the file`);
  const buffer = Buffer.alloc(length);
  const read = fs.readSync(fd, buffer, 0, length, offset);
  if (read !== length) throw new ElfError(`${file}: the file ends inside its headers (truncated?)`);
  return buffer;
}

function cString(buffer: Buffer, at: number, file: string): string {
  const end = buffer.indexOf(0, at);
  if (at < 0 || at >= buffer.length || end < 0) throw new ElfError(`${file}: a name points outside its string table`);
  return buffer.toString('latin1', at, end);
}

export function readElfDynamic(file: string): ElfDynamic {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(64);
    const got = fs.readSync(fd, header, 0, 64, 0);
    if (got < 4 || header.readUInt32BE(0) !== 0x7f454c46) throw new ElfError(`${file} is not an ELF file`);
    if (got < 64) throw new ElfError(`${file}: the file ends inside its headers (truncated?)`);
    if (header[4] !== 2 || header[5] !== 1)
      throw new ElfError(`${file} is not a 64-bit little-endian ELF file (the release is for x86-64)`);
    const phoff = Number(header.readBigUInt64LE(0x20));
    const phentsize = header.readUInt16LE(0x36);
    const phnum = header.readUInt16LE(0x38);
    if (phentsize !== PROGRAM_HEADER_SIZE) throw new ElfError(`${file}: unexpected program header size ${phentsize}`);
    const table = readAt(fd, phoff, phnum * phentsize, file);
    const segments: Segment[] = [];
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      segments.push({
        type: table.readUInt32LE(at),
        offset: Number(table.readBigUInt64LE(at + 8)),
        vaddr: Number(table.readBigUInt64LE(at + 16)),
        fileSize: Number(table.readBigUInt64LE(at + 32)),
      });
    }
    const interp = segments.find((s) => s.type === PT_INTERP);
    const interpreter = interp ? cString(readAt(fd, interp.offset, interp.fileSize, file), 0, file) : undefined;
    const dynamic = segments.find((s) => s.type === PT_DYNAMIC);
    if (!dynamic) return { interpreter, needed: [], soname: undefined };
    const entries = readAt(fd, dynamic.offset, dynamic.fileSize, file);
    const neededAt: number[] = [];
    let sonameAt: number | undefined;
    let strtab: number | undefined;
    for (let at = 0; at + DYNAMIC_ENTRY_SIZE <= entries.length; at += DYNAMIC_ENTRY_SIZE) {
      const tag = entries.readBigInt64LE(at);
      const value = Number(entries.readBigUInt64LE(at + 8));
      if (tag === DT_NULL) break;
      if (tag === DT_NEEDED) neededAt.push(value);
      else if (tag === DT_SONAME) sonameAt = value;
      else if (tag === DT_STRTAB) strtab = value;
    }
    if (neededAt.length === 0 && sonameAt === undefined) return { interpreter, needed: [], soname: undefined };
    if (strtab === undefined) throw new ElfError(`${file}: its dynamic section has no string table`);
    // DT_STRTAB is an address in memory: the PT_LOAD segment that maps it says where that is in the file.
    const address = strtab;
    const load = segments.find((s) => s.type === PT_LOAD && address >= s.vaddr && address < s.vaddr + s.fileSize);
    if (!load) throw new ElfError(`${file}: its string table is not in any loaded segment`);
    const strtabOffset = load.offset + (address - load.vaddr);
    const longest = Math.max(...neededAt, sonameAt ?? 0) + 4096;
    const size = Math.min(longest, load.offset + load.fileSize - strtabOffset);
    const strings = readAt(fd, strtabOffset, size, file);
    return {
      interpreter,
      needed: neededAt.map((at) => cString(strings, at, file)),
      soname: sonameAt === undefined ? undefined : cString(strings, sonameAt, file),
    };
  } finally {
    fs.closeSync(fd);
  }
}
