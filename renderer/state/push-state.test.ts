import { describe, expect, it } from 'vitest';
import type { HostResult } from '../../shared/push-events';
import { applyPushEvent, failedHosts, newPushRun, retryPushRun, rowPercent } from './push-state';

const result = (host: string, status: HostResult['status']): HostResult => ({
  host,
  status,
  osLabel: null,
  agentVersion: null,
  hostId: null,
  stoppedAt: null,
  error:
    status === 'Succeeded'
      ? null
      : ({
          code: status === 'NotStarted' ? 'PUSH_NOT_STARTED' : 'PUSH_UNREACHABLE',
          message: 'm',
          remedy: 'r',
        } as HostResult['error']),
});

describe('a staged push in the table', () => {
  it('shows servers never started as NotStarted, and Retry failed takes them with the failed ones', () => {
    let run = newPushRun('00000000-0000-4000-8000-000000000001', ['canary', 'b', 'c']);
    for (const [host, status] of [
      ['canary', 'Failed'],
      ['b', 'NotStarted'],
      ['c', 'NotStarted'],
    ] as const)
      run = applyPushEvent(run, { type: 'host-result', result: result(host, status) });
    expect(run.rows.map((row) => row.status)).toEqual(['Failed', 'NotStarted', 'NotStarted']);
    expect(failedHosts(run)).toEqual(['canary', 'b', 'c']);
  });
});

describe('Retry failed in the same table', () => {
  it('keeps the servers that succeeded, starts the retried ones again, and ends with the status of all rows', () => {
    let run = newPushRun('00000000-0000-4000-8000-000000000001', ['ok-1', 'bad-1', 'bad-2']);
    run = applyPushEvent(run, {
      type: 'result',
      status: 'Failed',
      exitCode: 1,
      hosts: [result('ok-1', 'Succeeded'), result('bad-1', 'Failed'), result('bad-2', 'Failed')],
    });
    run = retryPushRun(run, '00000000-0000-4000-8000-000000000002', failedHosts(run));
    expect(run.pushId).toBe('00000000-0000-4000-8000-000000000002');
    expect(run.result).toBeUndefined();
    expect(run.rows.map((row) => [row.host, row.status])).toEqual([
      ['ok-1', 'Succeeded'],
      ['bad-1', 'Waiting'],
      ['bad-2', 'Waiting'],
    ]);
    run = applyPushEvent(run, {
      type: 'result',
      status: 'Succeeded',
      exitCode: 0,
      hosts: [result('bad-1', 'Succeeded'), result('bad-2', 'Succeeded')],
    });
    expect(run.rows.map((row) => row.status)).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
    expect(run.result?.status).toBe('Succeeded');
  });

  it('a server that failed to connect shows no progress; one that ended well shows all', () => {
    let run = newPushRun('00000000-0000-4000-8000-000000000001', ['down', 'up']);
    run = applyPushEvent(run, {
      type: 'host-result',
      result: { ...result('down', 'Failed'), stoppedAt: 'connect' },
    });
    run = applyPushEvent(run, { type: 'host-result', result: result('up', 'Succeeded') });
    expect(run.rows.map(rowPercent)).toEqual([0, 100]);
  });
});
