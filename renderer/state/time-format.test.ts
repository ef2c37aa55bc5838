import { describe, expect, it } from 'vitest';
import { formatClock, formatDateTime, formatElapsed } from './time-format';

// Issue 13: "times have no time zone". Every time the wizard shows names its zone.
describe('times with their zone', () => {
  const iso = '2026-11-25T14:03:12.000Z';

  it('names the zone of a clock time and of a date and time', () => {
    expect(formatClock(iso, 'en', 'UTC')).toMatch(/^14:03:12 UTC$/);
    expect(formatClock(iso, 'en', 'Asia/Kolkata')).toMatch(/^19:33:12 GMT\+5:30$/);
    const dated = formatDateTime(iso, 'en', 'Europe/Berlin');
    expect(dated).toContain('15:03:12');
    expect(dated).toMatch(/2026/);
    expect(dated).toMatch(/GMT\+1|CET/);
  });

  it('writes them as the chosen language does, still naming the zone', () => {
    expect(formatClock(iso, 'de', 'UTC')).toBe('14:03:12 UTC');
    const dated = formatDateTime(iso, 'de', 'Europe/Berlin');
    expect(dated).toMatch(/^25\. Nov\. 2026, 15:03:12 MEZ$/);
  });

  it('leaves a time it cannot read as it came, and counts elapsed time in minutes and hours', () => {
    expect(formatClock('t', 'en')).toBe('t');
    expect(formatElapsed(65_000)).toBe('1:05');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
    expect(formatElapsed(-5)).toBe('0:00');
  });
});
