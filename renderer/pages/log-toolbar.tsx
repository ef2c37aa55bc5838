import { useEffect, useState } from 'react';
import type { LogLevelFilter, LogName } from '../../shared/ipc-contract';
import { openLogFolder, selectLog, setFollow, setLogLevel, setLogText } from '../state/actions';
import { saveDiagnostics } from '../state/lifecycle-actions';
import { copyLog, selectRun, setWrapLines } from '../state/log-actions';
import { logRunLabel } from '../state/log-run-label';
import { useLogs } from '../state/stores';
import type { MessageId } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import { PathText } from '../components/path-text';

// The logs view's toolbar. In a small window (200 % zoom, a phone-sized one) it used to fill the first screen
// and leave no room for the log itself: there only the choice of log stays, the rest folds behind one button.

const LOGS: readonly LogName[] = ['installer', 'configurator', 'push'];

const LEVELS: readonly { readonly level: LogLevelFilter; readonly label: MessageId }[] = [
  { level: 'all', label: 'logs.level.all' },
  { level: 'debug', label: 'logs.level.debug' },
  { level: 'info', label: 'logs.level.info' },
  { level: 'warn', label: 'logs.level.warn' },
  { level: 'error', label: 'logs.level.error' },
];

/** The same breakpoint as logs-view.css's small-window rules. */
const SMALL_WINDOW = '(max-width: 45em), (max-height: 32em)';

/** Where a window cannot answer media queries (a test DOM), it counts as a large one. */
function smallWindowQuery(): MediaQueryList | undefined {
  return typeof window.matchMedia === 'function' ? window.matchMedia(SMALL_WINDOW) : undefined;
}

export function useSmallWindow(): boolean {
  const [small, setSmall] = useState(() => smallWindowQuery()?.matches ?? false);
  useEffect(() => {
    const query = smallWindowQuery();
    if (!query) return undefined;
    const onChange = () => setSmall(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return small;
}

export function LogToolbar({ onRunChosen }: { readonly onRunChosen: (line: number) => void }) {
  const tr = useTranslator();
  const { t, rich } = tr;
  const { log, level, text, follow, info, diagnostics, wrap, run } = useLogs();
  const small = useSmallWindow();
  const [open, setOpen] = useState(false);
  const filtered = level !== 'all' || text !== '' || run !== null;
  return (
    <div className="log-toolbar" role="toolbar" aria-label={t('logs.toolbar')}>
      <div className="segmented" role="group" aria-label={t('logs.log')}>
        {LOGS.map((name) => (
          <button key={name} type="button" aria-pressed={log === name} onClick={() => selectLog(name)}>
            {t('logs.name', { log: name })}
          </button>
        ))}
      </div>
      {small ? (
        <button type="button" aria-expanded={open} aria-controls="log-tools" onClick={() => setOpen(!open)}>
          {t(filtered ? 'logs.tools.filtered' : 'logs.tools')}
        </button>
      ) : null}
      {!small || open ? (
        <div id="log-tools" className="log-tools">
          <label>
            {t('logs.level')}{' '}
            <select value={level} onChange={(event) => setLogLevel(event.target.value as LogLevelFilter)}>
              {LEVELS.map((item) => (
                <option key={item.level} value={item.level}>
                  {t(item.label)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('logs.filter')}{' '}
            <input
              type="search"
              value={text}
              placeholder={t('logs.filter.placeholder')}
              onChange={(event) => setLogText(event.target.value)}
            />
          </label>
          {info && info.runs.length > 0 ? (
            <label className="log-run">
              {t('logs.run')}{' '}
              <select
                value={run ?? ''}
                onChange={(event) => {
                  const line = event.target.value === '' ? null : Number(event.target.value);
                  selectRun(line);
                  if (line !== null) onRunChosen(line);
                }}
              >
                <option value="">{t('logs.run.whole')}</option>
                {[...info.runs].reverse().map((item) => (
                  <option key={item.line} value={item.line}>
                    {logRunLabel(item, tr)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="choice">
            <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} />{' '}
            {t('logs.follow')}
          </label>
          <label className="choice">
            <input type="checkbox" checked={wrap} onChange={(event) => setWrapLines(event.target.checked)} />{' '}
            {t('logs.wrap')}
          </label>
          <button type="button" onClick={() => void copyLog()}>
            {t(run === null ? 'logs.copyLog' : 'logs.copyRun')}
          </button>
          <button type="button" onClick={() => void openLogFolder()}>
            {t('logs.openFolder')}
          </button>
          <button type="button" disabled={diagnostics.status === 'saving'} onClick={() => void saveDiagnostics()}>
            {t('logs.saveDiagnostics')}
          </button>
          {small && info ? (
            <p className="hint log-path">{rich('logs.path', { path: <PathText key="path" path={info.path} /> })}</p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
