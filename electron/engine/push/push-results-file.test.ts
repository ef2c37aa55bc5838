import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostResult } from '../../../shared/push-events';
import { Scratch } from '../test-support/fixtures';
import { failuresTolerated } from './push-run';
import { ResultsWriter, succeededIn } from './push-results-file';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const result = (host: string, status: HostResult['status']): HostResult => ({
  host,
  status,
  osLabel: null,
  agentVersion: null,
  hostId: null,
  stoppedAt: null,
  error: null,
});

describe('the results file', () => {
  it('is rewritten whole as servers finish, and --resume takes Succeeded, Warning and Unchanged as done', () => {
    const file = scratch.path('results.json');
    const writer = new ResultsWriter(file, '2026-12-05T12:00:00.000Z');
    writer.write([result('a', 'Succeeded')], ['b', 'c', 'd', 'e'], false);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ complete: false, pending: ['b', 'c', 'd', 'e'] });
    writer.write(
      [
        result('a', 'Succeeded'),
        result('b', 'Warning'),
        result('c', 'Unchanged'),
        result('d', 'Failed'),
        result('e', 'NotStarted'),
      ],
      [],
      true,
    );
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      type: 'push-results',
      complete: true,
      pending: [],
    });
    expect([...succeededIn(file)].sort()).toEqual(['a', 'b', 'c']);
    // No temporary file is left beside it.
    expect(fs.readdirSync(scratch.dir).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('refuses a file that is missing, not JSON, or not a push results file, naming it', () => {
    const missing = scratch.path('missing.json');
    expect(() => succeededIn(missing)).toThrow(/--resume .*missing\.json-\d+ cannot be read \(ENOENT\)/);
    const text = scratch.path('text');
    fs.writeFileSync(text, 'hello');
    expect(() => succeededIn(text)).toThrow(/is not JSON: give the file a push wrote with --results/);
    const other = scratch.path('other');
    fs.writeFileSync(other, '{"type":"result","hosts":[]}');
    expect(() => succeededIn(other)).toThrow(/is not a push's results file/);
  });
});

describe('--max-failures', () => {
  it('tolerates N servers, or P% of them; without it, any number', () => {
    expect(failuresTolerated({ kind: 'count', count: 1 }, 10)).toBe(1);
    expect(failuresTolerated({ kind: 'percent', percent: 10 }, 30)).toBe(3);
    expect(failuresTolerated({ kind: 'percent', percent: 0 }, 30)).toBe(0);
    expect(failuresTolerated(undefined, 30)).toBe(Number.POSITIVE_INFINITY);
  });
});
