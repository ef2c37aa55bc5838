import type { LogLevelFilter } from '../../../shared/ipc-contract';
import { CHUNK, CR, DEBUG, ERROR, MIN_LEVEL, NEWLINE, readAt, scratch, SEGMENT } from './line-format';

// Filtering an indexed log by level and text. A filter's result (the matching line numbers) is kept and
// extended as the log grows, so a live tail under a filter costs only the appended lines.

/** What a filter reads of a log's index. */
export interface IndexedLines {
  /** starts[i] is line i's first byte; starts[complete] is the byte after the last newline. */
  readonly starts: Float64Array;
  readonly levels: Uint8Array;
  /** Lines ended by a newline; bytes past `scanned` (up to `size`) are one partial line more. */
  readonly complete: number;
  readonly scanned: number;
  readonly size: number;
  /** End of line `line`'s bytes, before its newline (the file size for the partial last line). */
  rawEnd(line: number): number;
  withFile<T>(use: (fd: number) => T): T | undefined;
}

/** Case-insensitive (ASCII) search for a UTF-8 needle in bytes seen as latin1 text, one char per byte. */
class TextMatcher {
  readonly length: number;
  private readonly pattern: RegExp | undefined;

  constructor(text: string) {
    const bytes = Buffer.from(text, 'utf8');
    this.length = bytes.length;
    // A line's text never contains a newline, so such a needle matches nothing.
    if (bytes.length === 0 || bytes.includes(NEWLINE)) return;
    let source = '';
    for (const byte of bytes) {
      const lower = byte | 0x20;
      // Classes per byte rather than the i flag: with i, latin1 folding would also pair UTF-8 lead bytes
      // such as 0xC3 and 0xE3, and match bytes of different characters.
      if (lower >= 0x61 && lower <= 0x7a)
        source += `[${String.fromCharCode(lower)}${String.fromCharCode(lower & ~0x20)}]`;
      else source += `\\x${byte.toString(16).padStart(2, '0')}`;
    }
    this.pattern = new RegExp(source, 'g');
  }

  /** Byte offset (in `text`) just past the next match at or after `from`, or -1. */
  next(text: string, from: number): number {
    if (!this.pattern) return -1;
    this.pattern.lastIndex = from;
    // test() with the g flag leaves lastIndex after the match without building a match array.
    return this.pattern.test(text) ? this.pattern.lastIndex : -1;
  }
}

export class LineFilter {
  readonly minLevel: number;
  readonly matcher: TextMatcher | undefined;
  matches = new Uint32Array(1024);
  count = 0;
  /** Complete lines already scanned; the partial last line is judged anew each time. */
  private covered = 0;
  private partialSize = -1;
  partialMatch = false;

  constructor(
    private readonly lines: IndexedLines,
    readonly level: LogLevelFilter,
    readonly text: string,
    readonly generation: number,
  ) {
    this.minLevel = level === 'all' ? DEBUG : MIN_LEVEL[level];
    this.matcher = text === '' ? undefined : new TextMatcher(text);
  }

  /** Matching lines, the partial last line included when it matches. */
  get total(): number {
    return this.count + (this.partialMatch ? 1 : 0);
  }

  /** The line number of the `position`th match (a position past the complete matches is the partial line). */
  lineAt(position: number): number {
    return position < this.count ? (this.matches[position] as number) : this.lines.complete;
  }

  /** Brings the result up to date with the index: complete lines not yet scanned, then the partial last line. */
  update(): void {
    const lines = this.lines;
    if (this.covered < lines.complete) this.extend();
    if (this.partialSize !== lines.size) {
      const partial = lines.complete;
      const matcher = this.matcher;
      this.partialMatch =
        lines.size > lines.scanned &&
        this.levelMatches(partial) &&
        (!matcher || lines.withFile((fd) => lineHasText(lines, fd, matcher, partial)) === true);
      this.partialSize = lines.size;
    }
  }

  private levelMatches(line: number): boolean {
    if (this.level === 'all') return true;
    const level = this.lines.levels[line] as number;
    return level >= this.minLevel && level <= ERROR;
  }

  private push(line: number): void {
    if (this.count === this.matches.length) {
      const grown = new Uint32Array(this.matches.length * 2);
      grown.set(this.matches);
      this.matches = grown;
    }
    this.matches[this.count++] = line;
  }

  /** Adds the complete lines the filter has not seen yet. */
  private extend(): void {
    const from = this.covered;
    const to = this.lines.complete;
    if (!this.matcher) {
      const levels = this.lines.levels;
      const min = this.minLevel;
      for (let line = from; line < to; line++) {
        const level = levels[line] as number;
        if (level >= min && level <= ERROR) this.push(line);
      }
      this.covered = to;
      return;
    }
    const matcher = this.matcher;
    const covered = this.lines.withFile((fd) => this.scanText(fd, matcher, from, to));
    this.covered = covered ?? from;
  }

  /** Searches complete lines [from, to) a chunk at a time; returns the line it got to. */
  private scanText(fd: number, matcher: TextMatcher, from: number, to: number): number {
    const buf = scratch();
    let line = from;
    while (line < to) {
      // Whole lines only, so a match never straddles two reads.
      const last = fitLines(this.lines.starts, line, to, CHUNK);
      if (last === line) {
        if (this.levelMatches(line) && lineHasText(this.lines, fd, matcher, line)) this.push(line);
        line++;
        continue;
      }
      const begin = this.lines.starts[line] as number;
      const length = (this.lines.starts[last] as number) - begin;
      if (readAt(fd, buf, length, begin) < length) return line;
      this.searchChunk(buf, begin, line, last, matcher);
      line = last;
    }
    return to;
  }

  /** Searches lines [line, last), which lie whole in `buf` (its byte 0 being file offset `begin`). */
  private searchChunk(buf: Buffer, begin: number, line: number, last: number, matcher: TextMatcher): void {
    const starts = this.lines.starts;
    let segment = line;
    while (segment < last) {
      // Strings of a segment's size stay in V8's young generation; a 4 MiB string per chunk would be
      // allocated outside the heap, and glibc keeps that memory once freed (~100 MB of RSS per search).
      const end = fitLines(this.lines.starts, segment, last, SEGMENT);
      if (end === segment) {
        const s = (starts[segment] as number) - begin;
        let e = (starts[segment + 1] as number) - 1 - begin;
        if (e > s && buf[e - 1] === CR) e--;
        if (this.levelMatches(segment) && windowsHave(buf, s, e, matcher)) this.push(segment);
        segment++;
        continue;
      }
      const base = starts[segment] as number;
      const text = buf.toString('latin1', base - begin, (starts[end] as number) - begin);
      let cursor = segment;
      let from = 0;
      for (;;) {
        const hitEnd = matcher.next(text, from);
        if (hitEnd < 0) break;
        const hitStart = base + hitEnd - matcher.length;
        // The line holding the match: the last one in [cursor, end) starting at or before it.
        let a = cursor;
        let b = end - 1;
        while (a < b) {
          const mid = (a + b + 1) >>> 1;
          if ((starts[mid] as number) <= hitStart) a = mid;
          else b = mid - 1;
        }
        const next = starts[a + 1] as number;
        let textEnd = next - 1;
        if (textEnd > (starts[a] as number) && buf[textEnd - 1 - begin] === CR) textEnd--;
        // Only a needle ending in CR can reach past the text, into the line's CRLF.
        if (base + hitEnd <= textEnd && this.levelMatches(a)) this.push(a);
        cursor = a + 1;
        if (cursor >= end) break;
        from = next - base;
      }
      segment = end;
    }
  }
}

/** The last k in [line, limit] such that lines [line, k) span at most `bytes` bytes. */
export function fitLines(starts: Float64Array, line: number, limit: number, bytes: number): number {
  const begin = starts[line] as number;
  let lo = line;
  let hi = limit;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((starts[mid] as number) - begin <= bytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Searches one line of any length, a chunk at a time with overlap. */
export function lineHasText(lines: IndexedLines, fd: number, matcher: TextMatcher, line: number): boolean {
  const buf = scratch();
  const start = lines.starts[line] as number;
  let end = lines.rawEnd(line);
  if (end > start && readAt(fd, buf, 1, end - 1) === 1 && buf[0] === CR) end--;
  for (let pos = start; pos < end;) {
    const n = readAt(fd, buf, Math.min(CHUNK, end - pos), pos);
    if (n <= 0) return false;
    if (windowsHave(buf, 0, n, matcher)) return true;
    if (pos + n >= end) return false;
    pos += Math.max(1, n - (matcher.length - 1));
  }
  return false;
}

/** Whether bytes [start, end) of `buf` hold the needle, searched in overlapping segment-sized windows. */
function windowsHave(buf: Buffer, start: number, end: number, matcher: TextMatcher): boolean {
  const size = Math.max(SEGMENT, 2 * matcher.length);
  for (let pos = start; pos < end;) {
    const n = Math.min(size, end - pos);
    if (matcher.next(buf.toString('latin1', pos, pos + n), 0) >= 0) return true;
    if (pos + n >= end) return false;
    pos += n - (matcher.length - 1);
  }
  return false;
}
