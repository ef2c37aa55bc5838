import * as fs from 'node:fs';
import type { LogLevelFilter, LogLine } from '../../../shared/ipc-contract';

// The setup log's line format, as electron/engine/log/setup-log.ts writes it, read at the byte level: the
// index judges millions of lines, so a line's level comes from fixed byte positions, never from a parse.

export type Level = LogLine['level'];

// Level codes ordered so that "at this level or above" is a range test; OTHER sits above ERROR so that
// the same test (code <= ERROR) leaves out header and free-form lines.
export const DEBUG = 0;
export const INFO = 1;
export const WARN = 2;
export const ERROR = 3;
export const OTHER = 4;
export const LEVEL_NAMES: readonly Level[] = ['debug', 'info', 'warn', 'error', 'other'];
export const MIN_LEVEL: Readonly<Record<Exclude<LogLevelFilter, 'all'>, number>> = {
  debug: DEBUG,
  info: INFO,
  warn: WARN,
  error: ERROR,
};

// "2026-11-25T17:59:34.507Z INFO  message": the level token always starts at byte 25, and the shortest
// such line (empty message) is 31 bytes.
const LEVEL_AT = 25;
const MIN_TIMESTAMPED = 31;

export const CHUNK = 4 * 1024 * 1024;
/** Bytes handed to the text search as one string. */
export const SEGMENT = 64 * 1024;
/** Lines read in one readSync when they lie close together. */
export const GROUP_BYTES = 256 * 1024;
const MAX_LINE_CHARS = 10_000;
// Any UTF-8 text of this many bytes decodes to more than MAX_LINE_CHARS UTF-16 units (3 bytes per unit at
// worst), so a long line never needs more than this read.
export const MAX_LINE_BYTES = MAX_LINE_CHARS * 4;
export const RULE_LENGTH = 100;
export const RUN_MARK = ': run started ';
/** Where a timestamped line's message starts, and the message that ends a run (job-recorder's outcome). */
export const RESULT_AT = MIN_TIMESTAMPED;
export const RESULT = 'Result: ';
export const R = 0x52;
/** A title longer than this is not one the setup log wrote. */
export const MAX_TITLE_BYTES = 4096;
export const NEWLINE = 0x0a;
export const CR = 0x0d;
const EQUALS = 0x3d;

// One scratch buffer for every index: all reads are synchronous, so no two can interleave, and two logs
// need not cost two 4 MiB buffers.
let scratchBuffer: Buffer | undefined;
export function scratch(): Buffer {
  scratchBuffer ??= Buffer.allocUnsafe(CHUNK);
  return scratchBuffer;
}

export function peekLevel(buf: Uint8Array, at: number, end: number): number {
  if (at + MIN_TIMESTAMPED > end) return OTHER;
  if (
    buf[at + 23] !== 0x5a /* Z */ ||
    buf[at + 24] !== 0x20 ||
    buf[at + 30] !== 0x20 ||
    buf[at + 10] !== 0x54 /* T */ ||
    buf[at + 4] !== 0x2d /* - */
  )
    return OTHER;
  const a = buf[at + LEVEL_AT];
  const b = buf[at + LEVEL_AT + 1];
  const c = buf[at + LEVEL_AT + 2];
  const d = buf[at + LEVEL_AT + 3];
  const e = buf[at + LEVEL_AT + 4];
  switch (a) {
    case 0x49: // INFO
      return b === 0x4e && c === 0x46 && d === 0x4f && e === 0x20 ? INFO : OTHER;
    case 0x57: // WARN
      return b === 0x41 && c === 0x52 && d === 0x4e && e === 0x20 ? WARN : OTHER;
    case 0x45: // ERROR
      return b === 0x52 && c === 0x52 && d === 0x4f && e === 0x52 ? ERROR : OTHER;
    case 0x44: // DEBUG
      return b === 0x45 && c === 0x42 && d === 0x55 && e === 0x47 ? DEBUG : OTHER;
    default:
      return OTHER;
  }
}

export function isRule(buf: Uint8Array, at: number): boolean {
  for (let i = at + RULE_LENGTH - 1; i >= at; i--) if (buf[i] !== EQUALS) return false;
  return true;
}

export function readAt(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  // A regular file returns short only at its end; the loop covers the odd file system that does otherwise.
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

export function decodeLine(buf: Buffer, start: number, end: number): string {
  const text = buf.toString('utf8', start, end);
  if (text.length <= MAX_LINE_CHARS) return text;
  // Not between the halves of a surrogate pair.
  const code = text.charCodeAt(MAX_LINE_CHARS - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? MAX_LINE_CHARS - 1 : MAX_LINE_CHARS;
  return `${text.slice(0, cut)}…`;
}
