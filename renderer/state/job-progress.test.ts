import { describe, expect, it } from 'vitest';
import type { StepKind } from '../../shared/job-events';
import { setupError } from '../../shared/error-catalog';
import { overallPercent, STEP_WEIGHTS, stepPosition } from './job-progress';
import { newJob, type JobStep, type JobView } from './job-state';

function step(id: string, kind: StepKind, state: JobStep['state']): JobStep {
  return { id, kind, title: id, optional: false, state, message: '' };
}

function job(steps: JobStep[], extra: Partial<JobView> = {}): JobView {
  return { ...newJob('j'), steps, ...extra };
}

// Issue 13: the bar counted extracted bytes only, so it showed 100% while the components still ran.
describe('one bar across every step', () => {
  const all = (state: JobStep['state']) => [
    step('locate', 'locate', 'Succeeded'),
    step('extract', 'extract', state),
    step('component:a', 'component', 'pending'),
    step('service', 'service', 'pending'),
  ];
  const total = STEP_WEIGHTS.locate + STEP_WEIGHTS.extract + STEP_WEIGHTS.component + STEP_WEIGHTS.service;

  it('weights extraction by its bytes and stays short of 100% while later steps wait', () => {
    const extracting = job(all('running'), {
      progress: { stepId: 'extract', bytesDone: 100, bytesTotal: 100, filesDone: 3, filesTotal: 3 },
    });
    const percent = overallPercent(extracting);
    expect(percent).toBe(Math.floor(((STEP_WEIGHTS.locate + STEP_WEIGHTS.extract) / total) * 100));
    expect(percent).toBeLessThan(100);
    const half = job(all('running'), {
      progress: { stepId: 'extract', bytesDone: 50, bytesTotal: 100, filesDone: 1, filesTotal: 3 },
    });
    expect(overallPercent(half)).toBe(Math.floor(((STEP_WEIGHTS.locate + STEP_WEIGHTS.extract / 2) / total) * 100));
  });

  it('reaches 100% when the job succeeds, and stops where a cancel stopped it', () => {
    const done = job(all('Succeeded'), { result: { status: 'Succeeded', error: null, summary: {} } });
    expect(overallPercent(done)).toBe(100);
    const cancelled = job(all('Cancelled'), {
      progress: { stepId: 'extract', bytesDone: 20, bytesTotal: 100, filesDone: 1, filesTotal: 3 },
      result: { status: 'Failed', error: setupError('CANCELLED', 'cancelled'), summary: {} },
    });
    expect(overallPercent(cancelled)).toBe(
      Math.floor(((STEP_WEIGHTS.locate + STEP_WEIGHTS.extract * 0.2) / total) * 100),
    );
    expect(overallPercent(job([]))).toBe(0);
  });

  it('says which step of how many the job is on', () => {
    expect(stepPosition(job(all('running')))).toMatchObject({ index: 2, count: 4, step: { id: 'extract' } });
    expect(stepPosition(job([step('a', 'locate', 'pending'), step('b', 'extract', 'pending')]))).toMatchObject({
      index: 0,
      count: 2,
      step: undefined,
    });
    expect(stepPosition(job(all('Succeeded')))).toMatchObject({ index: 2, count: 4 });
  });
});
