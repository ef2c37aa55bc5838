import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LogCatalog, type LogChange } from './log-catalog';
import { Scratch } from '../../engine/test-support/fixtures';
import { entry, writeLog, numbered, until } from './test-log-lines';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe('LogCatalog', () => {
  it('answers info and read per log, refreshing first', () => {
    const installer = writeLog(scratch, numbered(5));
    const configurator = scratch.path('configurator');
    const catalog = new LogCatalog({ installer, configurator });
    expect(catalog.info('installer').lineCount).toBe(5);
    expect(catalog.info('configurator').exists).toBe(false);
    fs.appendFileSync(installer, `${entry('ERROR', 'late')}\n`);
    expect(catalog.read({ log: 'installer', level: 'error', text: '' }, 0, 10).lines).toEqual([
      { number: 5, text: entry('ERROR', 'late'), level: 'error' },
    ]);
    catalog.dispose();
  });

  it('reports growth while watched and stops polling after unsubscribe', async () => {
    const installer = writeLog(scratch, numbered(5));
    const configurator = scratch.path('configurator');
    const catalog = new LogCatalog({ installer, configurator }, { pollMs: 20 });
    catalog.info('installer');
    const changes: LogChange[] = [];
    const unsubscribe = catalog.watch((change) => changes.push(change));

    fs.appendFileSync(installer, `${entry('INFO', 'grown')}\n`);
    await until(() => changes.length > 0);
    expect(changes).toEqual([{ log: 'installer', size: fs.statSync(installer).size, lineCount: 6 }]);

    fs.writeFileSync(configurator, `${entry('INFO', 'created')}\n${entry('INFO', 'too')}\n`);
    await until(() => changes.length > 1);
    expect(changes[1]).toEqual({ log: 'configurator', size: fs.statSync(configurator).size, lineCount: 2 });

    unsubscribe();
    fs.appendFileSync(installer, `${entry('INFO', 'unwatched')}\n`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(changes).toHaveLength(2);
    // Not polled meanwhile, yet a read still sees the new line.
    expect(catalog.info('installer').lineCount).toBe(7);
    catalog.dispose();
  });
});
