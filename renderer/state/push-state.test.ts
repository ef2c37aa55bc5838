import { describe, expect, it } from 'vitest';
import type { HostResult } from '../../shared/push-events';
import { applyPushEvent, failedHosts, newPushRun } from './push-state';

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
