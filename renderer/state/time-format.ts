// Times as the wizard shows them: in the machine's own zone, always naming it, since an admin compares them
// with logs (UTC) and with other servers' clocks; written as the wizard's language writes them.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(withDate: boolean, locale: string, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${withDate}:${locale}:${timeZone ?? ''}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, {
      ...(withDate ? { year: 'numeric', month: 'short', day: 'numeric' } : {}),
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
      ...(timeZone ? { timeZone } : {}),
    });
    formatters.set(key, found);
  }
  return found;
}

function valid(iso: string): Date | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** "14:03:12 UTC": a time of day with its zone. */
export function formatClock(iso: string, locale: string, timeZone?: string): string {
  const date = valid(iso);
  return date ? formatter(false, locale, timeZone).format(date) : iso;
}

/** "25 Nov 2026, 14:03:12 UTC" ("25. Nov. 2026, 15:03:12 MEZ"): a date and time with its zone. */
export function formatDateTime(iso: string, locale: string, timeZone?: string): string {
  const date = valid(iso);
  return date ? formatter(true, locale, timeZone).format(date) : iso;
}

/** "1:05" or "1:02:05": a duration in hours, minutes and seconds. */
export function formatElapsed(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}
