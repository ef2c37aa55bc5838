import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogLevelFilter } from '../../../shared/ipc-contract';
import { LogIndex } from './log-index';
import { Scratch } from '../../engine/test-support/fixtures';
import { TS, ALL, entry, header, writeLog, texts } from './test-log-lines';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe('filtering by level and text', () => {
  it('applies each level filter: at that level or above, and other lines only with all', () => {
    const lines = [
      ...header('Setup 1'),
      entry('DEBUG', 'd1'),
      entry('INFO', 'i1'),
      entry('WARN', 'w1'),
      entry('ERROR', 'e1'),
      entry('DEBUG', 'd2'),
      entry('ERROR', 'e2'),
      'free text',
    ];
    const index = new LogIndex(writeLog(scratch, lines), 'installer');
    const totals: Record<LogLevelFilter, number> = { all: 12, debug: 6, info: 4, warn: 3, error: 2 };
    for (const [level, total] of Object.entries(totals) as [LogLevelFilter, number][]) {
      expect(index.read({ level, text: '' }, 0, 100).total, level).toBe(total);
    }
    const errors = index.read({ level: 'error', text: '' }, 0, 100);
    expect(errors.lines.map((line) => line.number)).toEqual([8, 10]);
    expect(errors.lines.every((line) => line.level === 'error')).toBe(true);
    expect(index.read({ level: 'warn', text: '' }, 1, 1).lines).toEqual([
      { number: 8, text: entry('ERROR', 'e1'), level: 'error' },
    ]);
  });

  it('filters by text case-insensitively, on UTF-8 text, and together with the level', () => {
    const lines = [
      entry('INFO', 'Ordered a Café au lait'),
      entry('ERROR', 'CAFé machine broken'),
      entry('WARN', 'tea'),
      entry('DEBUG', 'café crème'),
      'café without a time',
      entry('INFO', 'CAFÉ in capitals'),
    ];
    const index = new LogIndex(writeLog(scratch, lines), 'installer');
    const numbers = (level: LogLevelFilter, text: string): number[] =>
      index.read({ level, text }, 0, 100).lines.map((line) => line.number);
    expect(numbers('all', 'café')).toEqual([0, 1, 3, 4]);
    expect(numbers('all', 'CAFÉ')).toEqual([5]);
    expect(numbers('all', 'É')).toEqual([5]);
    expect(numbers('all', 'crème')).toEqual([3]);
    expect(numbers('info', 'café')).toEqual([0, 1]);
    expect(numbers('error', 'CAFÉ')).toEqual([]);
    expect(numbers('debug', 'Café')).toEqual([0, 1, 3]);
    expect(numbers('all', 'TEA')).toEqual([2]);
    expect(numbers('all', 'no such text')).toEqual([]);
    expect(numbers('all', 'a\nb')).toEqual([]);
    expect(index.read({ level: 'all', text: 'café' }, 1, 1)).toEqual({
      total: 4,
      first: 1,
      lines: [{ number: 1, text: entry('ERROR', 'CAFé machine broken'), level: 'error' }],
    });
  });

  it('strips CR and LF from the text and matches no text across the line end', () => {
    const file = scratch.path('crlf');
    fs.writeFileSync(file, `${entry('INFO', 'windows line')}\r\n${entry('WARN', 'next')}\r\n`);
    const index = new LogIndex(file, 'installer');
    expect(texts(index.read(ALL, 0, 10).lines)).toEqual([entry('INFO', 'windows line'), entry('WARN', 'next')]);
    expect(index.read({ level: 'all', text: 'line\r' }, 0, 10).total).toBe(0);
    expect(index.read({ level: 'all', text: 'LINE' }, 0, 10).total).toBe(1);
  });

  it('finds text straddling the windows a long line is searched in', () => {
    const prefix = `${TS} WARN  `;
    const long = `${prefix}${'y'.repeat(64 * 1024 - prefix.length - 3)}needle-mid${'y'.repeat(40_000)}`;
    const index = new LogIndex(
      writeLog(scratch, [entry('INFO', 'short'), long, `${long}\r`, entry('INFO', 'needle-mid short')]),
      'installer',
    );
    expect(index.read({ level: 'warn', text: 'NEEDLE-MID' }, 0, 10).lines.map((line) => line.number)).toEqual([1, 2]);
    expect(index.read({ level: 'all', text: 'NEEDLE-MID' }, 0, 10).total).toBe(3);
    expect(index.read({ level: 'all', text: 'yyy\r' }, 0, 10).total).toBe(0);
  });

  it('extends the index and the cached filtered result when lines are appended', () => {
    const file = writeLog(scratch, [
      ...header('Setup 1'),
      entry('INFO', 'one'),
      entry('ERROR', 'first failure'),
      entry('INFO', 'two'),
    ]);
    const index = new LogIndex(file, 'installer');
    expect(index.read({ level: 'error', text: '' }, 0, 10).total).toBe(1);
    expect(index.read({ level: 'all', text: 'FAILURE' }, 0, 10).total).toBe(1);

    fs.appendFileSync(
      file,
      `${[entry('ERROR', 'second failure'), ...header('Setup 2'), entry('WARN', 'failure ahead'), entry('ERROR', 'third')].join('\n')}\n`,
    );
    expect(index.refresh()).toBe(true);
    expect(index.info().lineCount).toBe(16);
    expect(index.info().runs.map((run) => run.line)).toEqual([0, 9]);
    // The text query is the cached one: it is extended, not rebuilt.
    expect(index.read({ level: 'all', text: 'FAILURE' }, 0, 10).lines.map((line) => line.number)).toEqual([6, 8, 14]);
    expect(index.read({ level: 'error', text: '' }, 0, 10).lines.map((line) => line.number)).toEqual([6, 8, 15]);
    fs.appendFileSync(file, `${entry('ERROR', 'fourth')}\n`);
    index.refresh();
    expect(index.read({ level: 'error', text: '' }, 2, 10).lines.map((line) => line.number)).toEqual([15, 16]);
    expect(index.refresh()).toBe(false);
  });
});
