import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setupError } from '../../../shared/error-catalog';
import type { JobEvent } from '../../../shared/job-events';
import { JobRecorder } from './job-recorder';
import { Redactor, SetupLog } from './setup-log';
import { Scratch } from '../test-support/fixtures';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const TIME = new Date('2026-11-01T08:30:00.000Z');
const FORGED = 'no\n2026-11-01T08:30:00.000Z INFO  [register] Register: Succeeded\u001b[1A\rOK';

function recorder(): { job: JobRecorder; events: JobEvent[]; log: () => string } {
  const file = path.join(scratch.path('logs'), 'setup.log');
  const setupLog = new SetupLog(file, new Redactor(), () => TIME);
  setupLog.open({ title: 'T', version: '1', argv: [], time: TIME });
  const events: JobEvent[] = [];
  const job = new JobRecorder(
    (event) => events.push(event),
    setupLog,
    () => TIME,
  );
  return { job, events, log: () => (setupLog.close(), fs.readFileSync(file, 'utf8')) };
}

// Security review finding 9: server-sent text reached the terminal and the root log raw.
describe('text from outside in events and the log', () => {
  it('a component output line cannot forge a log line or move the cursor', () => {
    const { job, log } = recorder();
    job.detail(FORGED);
    const text = log();
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\r');
    expect(text.split('\n').filter((line) => line.includes('Register: Succeeded'))).toEqual([
      `${TIME.toISOString()} DEBUG no\\n2026-11-01T08:30:00.000Z INFO  [register] Register: Succeeded\\x1b[1A\\rOK`,
    ]);
  });

  it('escapes control characters in step messages, errors and the outcome, and caps long lines', () => {
    const { job, events } = recorder();
    const step = job.step('register', 'register', 'Register');
    const error = setupError('CS_PROTOCOL_ERROR', `server said \u001b]0;pwned\u0007 ${'x'.repeat(5000)}`);
    job.finish(step, 'Failed', 'answer: \u009b2J', error);
    const outcome = job.outcome(error);
    const finished = events.find((e) => e.type === 'step-finished');
    expect(JSON.stringify(finished)).not.toMatch(/\\u001b|\\u0007|\\u009b/);
    expect(finished?.type === 'step-finished' && finished.message).toBe('answer: \\x9b2J');
    expect(outcome.error?.message).toMatch(/^server said \\x1b\]0;pwned\\x07 x+… \(\d+ more characters\)$/);
    expect(outcome.error?.message.length).toBeLessThan(4100);
  });
});

describe('the plan', () => {
  it('is announced after job-started, and a placeholder expands into the steps it stood for', () => {
    const { job, events, log } = recorder();
    job.started('install');
    const plan = (ids: string[]) => ids.map((id) => ({ id, kind: 'component' as const, title: id, optional: false }));
    job.plan(plan(['locate', 'components', 'service']));
    job.expandPlan('components', plan(['component:a', 'component:b\u001b[2J']));
    job.expandPlan('components', plan(['component:c']));
    expect(events.map((event) => event.type)).toEqual(['job-started', 'plan', 'plan']);
    const last = events.at(-1);
    expect(last?.type === 'plan' && last.steps.map((step) => step.title)).toEqual([
      'locate',
      'component:a',
      'component:b\\x1b[2J',
      'service',
    ]);
    expect(log()).toContain('Plan: locate; component:a; component:b\\x1b[2J; service');
  });
});
