import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  EventChannels,
  LogInfo,
  LogLevelFilter,
  LogLine,
  LogName,
  LogQuery,
  LogRun,
  LogWindow,
} from '../../../shared/ipc-contract';

// The Logs view's reader for the setup logs (formatted by electron/engine/setup-log.ts). A log can reach a
// million lines after many runs, and the view asks for 100-line windows anywhere in it, filtered or not, while
// a job is still appending. So the file is never held in memory: an index of line start offsets and a level
// byte per line (9 bytes a line) is built once, extended as the file grows, and lines are read from disk on
// demand.

type Level = LogLine['level'];

// Level codes ordered so that "at this level or above" is a range test; OTHER sits above ERROR so that
// the same test (code <= ERROR) leaves out header and free-form lines.
const DEBUG = 0;
const INFO = 1;
const WARN = 2;
const ERROR = 3;
const OTHER = 4;
const LEVEL_NAMES: readonly Level[] = ['debug', 'info', 'warn', 'error', 'other'];
const MIN_LEVEL: Readonly<Record<Exclude<LogLevelFilter, 'all'>, number>> = {
  debug: DEBUG,
  info: INFO,
  warn: WARN,
  error: ERROR,
};

// "2026-11-25T17:59:34.507Z INFO  message": the level token always starts at byte 25, and the shortest
// such line (empty message) is 31 bytes.
const LEVEL_AT = 25;
const MIN_TIMESTAMPED = 31;

const CHUNK = 4 * 1024 * 1024;
/** Bytes handed to the text search as one string. */
const SEGMENT = 64 * 1024;
/** Lines read in one readSync when they lie close together. */
const GROUP_BYTES = 256 * 1024;
const MAX_LINE_CHARS = 10_000;
// Any UTF-8 text of this many bytes decodes to more than MAX_LINE_CHARS UTF-16 units (3 bytes per unit at
// worst), so a long line never needs more than this read.
const MAX_LINE_BYTES = MAX_LINE_CHARS * 4;
const RULE_LENGTH = 100;
const RUN_MARK = ': run started ';
const MAX_RUNS = 500;
/** A title longer than this is not one the setup log wrote. */
const MAX_TITLE_BYTES = 4096;
/** Bytes compared at the head and before the indexed end, to tell an append from a rewrite of the file. */
const FINGERPRINT_BYTES = 256;
const NEWLINE = 0x0a;
const CR = 0x0d;
const EQUALS = 0x3d;

// One scratch buffer for every index: all reads are synchronous, so no two can interleave, and two logs
// need not cost two 4 MiB buffers.
let scratchBuffer: Buffer | undefined;
function scratch(): Buffer {
  scratchBuffer ??= Buffer.allocUnsafe(CHUNK);
  return scratchBuffer;
}

function peekLevel(buf: Uint8Array, at: number, end: number): number {
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

function isRule(buf: Uint8Array, at: number): boolean {
  for (let i = at + RULE_LENGTH - 1; i >= at; i--) if (buf[i] !== EQUALS) return false;
  return true;
}

function readAt(fd: number, buf: Buffer, length: number, position: number): number {
  let done = 0;
  // A regular file returns short only at its end; the loop covers the odd file system that does otherwise.
  while (done < length) {
    const n = fs.readSync(fd, buf, done, length - done, position + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
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

interface FilterCache {
  readonly level: LogLevelFilter;
  readonly text: string;
  readonly generation: number;
  readonly minLevel: number;
  readonly matcher: TextMatcher | undefined;
  matches: Uint32Array;
  count: number;
  /** Complete lines already scanned; the partial last line is judged anew each time. */
  covered: number;
  partialSize: number;
  partialMatch: boolean;
}

export class LogIndex {
  private exists = false;
  private size = 0;
  private dev = 0;
  private ino = 0;
  private mtimeMs = 0;
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);
  /** starts[i] is line i's first byte; starts[complete] is the byte after the last newline. */
  private starts = new Float64Array(1024);
  private levels = new Uint8Array(1024);
  /** Lines ended by a newline; a trailing partial line (bytes past `scanned`) is one more. */
  private complete = 0;
  private scanned = 0;
  private runs: LogRun[] = [];
  /** The last complete line when it is a rule, so a title arriving in a later append still makes a run. */
  private pendingRule = -1;
  /** Bumped on every rebuild, so a filter cache from the old content is dropped. */
  private generation = 0;
  private refreshed = false;
  private filter: FilterCache | undefined;

  constructor(
    readonly file: string,
    readonly name: LogName,
  ) {}

  /** Reads only what was appended since the last call (rebuilds if the file shrank or was replaced). Returns whether anything changed. */
  refresh(): boolean {
    this.refreshed = true;
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(this.file, { throwIfNoEntry: false });
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    if (!stat?.isFile()) return this.becomeMissing();
    if (
      this.exists &&
      stat.size === this.size &&
      stat.ino === this.ino &&
      stat.dev === this.dev &&
      stat.mtimeMs === this.mtimeMs
    )
      return false;

    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (error) {
      if (isMissing(error)) return this.becomeMissing();
      throw error;
    }
    try {
      // The descriptor's own stat: the file may have been swapped between statSync and openSync.
      const current = fs.fstatSync(fd);
      const before = { exists: this.exists, size: this.size, generation: this.generation };
      if (
        !this.exists ||
        current.ino !== this.ino ||
        current.dev !== this.dev ||
        current.size < this.size ||
        !this.sameContent(fd)
      )
        this.reset();
      this.exists = true;
      this.dev = current.dev;
      this.ino = current.ino;
      this.mtimeMs = current.mtimeMs;
      this.scan(fd, current.size);
      this.fingerprint(fd);
      return !before.exists || before.size !== this.size || before.generation !== this.generation;
    } finally {
      fs.closeSync(fd);
    }
  }

  info(): LogInfo {
    this.ensureRefreshed();
    return {
      name: this.name,
      fileName: path.basename(this.file),
      exists: this.exists,
      size: this.size,
      lineCount: this.lineCount(),
      runs: this.runs.slice(-MAX_RUNS),
    };
  }

  read(query: Omit<LogQuery, 'log'>, first: number, count: number): LogWindow {
    this.ensureRefreshed();
    const wanted = Math.max(0, Math.floor(count) || 0);
    let total: number;
    let pick: (position: number) => number;
    if (query.level === 'all' && query.text === '') {
      total = this.lineCount();
      pick = (position) => position;
    } else {
      const filter = this.filtered(query.level, query.text);
      total = filter.count + (filter.partialMatch ? 1 : 0);
      pick = (position) => (position < filter.count ? (filter.matches[position] as number) : this.complete);
    }
    const start = Math.min(Math.max(0, Math.floor(first) || 0), total);
    const numbers: number[] = [];
    for (let position = start; position < Math.min(total, start + wanted); position++) numbers.push(pick(position));
    return { total, first: start, lines: this.fetch(numbers) };
  }

  private ensureRefreshed(): void {
    if (!this.refreshed) this.refresh();
  }

  private lineCount(): number {
    return this.complete + (this.size > this.scanned ? 1 : 0);
  }

  /** End of line `line`'s bytes, before its newline (the file size for the partial last line). */
  private rawEnd(line: number): number {
    return line < this.complete ? (this.starts[line + 1] as number) - 1 : this.size;
  }

  private becomeMissing(): boolean {
    if (!this.exists) return false;
    this.reset();
    this.exists = false;
    this.dev = 0;
    this.ino = 0;
    this.mtimeMs = 0;
    return true;
  }

  private reset(): void {
    this.size = 0;
    this.complete = 0;
    this.scanned = 0;
    this.starts = new Float64Array(1024);
    this.levels = new Uint8Array(1024);
    this.runs = [];
    this.pendingRule = -1;
    this.head = Buffer.alloc(0);
    this.tail = Buffer.alloc(0);
    this.generation++;
    this.filter = undefined;
  }

  /** Whether the bytes already indexed are still there: a rewrite in place keeps the inode and may grow. */
  private sameContent(fd: number): boolean {
    const check = (bytes: Buffer, position: number): boolean => {
      if (bytes.length === 0) return true;
      const now = Buffer.allocUnsafe(bytes.length);
      return readAt(fd, now, bytes.length, position) === bytes.length && now.equals(bytes);
    };
    return check(this.head, 0) && check(this.tail, this.scanned - this.tail.length);
  }

  private fingerprint(fd: number): void {
    if (this.head.length < FINGERPRINT_BYTES && this.head.length < this.scanned) {
      const head = Buffer.allocUnsafe(Math.min(FINGERPRINT_BYTES, this.scanned));
      this.head = head.subarray(0, readAt(fd, head, head.length, 0));
    }
    // The tail ends with the last newline, so checking it also proves that newline is still in place.
    const length = Math.min(FINGERPRINT_BYTES, this.scanned);
    const tail = Buffer.allocUnsafe(length);
    this.tail = tail.subarray(0, readAt(fd, tail, length, this.scanned - length));
  }

  /** Grows both arrays to hold `lines` entries, keeping the first `keep`. */
  private ensureCapacity(lines: number, keep: number): void {
    if (lines <= this.starts.length) return;
    const capacity = Math.max(lines, Math.ceil(this.starts.length * 1.5));
    const starts = new Float64Array(capacity);
    starts.set(this.starts.subarray(0, keep));
    const levels = new Uint8Array(capacity);
    levels.set(this.levels.subarray(0, keep));
    this.starts = starts;
    this.levels = levels;
  }

  /** Indexes [scanned, to): the partial last line, if any, is indexed again from its start. */
  private scan(fd: number, to: number): void {
    const buf = scratch();
    // Sized for ~100-byte lines up front, so a first open does not copy the arrays several times over.
    this.ensureCapacity(this.complete + Math.ceil((to - this.scanned) / 100) + 2, this.complete + 1);
    let starts = this.starts;
    let levels = this.levels;
    let line = this.complete;
    let lineStart = this.scanned;
    let pendingRule = this.pendingRule;
    let pos = lineStart;
    let end = to;
    while (pos < end) {
      const want = Math.min(CHUNK, end - pos);
      const n = readAt(fd, buf, want, pos);
      // Shorter than stat said: the file was cut meanwhile; the next refresh sees it shrink and rebuilds.
      if (n < want) end = pos + n;
      if (n <= 0) break;
      const view = buf.subarray(0, n);
      const base = pos;
      if (lineStart >= base) levels[line] = peekLevel(view, lineStart - base, n);
      let at = Math.max(0, lineStart - base);
      for (;;) {
        const nl = view.indexOf(NEWLINE, at);
        if (nl === -1) break;
        if (lineStart >= base) {
          // Header lines are rare, so this costs a length test per ordinary line.
          const s = lineStart - base;
          const length = nl > s && view[nl - 1] === CR ? nl - 1 - s : nl - s;
          if (pendingRule >= 0 && length <= MAX_TITLE_BYTES) {
            const title = view.toString('utf8', s, s + length);
            if (title.includes(RUN_MARK)) this.addRun(pendingRule, title);
          }
          pendingRule = length === RULE_LENGTH && isRule(view, s) ? line : -1;
        } else {
          pendingRule = -1;
        }
        line++;
        lineStart = base + nl + 1;
        if (line + 1 >= starts.length) {
          this.ensureCapacity(line + 2, line);
          starts = this.starts;
          levels = this.levels;
        }
        starts[line] = lineStart;
        at = nl + 1;
        if (at >= n) break;
        levels[line] = peekLevel(view, at, n);
      }
      // An unfinished line that began inside this chunk is read again whole from its start, so every line
      // shorter than a chunk is seen in one piece (its level token and a rule line alike).
      pos = lineStart > base && lineStart < base + n && base + n < end ? lineStart : base + n;
    }
    this.complete = line;
    this.scanned = lineStart;
    this.size = end;
    this.pendingRule = pendingRule;
  }

  private addRun(rule: number, title: string): void {
    this.runs.push({ line: rule, title });
    // Trimmed in batches so a log of many short runs does not shift the array on every run.
    if (this.runs.length > 2 * MAX_RUNS) this.runs = this.runs.slice(-MAX_RUNS);
  }

  private filtered(level: LogLevelFilter, text: string): FilterCache {
    let filter = this.filter;
    if (!filter || filter.level !== level || filter.text !== text || filter.generation !== this.generation) {
      filter = {
        level,
        text,
        generation: this.generation,
        minLevel: level === 'all' ? DEBUG : MIN_LEVEL[level],
        matcher: text === '' ? undefined : new TextMatcher(text),
        matches: new Uint32Array(1024),
        count: 0,
        covered: 0,
        partialSize: -1,
        partialMatch: false,
      };
      this.filter = filter;
    }
    if (filter.covered < this.complete) this.extend(filter);
    if (filter.partialSize !== this.size) {
      const partial = this.complete;
      filter.partialMatch =
        this.size > this.scanned &&
        this.levelMatches(filter, partial) &&
        (!filter.matcher ||
          this.withFile((fd) => this.lineHasText(fd, filter.matcher as TextMatcher, partial)) === true);
      filter.partialSize = this.size;
    }
    return filter;
  }

  private levelMatches(filter: FilterCache, line: number): boolean {
    if (filter.level === 'all') return true;
    const level = this.levels[line] as number;
    return level >= filter.minLevel && level <= ERROR;
  }

  private push(filter: FilterCache, line: number): void {
    if (filter.count === filter.matches.length) {
      const grown = new Uint32Array(filter.matches.length * 2);
      grown.set(filter.matches);
      filter.matches = grown;
    }
    filter.matches[filter.count++] = line;
  }

  /** Adds the complete lines the filter has not seen yet. */
  private extend(filter: FilterCache): void {
    const from = filter.covered;
    const to = this.complete;
    if (!filter.matcher) {
      const levels = this.levels;
      const min = filter.minLevel;
      for (let line = from; line < to; line++) {
        const level = levels[line] as number;
        if (level >= min && level <= ERROR) this.push(filter, line);
      }
      filter.covered = to;
      return;
    }
    const matcher = filter.matcher;
    const covered = this.withFile((fd) => this.scanText(fd, filter, matcher, from, to));
    filter.covered = covered ?? from;
  }

  private withFile<T>(use: (fd: number) => T): T | undefined {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    try {
      return use(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The last k in [line, limit] such that lines [line, k) span at most `bytes` bytes. */
  private fit(line: number, limit: number, bytes: number): number {
    const starts = this.starts;
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

  /** Searches complete lines [from, to) a chunk at a time; returns the line it got to. */
  private scanText(fd: number, filter: FilterCache, matcher: TextMatcher, from: number, to: number): number {
    const buf = scratch();
    let line = from;
    while (line < to) {
      // Whole lines only, so a match never straddles two reads.
      const last = this.fit(line, to, CHUNK);
      if (last === line) {
        if (this.levelMatches(filter, line) && this.lineHasText(fd, matcher, line)) this.push(filter, line);
        line++;
        continue;
      }
      const begin = this.starts[line] as number;
      const length = (this.starts[last] as number) - begin;
      if (readAt(fd, buf, length, begin) < length) return line;
      this.searchChunk(buf, begin, line, last, filter, matcher);
      line = last;
    }
    return to;
  }

  /** Searches lines [line, last), which lie whole in `buf` (its byte 0 being file offset `begin`). */
  private searchChunk(
    buf: Buffer,
    begin: number,
    line: number,
    last: number,
    filter: FilterCache,
    matcher: TextMatcher,
  ): void {
    const starts = this.starts;
    let segment = line;
    while (segment < last) {
      // Strings of a segment's size stay in V8's young generation; a 4 MiB string per chunk would be
      // allocated outside the heap, and glibc keeps that memory once freed (~100 MB of RSS per search).
      const end = this.fit(segment, last, SEGMENT);
      if (end === segment) {
        const s = (starts[segment] as number) - begin;
        let e = (starts[segment + 1] as number) - 1 - begin;
        if (e > s && buf[e - 1] === CR) e--;
        if (this.levelMatches(filter, segment) && windowsHave(buf, s, e, matcher)) this.push(filter, segment);
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
        if (base + hitEnd <= textEnd && this.levelMatches(filter, a)) this.push(filter, a);
        cursor = a + 1;
        if (cursor >= end) break;
        from = next - base;
      }
      segment = end;
    }
  }

  /** Searches one line of any length, a chunk at a time with overlap. */
  private lineHasText(fd: number, matcher: TextMatcher, line: number): boolean {
    const buf = scratch();
    const start = this.starts[line] as number;
    let end = this.rawEnd(line);
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

  /** Reads and decodes the given lines (ascending), several close lines per read. */
  private fetch(numbers: readonly number[]): LogLine[] {
    if (numbers.length === 0) return [];
    const lines = this.withFile((fd) => {
      const buf = scratch();
      const result: LogLine[] = [];
      let i = 0;
      while (i < numbers.length) {
        const groupStart = this.starts[numbers[i] as number] as number;
        let j = i + 1;
        while (j < numbers.length && this.rawEnd(numbers[j] as number) - groupStart <= GROUP_BYTES) j++;
        // A group of several lines spans at most GROUP_BYTES; a lone long line needs only its first bytes.
        const groupEnd = Math.min(
          this.rawEnd(numbers[j - 1] as number),
          groupStart + (j - i > 1 ? GROUP_BYTES : MAX_LINE_BYTES),
        );
        const got = readAt(fd, buf, groupEnd - groupStart, groupStart);
        for (let k = i; k < j; k++) {
          const line = numbers[k] as number;
          const s = (this.starts[line] as number) - groupStart;
          const full = this.rawEnd(line) - groupStart;
          const e = Math.min(full, s + MAX_LINE_BYTES, got);
          const trimmed = e === full && e > s && buf[e - 1] === CR ? e - 1 : e;
          result.push({
            number: line,
            text: decodeLine(buf, s, Math.max(s, trimmed)),
            level: LEVEL_NAMES[this.levels[line] as number] ?? 'other',
          });
        }
        i = j;
      }
      return result;
    });
    return lines ?? [];
  }
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

function decodeLine(buf: Buffer, start: number, end: number): string {
  const text = buf.toString('utf8', start, end);
  if (text.length <= MAX_LINE_CHARS) return text;
  // Not between the halves of a surrogate pair.
  const code = text.charCodeAt(MAX_LINE_CHARS - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? MAX_LINE_CHARS - 1 : MAX_LINE_CHARS;
  return `${text.slice(0, cut)}…`;
}

export type LogChange = EventChannels['logs:changed'];

export class LogCatalog {
  private readonly indexes: ReadonlyMap<LogName, LogIndex>;
  private readonly listeners = new Set<(change: LogChange) => void>();
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(files: Readonly<Record<LogName, string>>, options: { pollMs?: number } = {}) {
    this.indexes = new Map((Object.keys(files) as LogName[]).map((name) => [name, new LogIndex(files[name], name)]));
    this.pollMs = options.pollMs ?? 250;
  }

  info(log: LogName): LogInfo {
    const index = this.index(log);
    index.refresh();
    return index.info();
  }

  read(query: LogQuery, first: number, count: number): LogWindow {
    const index = this.index(query.log);
    index.refresh();
    return index.read({ level: query.level, text: query.text }, first, count);
  }

  /** Polls (fs.stat every pollMs, default 250) and calls listener with {log, size, lineCount} when a log grew/changed. Returns unsubscribe; polling stops when no listeners. */
  watch(listener: (change: LogChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      // No quiet refresh here: growth since the view's last info() would be absorbed and never reported.
      this.timer = setInterval(() => this.poll(), this.pollMs);
      // Watching must never be what keeps a process (a CLI, a test run) alive.
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  dispose(): void {
    this.listeners.clear();
    this.stop();
  }

  private index(log: LogName): LogIndex {
    const index = this.indexes.get(log);
    if (!index) throw new Error(`unknown log "${log}"`);
    return index;
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private refreshQuietly(index: LogIndex): boolean {
    try {
      return index.refresh();
    } catch {
      // An unreadable log (permissions, I/O error) must not take down the main process from a timer;
      // info() and read() still report the error to the view.
      return false;
    }
  }

  private poll(): void {
    for (const index of this.indexes.values()) {
      if (!this.refreshQuietly(index)) continue;
      const { size, lineCount } = index.info();
      for (const listener of [...this.listeners]) listener({ log: index.name, size, lineCount });
    }
  }
}
