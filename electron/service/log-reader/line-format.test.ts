import { afterAll, describe, expect, it } from 'vitest';
import { LogIndex } from './log-index';
import { Scratch } from '../../engine/test-support/fixtures';
import { TS, ALL, entry, writeLog } from './test-log-lines';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe('the setup log line format', () => {
  it('tells levels only from the fixed-position token of timestamped lines', () => {
    const file = writeLog(scratch, [
      entry('ERROR', ''),
      `${TS} NOTICE something`,
      `${TS} INFOX x`,
      '2026-11-25 17:59:34.507Z WARN  no T in the time',
      'short',
      '',
      `${TS} WARN  plain`,
    ]);
    const index = new LogIndex(file, 'installer');
    expect(index.read(ALL, 0, 10).lines.map((line) => line.level)).toEqual([
      'error',
      'other',
      'other',
      'other',
      'other',
      'other',
      'warn',
    ]);
  });

  it('caps a long line at 10,000 characters and searches lines longer than a read chunk', () => {
    const huge = `${TS} ERROR ${'x'.repeat(5 * 1024 * 1024)} needle at the end`;
    const index = new LogIndex(
      writeLog(scratch, [entry('INFO', 'before'), huge, entry('INFO', 'after'), `tail ${'é'.repeat(20_000)}`]),
      'installer',
    );
    const lines = index.read(ALL, 0, 10).lines;
    expect(lines.map((line) => line.level)).toEqual(['info', 'error', 'info', 'other']);
    expect(lines[1]?.text).toBe(`${huge.slice(0, 10_000)}…`);
    expect(lines[2]?.text).toBe(entry('INFO', 'after'));
    expect(lines[3]?.text).toBe(`${`tail ${'é'.repeat(20_000)}`.slice(0, 10_000)}…`);
    expect(index.read({ level: 'all', text: 'NEEDLE AT THE END' }, 0, 10).lines.map((line) => line.number)).toEqual([
      1,
    ]);
    expect(index.read({ level: 'all', text: 'after' }, 0, 10).lines.map((line) => line.number)).toEqual([2]);
  });
});
