import { describe, expect, it, vi } from 'vitest';
import type { HostResult, PushEvent } from '../../shared/push-events';
import { PushConsole } from './push-output';

// The live table on a terminal stays usable with a thousand servers: it fits the terminal's rows, shows the
// servers running and the latest to change, and counts every status on its first line.

const result = (host: string, status: HostResult['status']): HostResult => ({
  host,
  status,
  osLabel: 'DEBIAN12-64',
  agentVersion: '9.61.0.0',
  hostId: null,
  stoppedAt: null,
  error: null,
});

describe('the push table on a terminal', () => {
  it('with 1,000 servers draws at most the terminal rows, running servers first, with counts', () => {
    vi.useFakeTimers();
    try {
      let out = '';
      const console = new PushConsole('tty', {
        stdout: { write: (text: string) => (out += text), isTTY: true, columns: 100, rows: 30 },
        stderr: { write: () => undefined },
      });
      const hosts = Array.from({ length: 1000 }, (_, i) => `server-${i}`);
      const emit = (event: PushEvent): void => console.event(event);
      emit({ type: 'push-started', hosts, time: '', logFile: '/tmp/log' });
      for (let i = 0; i < 990; i++)
        emit({ type: 'host-result', result: result(`server-${i}`, i === 7 ? 'Failed' : 'Succeeded') });
      for (const i of [995, 996])
        emit({ type: 'host-step', host: `server-${i}`, step: 'copy', status: 'started', message: '', time: '' });
      out = '';
      vi.advanceTimersByTime(200);
      const frame = out.split('\n').filter((line) => line.includes('\u001b[2K'));
      expect(frame.length).toBeLessThanOrEqual(28);
      expect(frame[0]).toContain('1000 server(s): ');
      for (const count of ['8 waiting', '989 Succeeded', '1 Failed', '2 running']) expect(frame[0]).toContain(count);
      expect(frame[1]).toContain('server-995');
      expect(frame[2]).toContain('server-996');
      expect(frame[3]).toContain('server-989');
      // Many events between two frames are one redraw, not one each.
      out = '';
      for (let i = 990; i < 995; i++) emit({ type: 'host-result', result: result(`server-${i}`, 'Succeeded') });
      vi.advanceTimersByTime(200);
      expect(out.split('\u001b[2K').length - 1).toBeLessThanOrEqual(28);
    } finally {
      vi.useRealTimers();
    }
  });
});
