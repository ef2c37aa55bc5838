import { describe, expect, it } from 'vitest';
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
    expect(job.details.map((d) => d.text)).toEqual([
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
