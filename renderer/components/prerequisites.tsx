import type { PreflightItem } from '../../shared/ipc-contract';
import type { MessageId } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import { RemedyText } from './remedy-text';
import { shownSummary } from '../state/actions';
import { checkTitle, checkVerdict } from '../state/field-rules';
import { useInstall, type PreflightState } from '../state/stores';
import { ErrorPanel } from './error-panel';

// The prerequisites on Installation Option. A re-check keeps the last results on screen, dimmed and
// aria-busy, so the list (and the Install button below it) does not collapse and jump at every pause in
// typing; a polite live region says only what changed. Each check's name is ours; what it found (its
// message) is the engine's, as the setup log has it.

function stateLine(preflight: PreflightState): MessageId | undefined {
  switch (preflight.status) {
    case 'idle':
    case 'checking':
      return preflight.status === 'checking' && preflight.previous ? 'prereq.checkingAgain' : 'prereq.checking';
    case 'waiting':
      return 'prereq.waiting';
    case 'done':
    case 'error':
      return undefined;
    default: {
      const unreachable: never = preflight;
      return unreachable;
    }
  }
}

function Check({ item, atField }: { readonly item: PreflightItem; readonly atField: boolean }) {
  const { rich, t, text } = useTranslator();
  const parts = { title: text(checkTitle(item)), verdict: text(checkVerdict(item)) };
  return (
    <li className={item.ok === false ? 'check failed' : item.ok === null ? 'check skipped' : 'check ok'}>
      <span className="check-mark" aria-hidden="true">
        {item.ok === false ? '✖' : item.ok === null ? '–' : '✔'}
      </span>
      <span>
        {/* The field already shows a location error under it; the list points there instead of repeating it. */}
        {atField ? rich('prereq.rowAtField', parts) : rich('prereq.row', { ...parts, message: item.message })}
        {item.ok === false && item.remedy ? (
          <>
            {' '}
            {item.code ? (
              <RemedyText error={{ code: item.code, remedy: item.remedy }} className="remedy-inline" inline />
            ) : (
              <span className="remedy-inline">{t('common.whatToDo', { remedy: item.remedy })}</span>
            )}
          </>
        ) : null}
      </span>
    </li>
  );
}

export function Prerequisites() {
  const { t, text } = useTranslator();
  const preflight = useInstall((s) => s.preflight);
  const news = useInstall((s) => s.preflightNews);
  const locationProblem = useInstall((s) => s.locationProblem);
  const summary = shownSummary(preflight);
  const busy = preflight.status === 'checking' || preflight.status === 'idle';
  const stale = preflight.status !== 'done';
  const line = stateLine(preflight);
  return (
    <>
      <p className="hint preflight-state">{line ? t(line) : ''}</p>
      <p className="visually-hidden" aria-live="polite">
        {news.map(text).join(' ')}
      </p>
      {preflight.status === 'error' ? <ErrorPanel error={preflight.error} /> : null}
      {summary ? (
        <ul className={stale ? 'checks stale' : 'checks'} aria-busy={busy} aria-label={t('prereq.list')}>
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
