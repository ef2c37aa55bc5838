import type { PreflightItem } from '../../shared/ipc-contract';
import { shownSummary } from '../state/actions';
import { useInstall, type PreflightState } from '../state/stores';
import { ErrorPanel } from './error-panel';

// The prerequisites on Installation Option. A re-check keeps the last results on screen, dimmed and
// aria-busy, so the list (and the Install button below it) does not collapse and jump at every pause in
// typing; a polite live region says only what changed.

function stateLine(preflight: PreflightState): string {
  switch (preflight.status) {
    case 'idle':
    case 'checking':
      return preflight.status === 'checking' && preflight.previous ? 'Checking again…' : 'Checking this machine…';
    case 'waiting':
      return 'Checked again once the install location is valid.';
    case 'done':
    case 'error':
      return '';
    default: {
      const unreachable: never = preflight;
      return unreachable;
    }
  }
}

function Check({ item, atField }: { readonly item: PreflightItem; readonly atField: boolean }) {
  return (
    <li className={item.ok === false ? 'check failed' : item.ok === null ? 'check skipped' : 'check ok'}>
      <span className="check-mark" aria-hidden="true">
        {item.ok === false ? '✖' : item.ok === null ? '–' : '✔'}
      </span>
      <span>
        <strong>{item.title}</strong>
        <span className="visually-hidden">
          {item.ok === false ? ': failed' : item.ok === null ? ': not checked' : ': passed'}
        </span>
        {/* The field already shows a location error under it; the list points there instead of repeating it. */}
        {atField ? ': see the message under the install location field.' : `: ${item.message}`}
        {item.ok === false && item.remedy ? <span className="remedy-inline"> What to do: {item.remedy}</span> : null}
      </span>
    </li>
  );
}

export function Prerequisites() {
  const preflight = useInstall((s) => s.preflight);
  const news = useInstall((s) => s.preflightNews);
  const locationProblem = useInstall((s) => s.locationProblem);
  const summary = shownSummary(preflight);
  const busy = preflight.status === 'checking' || preflight.status === 'idle';
  const stale = preflight.status !== 'done';
  return (
    <>
      <p className="hint preflight-state">{stateLine(preflight)}</p>
      <p className="visually-hidden" aria-live="polite">
        {news}
      </p>
      {preflight.status === 'error' ? <ErrorPanel error={preflight.error} /> : null}
      {summary ? (
        <ul className={stale ? 'checks stale' : 'checks'} aria-busy={busy} aria-label="Prerequisite checks">
          {summary.items.map((item) => (
            <Check
              key={item.id}
              item={item}
              atField={item.id === 'location' && item.ok === false && (!stale || locationProblem !== undefined)}
            />
          ))}
        </ul>
      ) : null}
    </>
  );
}
