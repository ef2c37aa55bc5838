import type { LogQuery } from '../../../shared/ipc-contract';
import { readAt } from './line-format';
import type { LogIndex } from './log-index';

// Copy in the logs view. The view holds only the 200-line blocks scrolled into view, each line cut at
// 10,000 characters, so main reads what is copied from the file itself: the whole log or one run, under the
// view's level and text filter, every line whole.

/** The most Copy puts on the clipboard; past it the admin is told so, never handed a cut copy. */
export const MAX_COPY_BYTES = 32 * 1024 * 1024;

export type LogCopy =
  | { readonly ok: true; readonly text: string; readonly lines: number }
  | { readonly ok: false; readonly reason: string }
  /** More than Copy takes: not an error, a notice (Open folder reaches the file itself). */
  | { readonly ok: false; readonly tooLarge: { readonly megabytes: number; readonly maxMegabytes: number } };

/** Lines [first, end) of the run whose header is line `run` (it ends where the next run starts), or the whole log. */
function rangeOf(index: LogIndex, run: number | null): { first: number; end: number } | undefined {
  const { runs, lineCount } = index.info();
  if (run === null) return { first: 0, end: lineCount };
  const at = runs.findIndex((candidate) => candidate.line === run);
  if (at === -1) return undefined;
  return { first: run, end: runs[at + 1]?.line ?? lineCount };
}

function byteAt(index: LogIndex, line: number): number {
  return line <= index.complete ? (index.starts[line] as number) : index.size;
}

function tooLarge(bytes: number): LogCopy {
  return {
    ok: false,
    tooLarge: { megabytes: Math.ceil(bytes / (1024 * 1024)), maxMegabytes: MAX_COPY_BYTES / (1024 * 1024) },
  };
}

function copyUnfiltered(index: LogIndex, first: number, end: number): LogCopy {
  const from = byteAt(index, first);
  const to = byteAt(index, end);
  if (to - from > MAX_COPY_BYTES) return tooLarge(to - from);
  const text =
    index.withFile((fd) => {
      const buf = Buffer.allocUnsafe(to - from);
      return buf.toString('utf8', 0, readAt(fd, buf, to - from, from));
    }) ?? '';
  return { ok: true, text: text.replace(/\r?\n$/, ''), lines: end - first };
}

/** The first position among the matching lines whose line number is at least `line` (a binary search). */
function firstMatchAtOrAfter(index: LogIndex, query: Omit<LogQuery, 'log'>, line: number): number {
  let low = 0;
  let high = index.read(query, 0, 0).total;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const number = index.read(query, middle, 1).lines[0]?.number ?? Number.MAX_SAFE_INTEGER;
    if (number < line) low = middle + 1;
    else high = middle;
  }
  return low;
}

function copyFiltered(index: LogIndex, query: Omit<LogQuery, 'log'>, first: number, end: number): LogCopy {
  const numbers: number[] = [];
  let bytes = 0;
  for (let position = firstMatchAtOrAfter(index, query, first); ; position += 2000) {
    const window = index.read(query, position, 2000);
    const inRange = window.lines.filter((line) => line.number < end);
    for (const line of inRange) {
      numbers.push(line.number);
      bytes += index.rawEnd(line.number) - byteAt(index, line.number) + 1;
    }
    if (bytes > MAX_COPY_BYTES) return tooLarge(bytes);
    if (inRange.length < window.lines.length || position + 2000 >= window.total) break;
  }
  const text =
    index.withFile((fd) =>
      numbers
        .map((number) => {
          const from = byteAt(index, number);
          const buf = Buffer.allocUnsafe(index.rawEnd(number) - from);
          return buf.toString('utf8', 0, readAt(fd, buf, buf.length, from)).replace(/\r$/, '');
        })
        .join('\n'),
    ) ?? '';
  return { ok: true, text, lines: numbers.length };
}

export function copyLog(index: LogIndex, query: LogQuery, run: number | null): LogCopy {
  index.refresh();
  const range = rangeOf(index, run);
  if (!range) return { ok: false, reason: `line ${run} of ${index.info().fileName} does not start a run` };
  const filter = { level: query.level, text: query.text };
  return query.level === 'all' && query.text === ''
    ? copyUnfiltered(index, range.first, range.end)
    : copyFiltered(index, filter, range.first, range.end);
}
