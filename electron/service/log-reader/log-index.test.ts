import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LogIndex } from './log-index';
import { LogCatalog } from './log-catalog';
import { Redactor, SetupLog } from '../../engine/log/setup-log';
import { Scratch } from '../../engine/test-support/fixtures';
import { TS, RULE, ALL, entry, header, writeLog, texts, numbered } from './test-log-lines';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe('LogIndex', () => {
  it('indexes a log written by SetupLog: runs, line count and levels', () => {
    const file = scratch.path('setup.log');
    const log = new SetupLog(file, new Redactor());
    log.open({
      title: 'Mobility Service Setup',
      version: '9.60.0.0',
      argv: ['-r', 'MS'],
      time: new Date('2026-11-25T10:00:00.000Z'),
    });
    log.write('info', '[extract] Verify payload', new Date(TS));
    log.write('warn', 'low disk space', new Date(TS));
    log.write('debug', 'two\nlines', new Date(TS));
    // The run's outcome as the job recorder writes it.
    log.write('info', 'Result: Succeeded', new Date(TS));
    log.close();
    log.open({
      title: 'Mobility Service Configurator',
      version: '9.60.0.0',
      argv: [],
      time: new Date('2026-11-25T11:00:00.000Z'),
    });
    log.write('error', 'registration failed', new Date(TS));
    log.close();

    const index = new LogIndex(file, 'installer');
    expect(index.refresh()).toBe(true);
    expect(index.refresh()).toBe(false);
    const info = index.info();
    expect(info).toMatchObject({
      name: 'installer',
      fileName: path.basename(file),
      exists: true,
      size: fs.statSync(file).size,
      lineCount: 16,
    });
    expect(info.runs).toEqual([
      {
        line: 0,
        title: 'Mobility Service Setup 9.60.0.0: run started 2026-11-25T10:00:00.000Z',
        outcome: 'Succeeded',
      },
      {
        line: 10,
        title: 'Mobility Service Configurator 9.60.0.0: run started 2026-11-25T11:00:00.000Z',
        outcome: null,
      },
    ]);
    const lines = index.read(ALL, 0, 100).lines;
    expect(lines.map((line) => line.level)).toEqual([
      ...Array<string>(5).fill('other'),
      'info',
      'warn',
      'debug',
      'debug',
      'info',
      ...Array<string>(5).fill('other'),
      'error',
    ]);
    expect(lines[5]).toEqual({ number: 5, text: `${TS} INFO  [extract] Verify payload`, level: 'info' });
    expect(lines[15]?.text).toBe(`${TS} ERROR registration failed`);
  });

  it('reads windows at the start, middle and end, and past the end', () => {
    const index = new LogIndex(writeLog(scratch, numbered(1000)), 'installer');
    const start = index.read(ALL, 0, 10);
    expect(start.total).toBe(1000);
    expect(start.first).toBe(0);
    expect(start.lines.map((line) => line.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(start.lines[0]?.text).toBe(entry('INFO', 'line 0'));

    const middle = index.read(ALL, 500, 3);
    expect(texts(middle.lines)).toEqual([
      entry('INFO', 'line 500'),
      entry('INFO', 'line 501'),
      entry('INFO', 'line 502'),
    ]);

    const end = index.read(ALL, 995, 10);
    expect(end.first).toBe(995);
    expect(end.lines.map((line) => line.number)).toEqual([995, 996, 997, 998, 999]);

    const past = index.read(ALL, 5000, 10);
    expect(past).toEqual({ total: 1000, first: 1000, lines: [] });
    expect(index.read(ALL, -3, 1).lines[0]?.number).toBe(0);
  });

  it('counts a partial last line and indexes it again once it is completed', () => {
    const file = scratch.path('partial');
    fs.writeFileSync(file, `${entry('INFO', 'whole')}\n${TS} ERR`);
    const index = new LogIndex(file, 'installer');
    expect(index.info().lineCount).toBe(2);
    expect(index.read(ALL, 0, 10).lines[1]).toEqual({ number: 1, text: `${TS} ERR`, level: 'other' });
    expect(index.read({ level: 'all', text: 'err' }, 0, 10).total).toBe(1);
    expect(index.read({ level: 'error', text: '' }, 0, 10).total).toBe(0);

    fs.appendFileSync(file, 'OR disk full');
    expect(index.refresh()).toBe(true);
    expect(index.info().lineCount).toBe(2);
    expect(index.read({ level: 'error', text: '' }, 0, 10).lines).toEqual([
      { number: 1, text: entry('ERROR', 'disk full'), level: 'error' },
    ]);
    expect(index.read({ level: 'all', text: 'disk full' }, 0, 10).total).toBe(1);

    fs.appendFileSync(file, `\n${entry('ERROR', 'disk still full')}\n`);
    index.refresh();
    expect(index.info().lineCount).toBe(3);
    expect(index.read({ level: 'all', text: 'disk' }, 0, 10).lines.map((line) => line.number)).toEqual([1, 2]);
    expect(index.read({ level: 'error', text: '' }, 0, 10).lines.map((line) => line.number)).toEqual([1, 2]);
  });

  it('finds a run whose title arrives in a later append', () => {
    const file = writeLog(scratch, [entry('INFO', 'before'), RULE]);
    const index = new LogIndex(file, 'installer');
    expect(index.info().runs).toEqual([]);
    fs.appendFileSync(file, `Setup 2.0: run started ${TS}\n`);
    index.refresh();
    expect(index.info().runs).toEqual([{ line: 1, title: `Setup 2.0: run started ${TS}`, outcome: null }]);
  });

  it('keeps the last 500 runs', () => {
    const lines: string[] = [];
    for (let run = 0; run < 1200; run++) lines.push(...header(`Setup ${run}`), entry('INFO', `run ${run}`));
    const runs = new LogIndex(writeLog(scratch, lines), 'installer').info().runs;
    expect(runs).toHaveLength(500);
    expect(runs[0]).toEqual({ line: 700 * 6, title: `Setup 700: run started ${TS}`, outcome: null });
    expect(runs[499]?.title).toBe(`Setup 1199: run started ${TS}`);
  });

  it('rebuilds when the file is truncated, rewritten in place or replaced', () => {
    const file = writeLog(scratch, numbered(10));
    const index = new LogIndex(file, 'installer');
    expect(index.read({ level: 'all', text: 'line 8' }, 0, 10).total).toBe(1);

    fs.writeFileSync(file, `${numbered(3).join('\n')}\n`);
    expect(index.refresh()).toBe(true);
    expect(index.info().lineCount).toBe(3);
    expect(index.read({ level: 'all', text: 'line 8' }, 0, 10).total).toBe(0);

    // Same inode, more bytes than before, different content: not an append.
    fs.writeFileSync(file, `${[...header('Other'), entry('ERROR', 'rewritten')].join('\n')}\n`);
    expect(index.refresh()).toBe(true);
    expect(index.info()).toMatchObject({
      lineCount: 6,
      runs: [{ line: 0, title: `Other: run started ${TS}`, outcome: null }],
    });
    expect(texts(index.read({ level: 'error', text: '' }, 0, 10).lines)).toEqual([entry('ERROR', 'rewritten')]);

    const replacement = writeLog(scratch, [
      entry('WARN', 'replaced 1'),
      entry('WARN', 'replaced 2'),
      entry('WARN', 'replaced 3'),
      entry('WARN', 'replaced 4'),
      entry('WARN', 'replaced 5'),
      entry('WARN', 'replaced 6'),
      entry('WARN', 'replaced 7'),
    ]);
    fs.renameSync(replacement, file);
    expect(index.refresh()).toBe(true);
    expect(index.info()).toMatchObject({ lineCount: 7, runs: [] });
    expect(index.read({ level: 'warn', text: '' }, 6, 10).lines[0]?.text).toBe(entry('WARN', 'replaced 7'));
  });

  it('reports a missing file as empty and picks it up once created', () => {
    const file = scratch.path('missing');
    const index = new LogIndex(file, 'configurator');
    expect(index.info()).toEqual({
      name: 'configurator',
      fileName: path.basename(file),
      path: file,
      exists: false,
      size: 0,
      lineCount: 0,
      runs: [],
    });
    expect(index.read(ALL, 0, 10)).toEqual({ total: 0, first: 0, lines: [] });
    expect(index.read({ level: 'error', text: 'x' }, 0, 10).total).toBe(0);
    expect(index.refresh()).toBe(false);

    fs.writeFileSync(file, `${entry('ERROR', 'x marks the spot')}\n`);
    expect(index.refresh()).toBe(true);
    expect(index.info()).toMatchObject({ exists: true, lineCount: 1 });
    expect(index.read({ level: 'error', text: 'x' }, 0, 10).total).toBe(1);

    fs.rmSync(file);
    expect(index.refresh()).toBe(true);
    expect(index.info()).toMatchObject({ exists: false, size: 0, lineCount: 0 });
  });
});

describe('a log of 1,000,000 lines', () => {
  it('indexes every line, reads the last window and filters errors', () => {
    const file = scratch.path('big');
    const total = 1_000_000;
    const tags = ['DEBUG', 'INFO ', 'INFO ', 'WARN ', 'INFO ', 'ERROR', 'INFO '];
    let errors = 0;
    let last = '';
    let lastLevel = '';
    const fd = fs.openSync(file, 'w');
    try {
      const head = header('Mobility Service Setup 9.60.0.0');
      fs.writeSync(fd, `${head.join('\n')}\n`);
      const block: string[] = [];
      for (let i = head.length; i < total; i++) {
        const tag = tags[i % tags.length] as string;
        if (tag === 'ERROR') errors++;
        lastLevel = tag.trim().toLowerCase();
        last = `${TS} ${tag} [extract] Verifying payload file ${i} of the package, checksum 0123456789abcdef ok`;
        block.push(last);
        if (block.length === 50_000 || i === total - 1) {
          fs.writeSync(fd, Buffer.from(`${block.join('\n')}\n`));
          block.length = 0;
        }
      }
    } finally {
      fs.closeSync(fd);
    }
    try {
      const catalog = new LogCatalog({ installer: file, configurator: scratch.path('none') });
      const info = catalog.info('installer');
      expect(info.lineCount).toBe(total);
      expect(info.runs).toEqual([
        { line: 0, title: `Mobility Service Setup 9.60.0.0: run started ${TS}`, outcome: null },
      ]);
      const tail = catalog.read({ log: 'installer', level: 'all', text: '' }, total - 100, 100);
      expect(tail.lines).toHaveLength(100);
      expect(tail.lines[99]).toEqual({ number: total - 1, text: last, level: lastLevel });
      expect(catalog.read({ log: 'installer', level: 'error', text: '' }, 0, 100).total).toBe(errors);
      // Every timestamped line matches: none is lost where a read chunk ends.
      expect(catalog.read({ log: 'installer', level: 'all', text: 'CHECKSUM' }, 0, 100).total).toBe(total - 5);
      const one = catalog.read({ log: 'installer', level: 'all', text: 'file 987654 of' }, 0, 100);
      expect(one.lines.map((line) => line.number)).toEqual([987_654]);
      catalog.dispose();
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('each run with its outcome', () => {
  it("reads it from the run's Result line, also one appended later; a run without one has none", () => {
    const lines = [
      ...header('Install'),
      entry('INFO', 'Result: Succeeded'),
      ...header('Install'),
      entry('ERROR', 'Result: Failed: COMPONENT_FAILED: the filter driver exited with code 9'),
      '  Remedy: Read the component output',
      ...header('Install'),
      entry('ERROR', 'Result: Failed: CANCELLED: setup was cancelled'),
      ...header('Install'),
      entry('WARN', 'Result: Warning'),
      // Free-form text that looks like a result at the same column is not one.
      `${' '.repeat(31)}Result: Succeeded`,
      ...header('Register'),
      entry('INFO', 'step started'),
    ];
    const file = writeLog(scratch, lines);
    const index = new LogIndex(file, 'installer');
    const outcomes = () => index.info().runs.map((run) => [run.outcome, run.code]);
    expect(outcomes()).toEqual([
      ['Succeeded', undefined],
      ['Failed', 'COMPONENT_FAILED'],
      ['Cancelled', undefined],
      ['Warning', undefined],
      [null, undefined],
    ]);
    fs.appendFileSync(file, `${entry('ERROR', 'Result: Failed: CS_AUTH_FAILED: the login failed')}\n`);
    index.refresh();
    expect(outcomes().at(-1)).toEqual(['Failed', 'CS_AUTH_FAILED']);
  });
});
