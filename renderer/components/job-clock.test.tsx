import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, render } from '@testing-library/react';
import { formatClock } from '../state/time-format';
import { JobClock } from './job-clock';

afterEach(() => {
  vi.useRealTimers();
});

const STARTED = '2026-11-25T10:00:05.000Z';

describe('the job clock on the progress page', () => {
  it('ticks the elapsed time every second while the job runs, with the start time and its zone', () => {
    vi.useFakeTimers({ now: Date.parse(STARTED) + 61_000 });
    const { container } = render(<JobClock startedAt={STARTED} endedAt={undefined} />);
    const clock = container.querySelector('.job-clock') as HTMLElement;
    expect(clock.textContent).toBe(`Started ${formatClock(STARTED, 'en')} · elapsed 1:01`);
    expect(clock.querySelector('time')?.getAttribute('datetime')).toBe(STARTED);
    act(() => {
      vi.advanceTimersByTime(2_000);
    });
    expect(clock.querySelector('.elapsed')?.textContent).toBe('1:03');
  });

  it('stops at the end: "took", fixed however long the page stays open', () => {
    vi.useFakeTimers({ now: Date.parse(STARTED) + 3_600_000 });
    const { container } = render(<JobClock startedAt={STARTED} endedAt="2026-11-25T11:02:10.000Z" />);
    const clock = container.querySelector('.job-clock') as HTMLElement;
    expect(clock.textContent).toContain('took 1:02:05');
    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(clock.querySelector('.elapsed')?.textContent).toBe('1:02:05');
  });
});
