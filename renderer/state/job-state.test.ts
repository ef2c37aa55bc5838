import { describe, expect, it } from 'vitest';
import { english } from '../test-support/english';
import { applyJobEvent, MAX_DETAIL_LINES, newJob } from './job-state';
import { setupError } from '../../shared/error-catalog';

const time = '2026-11-25T10:00:00.000Z';

describe('job events fold into what the progress page shows', () => {
  it('tracks steps from started to finished, progress and the result', () => {
    let job = newJob('job-1');
    job = applyJobEvent(job, {
      type: 'job-started',
      job: 'install',
      time,
      logFile: '/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log',
    });
    job = applyJobEvent(job, {
      type: 'step-started',
      step: { id: 'extract', kind: 'extract', title: 'Verify and extract the package', optional: false },
      time,
    });
    expect(job.steps).toEqual([
      {
        id: 'extract',
        kind: 'extract',
        title: 'Verify and extract the package',
        optional: false,
        state: 'running',
        message: '',
      },
    ]);
    job = applyJobEvent(job, {
      type: 'step-progress',
      stepId: 'extract',
      bytesDone: 50,
      bytesTotal: 100,
      filesDone: 1,
      filesTotal: 2,
    });
    expect(job.progress).toEqual({ stepId: 'extract', bytesDone: 50, bytesTotal: 100, filesDone: 1, filesTotal: 2 });
    job = applyJobEvent(job, {
      type: 'step-finished',
      stepId: 'extract',
      status: 'Succeeded',
      message: '2 files verified',
      time,
    });
    expect(job.steps[0]).toMatchObject({ state: 'Succeeded', message: '2 files verified' });
    const error = setupError('COMPONENT_FAILED', 'the driver failed');
    job = applyJobEvent(job, { type: 'result', status: 'Failed', exitCode: 1, msiCode: 1603, error });
    expect(job.result).toEqual({ status: 'Failed', error, summary: {} });
    expect(job.logFile).toBe('/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log');
    expect(job.details.map((d) => english(d.text))).toEqual([
      'Verify and extract the package…',
      'Verify and extract the package: Succeeded (2 files verified)',
    ]);
  });

  it('marks a failed step with its error and level', () => {
    let job = applyJobEvent(newJob('j'), {
      type: 'step-started',
      step: { id: 'component:vss', kind: 'component', title: 'VSS', optional: true },
      time,
    });
    job = applyJobEvent(job, {
      type: 'step-finished',
      stepId: 'component:vss',
      status: 'Failed',
      message: 'exited with code 5',
      time,
    });
    expect(job.steps[0]?.state).toBe('Failed');
    expect(job.details[job.details.length - 1]?.level).toBe('error');
  });

  it('keeps only the latest detail lines', () => {
    let job = newJob('j');
    for (let i = 0; i < MAX_DETAIL_LINES + 25; i++)
      job = applyJobEvent(job, { type: 'log', level: 'info', message: `line ${i}`, time });
    expect(job.details).toHaveLength(MAX_DETAIL_LINES);
    expect(job.details[0]?.text).toBe('line 25');
    expect(job.details[MAX_DETAIL_LINES - 1]?.text).toBe(`line ${MAX_DETAIL_LINES + 24}`);
  });
});

// Issue 13: the plan is listed from the start, and a cancel shows where it stopped, not a failure.
describe('the plan and a cancel', () => {
  const plan = [
    { id: 'locate', kind: 'locate', title: 'Locate the agent package', optional: false },
    { id: 'extract', kind: 'extract', title: 'Verify and extract the package', optional: false },
    { id: 'components', kind: 'component', title: "Install the package's components", optional: false },
    { id: 'configure', kind: 'configure', title: 'Write the agent configuration', optional: false },
  ] as const;

  it('lists every planned step as waiting before any starts', () => {
    const job = applyJobEvent(newJob('j'), { type: 'plan', steps: plan });
    expect(job.steps.map((step) => [step.id, step.state])).toEqual([
      ['locate', 'pending'],
      ['extract', 'pending'],
      ['components', 'pending'],
      ['configure', 'pending'],
    ]);
  });

  it('keeps started steps in their planned place, puts an unplanned one before the waiting ones, and expands the components', () => {
    let job = applyJobEvent(newJob('j'), { type: 'plan', steps: plan });
    job = applyJobEvent(job, { type: 'step-started', step: { ...plan[0], title: 'Locate it' }, time });
    job = applyJobEvent(job, { type: 'step-finished', stepId: 'locate', status: 'Succeeded', message: 'ok', time });
    job = applyJobEvent(job, {
      type: 'step-started',
      step: { id: 'recover', kind: 'recover', title: 'Recover', optional: false },
      time,
    });
    expect(job.steps.map((step) => step.id)).toEqual(['locate', 'recover', 'extract', 'components', 'configure']);
    expect(job.steps[0]).toMatchObject({ title: 'Locate it', state: 'Succeeded' });
    job = applyJobEvent(job, {
      type: 'plan',
      steps: [
        plan[0],
        plan[1],
        { id: 'component:vss', kind: 'component', title: 'Site Recovery VSS provider', optional: true },
        plan[3],
      ],
    });
    expect(job.steps.map((step) => [step.id, step.state])).toEqual([
      ['recover', 'running'],
      ['locate', 'Succeeded'],
      ['extract', 'pending'],
      ['component:vss', 'pending'],
      ['configure', 'pending'],
    ]);
  });

  it('on a CANCELLED result marks the step it stopped as Cancelled, never Failed, and keeps the rest', () => {
    let job = applyJobEvent(newJob('j'), { type: 'plan', steps: plan });
    job = applyJobEvent(job, { type: 'step-started', step: plan[0], time });
    job = applyJobEvent(job, { type: 'step-finished', stepId: 'locate', status: 'Succeeded', message: '', time });
    job = applyJobEvent(job, { type: 'step-started', step: plan[1], time });
    const cancelled = setupError('CANCELLED', 'setup was cancelled; every change it had made was undone');
    job = applyJobEvent(job, {
      type: 'step-finished',
      stepId: 'extract',
      status: 'Failed',
      message: cancelled.message,
      error: cancelled,
      time: '2026-11-25T10:00:09.000Z',
    });
    expect(job.details.at(-1)?.level).toBe('warn');
    expect(english(job.details.at(-1)?.text)).toMatch(/^Verify and extract the package: Cancelled/);
    job = applyJobEvent(job, { type: 'result', status: 'Failed', exitCode: 4, msiCode: 1602, error: cancelled });
    expect(job.steps.map((step) => step.state)).toEqual(['Succeeded', 'Cancelled', 'pending', 'pending']);
    expect(job.details.map((line) => english(line.text)).join('\n')).not.toMatch(/fail/i);
    expect(job.endedAt).toBe('2026-11-25T10:00:09.000Z');
  });

  it('on a CANCELLED result a step still running is Cancelled; a real failure before it stays Failed', () => {
    let job = applyJobEvent(newJob('j'), { type: 'job-started', job: 'install', time, logFile: '/x.log' });
    job = applyJobEvent(job, {
      type: 'step-started',
      step: { id: 'component:vss', kind: 'component', title: 'VSS', optional: true },
      time,
    });
    job = applyJobEvent(job, {
      type: 'step-finished',
      stepId: 'component:vss',
      status: 'Failed',
      message: 'exit 5',
      time,
    });
    job = applyJobEvent(job, { type: 'step-started', step: plan[3], time });
    job = applyJobEvent(job, {
      type: 'result',
      status: 'Failed',
      exitCode: 4,
      msiCode: 1602,
      error: setupError('CANCELLED', 'cancelled'),
    });
    expect(job.steps.map((step) => step.state)).toEqual(['Failed', 'Cancelled']);
    expect(job.startedAt).toBe(time);
  });

  it('after a rollback the steps that changed the system read Rolled back; checks and the stopped step do not', () => {
    let job = applyJobEvent(newJob('j'), { type: 'plan', steps: plan });
    for (const step of plan.slice(0, 3)) {
      job = applyJobEvent(job, { type: 'step-started', step, time });
      job = applyJobEvent(job, { type: 'step-finished', stepId: step.id, status: 'Succeeded', message: '', time });
    }
    job = applyJobEvent(job, { type: 'step-started', step: plan[3], time });
    const cancelled = setupError('CANCELLED', 'cancelled');
    const result = { type: 'result', status: 'Failed', exitCode: 4, msiCode: 1602, error: cancelled } as const;
    const rolledBack = applyJobEvent(job, { ...result, summary: { rolledBack: 'true' } });
    expect(rolledBack.steps.map((step) => [step.kind, step.state])).toEqual([
      ['locate', 'Succeeded'],
      ['extract', 'RolledBack'],
      ['component', 'RolledBack'],
      ['configure', 'Cancelled'],
    ]);
    // Without the engine's word nothing is claimed undone.
    expect(applyJobEvent(job, result).steps.map((step) => step.state)).toEqual([
      'Succeeded',
      'Succeeded',
      'Succeeded',
      'Cancelled',
    ]);
  });
});
