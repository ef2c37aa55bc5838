import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../../engine/test-support/fixtures';
import { copyLog } from './log-copy';
import { LogIndex } from './log-index';
import { entry, header, writeLog } from './test-log-lines';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const QUERY = { log: 'installer', level: 'all', text: '' } as const;

describe('copyLog', () => {
  const first = [...header('Install'), ...Array.from({ length: 3000 }, (_, i) => entry('ERROR', `first ${i}`))];
  const second = [...header('Repair'), entry('INFO', 'second info'), entry('ERROR', 'second error')];

  it('copies the whole log, or one run, as the file has it', () => {
    const index = new LogIndex(writeLog(scratch, [...first, ...second]), 'installer');
    expect(copyLog(index, QUERY, null)).toEqual({ ok: true, text: [...first, ...second].join('\n'), lines: 3012 });
    expect(copyLog(index, QUERY, 3005)).toEqual({ ok: true, text: second.join('\n'), lines: 7 });
    expect(copyLog(index, QUERY, 0)).toMatchObject({ ok: true, lines: 3005 });
  });

  it('under a filter: only the matching lines of the run, past the 2000 a read returns', () => {
    const index = new LogIndex(writeLog(scratch, [...first, ...second]), 'installer');
    const errors = { ...QUERY, level: 'error' } as const;
    const copied = copyLog(index, errors, 0);
    expect(copied).toMatchObject({ ok: true, lines: 3000 });
    expect(copied.ok && copied.text.split('\n').at(-1)).toBe(entry('ERROR', 'first 2999'));
    expect(copyLog(index, errors, 3005)).toEqual({ ok: true, text: entry('ERROR', 'second error'), lines: 1 });
    expect(copyLog(index, { ...QUERY, text: 'SECOND' }, null)).toMatchObject({ ok: true, lines: 2 });
  });

  it('a line of any length is copied whole, and a last line without a newline too', () => {
    const long = entry('INFO', 'y'.repeat(50_000));
    const index = new LogIndex(writeLog(scratch, [entry('INFO', 'a'), long], false), 'installer');
    expect(copyLog(index, QUERY, null)).toEqual({ ok: true, text: `${entry('INFO', 'a')}\n${long}`, lines: 2 });
    expect(copyLog(index, { ...QUERY, text: 'yyy' }, null)).toEqual({ ok: true, text: long, lines: 1 });
  });

  it('lines over the limit are not copied, and say their size and the limit (a notice, not an error)', () => {
    const big = entry('INFO', 'z'.repeat(1024 * 1024));
    const index = new LogIndex(
      writeLog(
        scratch,
        Array.from({ length: 33 }, () => big),
      ),
      'installer',
    );
    expect(copyLog(index, QUERY, null)).toEqual({ ok: false, tooLarge: { megabytes: 34, maxMegabytes: 32 } });
    expect(copyLog(index, { ...QUERY, text: 'zzz' }, null)).toEqual({
      ok: false,
      tooLarge: { megabytes: 34, maxMegabytes: 32 },
    });
  });

  it('refuses a line that does not start a run, and an empty or missing log copies nothing', () => {
    const index = new LogIndex(writeLog(scratch, second), 'installer');
    expect(copyLog(index, QUERY, 1)).toMatchObject({
      ok: false,
      reason: expect.stringContaining('does not start a run'),
    });
    const missing = new LogIndex(scratch.path('missing.log'), 'installer');
    expect(copyLog(missing, QUERY, null)).toEqual({ ok: true, text: '', lines: 0 });
    fs.writeFileSync(scratch.path('empty.log'), '');
    expect(copyLog(new LogIndex(scratch.path('empty.log'), 'installer'), QUERY, null)).toMatchObject({ lines: 0 });
  });
});
