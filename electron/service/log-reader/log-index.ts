import * as fs from 'node:fs';
import * as path from 'node:path';
import type {
  LogInfo,
  LogLevelFilter,
  LogName,
  LogQuery,
  LogRun,
  LogRunOutcome,
  LogWindow,
  LogLine,
} from '../../../shared/ipc-contract';
import {
  CHUNK,
  CR,
  decodeLine,
  GROUP_BYTES,
  isMissing,
  isRule,
  LEVEL_NAMES,
  MAX_LINE_BYTES,
  MAX_TITLE_BYTES,
  NEWLINE,
  OTHER,
  peekLevel,
  R,
  readAt,
  RESULT,
  RESULT_AT,
  RULE_LENGTH,
  RUN_MARK,
  scratch,
} from './line-format';
import { LineFilter, type IndexedLines } from './log-filter';

// One setup log's index. A log can reach a million lines after many runs, and the view asks for 100-line
// windows anywhere in it, filtered or not, while a job is still appending. So the file is never held in
// memory: an index of line start offsets and a level byte per line (9 bytes a line) is built once, extended
// as the file grows, and lines are read from disk on demand.

const MAX_RUNS = 500;
/** Bytes compared at the head and before the indexed end, to tell an append from a rewrite of the file. */
const FINGERPRINT_BYTES = 256;

// The indexing fields are public for LineFilter to read (IndexedLines); only this class writes them.
export class LogIndex implements IndexedLines {
  private exists = false;
  size = 0;
  private dev = 0;
  private ino = 0;
  private mtimeMs = 0;
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);
  /** starts[i] is line i's first byte; starts[complete] is the byte after the last newline. */
  starts = new Float64Array(1024);
  levels = new Uint8Array(1024);
  /** Lines ended by a newline; a trailing partial line (bytes past `scanned`) is one more. */
  complete = 0;
  scanned = 0;
  private runs: LogRun[] = [];
  /** The last complete line when it is a rule, so a title arriving in a later append still makes a run. */
  private pendingRule = -1;
  /** Bumped on every rebuild, so a filter cache from the old content is dropped. */
  private generation = 0;
  private refreshed = false;
  private filter: LineFilter | undefined;

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
      path: this.file,
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
      total = filter.total;
      pick = (position) => filter.lineAt(position);
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

  rawEnd(line: number): number {
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
          // "<time> LEVEL Result: …" ends a run: one byte test per ordinary line.
          if (
            view[s + RESULT_AT] === R &&
            length > RESULT_AT + RESULT.length &&
            (levels[line] ?? OTHER) < OTHER &&
            this.runs.length > 0
          )
            this.noteResult(view.toString('utf8', s + RESULT_AT, s + Math.min(length, RESULT_AT + 200)));
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
    this.runs.push({ line: rule, title, outcome: null });
    // Trimmed in batches so a log of many short runs does not shift the array on every run.
    if (this.runs.length > 2 * MAX_RUNS) this.runs = this.runs.slice(-MAX_RUNS);
  }

  /** The last run's outcome from its result line ("Result: Succeeded", "Result: Failed: CODE: message"). */
  private noteResult(text: string): void {
    const match = /^Result: (Succeeded|Warning|Failed)(?:: ([A-Z_]+):)?/.exec(text);
    const last = this.runs.at(-1);
    if (!match || !last) return;
    const code = match[2];
    const outcome: LogRunOutcome = code === 'CANCELLED' ? 'Cancelled' : (match[1] as LogRunOutcome);
    this.runs[this.runs.length - 1] = { ...last, outcome, ...(outcome === 'Failed' && code ? { code } : {}) };
  }

  private filtered(level: LogLevelFilter, text: string): LineFilter {
    let filter = this.filter;
    if (!filter || filter.level !== level || filter.text !== text || filter.generation !== this.generation) {
      filter = new LineFilter(this, level, text, this.generation);
      this.filter = filter;
    }
    filter.update();
    return filter;
  }

  withFile<T>(use: (fd: number) => T): T | undefined {
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
