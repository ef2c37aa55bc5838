import { useEffect, useState } from 'react';
import { useTranslator } from '../i18n/use-translator';
import { formatClock, formatElapsed } from '../state/time-format';

// When the job started (with its zone) and how long it has run: ticking while it runs, fixed once it ends.
export function JobClock({ startedAt, endedAt }: { readonly startedAt: string; readonly endedAt: string | undefined }) {
  const { rich, locale } = useTranslator();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (endedAt) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [endedAt]);
  const end = endedAt ? Date.parse(endedAt) : now;
  return (
    <p className="hint job-clock">
      {rich(endedAt ? 'progress.took' : 'progress.started', {
        time: (
          <time key="time" dateTime={startedAt}>
            {formatClock(startedAt, locale)}
          </time>
        ),
        elapsed: (
          <span key="elapsed" className="elapsed">
            {formatElapsed(end - Date.parse(startedAt))}
          </span>
        ),
      })}
    </p>
  );
}
