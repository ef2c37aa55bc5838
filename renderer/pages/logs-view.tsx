import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogLevelFilter, LogLine, LogName } from '../../shared/ipc-contract';
import {
  closeLogs,
  ensureLogLines,
  openLogFolder,
  selectLog,
  setFollow,
  setLogLevel,
  setLogText,
} from '../state/actions';
import { saveDiagnostics } from '../state/lifecycle-actions';
import { copyLog, selectRun, setWrapLines } from '../state/log-actions';
import { logRunLabel } from '../state/log-run-label';
import { BLOCK_LINES, useLogs } from '../state/stores';
import type { MessageId } from '../i18n/messages-en';
import { ErrorPanel } from '../components/error-panel';
import { PathText } from '../components/path-text';
import { useTranslator } from '../i18n/use-translator';
import './logs-view.css';

// The setup logs, fast on a log of a million lines: main keeps the line index and answers byte ranges,
// this view renders only the rows on screen (virtualised) and asks for 200-line blocks as they scroll in.

const ROW_HEIGHT = 20;

function lineAt(blocks: ReadonlyMap<number, readonly LogLine[]>, index: number): LogLine | undefined {
  return blocks.get(Math.floor(index / BLOCK_LINES))?.[index % BLOCK_LINES];
}

const LOGS: readonly LogName[] = ['installer', 'configurator', 'push'];

const LEVELS: readonly { readonly level: LogLevelFilter; readonly label: MessageId }[] = [
  { level: 'all', label: 'logs.level.all' },
  { level: 'debug', label: 'logs.level.debug' },
  { level: 'info', label: 'logs.level.info' },
  { level: 'warn', label: 'logs.level.warn' },
  { level: 'error', label: 'logs.level.error' },
];

export function LogsView() {
  const tr = useTranslator();
  const { t, text: say, rich } = tr;
  const { log, level, text, follow, info, total, blocks, error, diagnostics, wrap, run, copied } = useLogs();
  const scroller = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 30,
  });
  const items = virtualizer.getVirtualItems();
  const firstVisible = items[0]?.index ?? 0;
  const lastVisible = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    heading.current?.focus();
    // Escape leaves the logs view from anywhere in it, except where it first clears a typed filter.
    const onEscape = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const target = event.target;
      if (target instanceof HTMLInputElement && target.type === 'search' && target.value !== '') return;
      closeLogs();
    };
    document.addEventListener('keydown', onEscape);
    return () => document.removeEventListener('keydown', onEscape);
  }, []);
  useEffect(() => {
    // Wrapped rows have their own heights: measured as they render, and forgotten when wrapping stops.
    virtualizer.measure();
  }, [wrap, virtualizer]);
  useEffect(() => {
    void ensureLogLines(firstVisible, lastVisible);
  }, [firstVisible, lastVisible, total, blocks]);
  useEffect(() => {
    if (follow && total > 0) virtualizer.scrollToIndex(total - 1, { align: 'end' });
  }, [follow, total, virtualizer]);

  const filtered = level !== 'all' || text !== '';
  const summary = info
    ? info.exists
      ? t('logs.summary', { fileName: info.fileName, lineCount: info.lineCount, shown: total })
      : t('logs.summary.missing', { fileName: info.fileName })
    : t('logs.summary.loading');

  return (
    // One main landmark holds the whole view: it replaces the page, header and all.
    <main className="frame logs-frame">
      <header className="frame-header">
        <h1 tabIndex={-1} ref={heading}>
          {t('logs.title')}
        </h1>
        <button type="button" onClick={closeLogs}>
          {t('logs.back')}
        </button>
      </header>
      <div className="log-toolbar" role="toolbar" aria-label={t('logs.toolbar')}>
        <div className="segmented" role="group" aria-label={t('logs.log')}>
          {LOGS.map((name) => (
            <button key={name} type="button" aria-pressed={log === name} onClick={() => selectLog(name)}>
              {t('logs.name', { log: name })}
            </button>
          ))}
        </div>
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
          <label>
            {t('logs.run')}{' '}
            <select
              value={run ?? ''}
              onChange={(event) => {
                const line = event.target.value === '' ? null : Number(event.target.value);
                selectRun(line);
                if (line !== null && !filtered) virtualizer.scrollToIndex(line, { align: 'start' });
              }}
            >
              <option value="">{t('logs.run.whole')}</option>
              {[...info.runs].reverse().map((run) => (
                <option key={run.line} value={run.line}>
                  {logRunLabel(run, tr)}
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
      </div>
      <div aria-live="polite" className="diagnostics-status">
        {diagnostics.status === 'saving' ? <p className="hint">{t('logs.diagnostics.saving')}</p> : null}
        {diagnostics.status === 'saved' ? (
          <p className="hint">
            {rich('logs.diagnostics.saved', { path: <PathText key="path" path={diagnostics.path} /> })}
          </p>
        ) : null}
        {diagnostics.status === 'error' ? (
          <ErrorPanel error={diagnostics.error} title={t('logs.diagnostics.failed')} />
        ) : null}
      </div>
      <p className="hint log-summary" aria-live="polite">
        {copied ? t('logs.summary.copied', { summary, copied: say(copied) }) : summary}
      </p>
      {info ? (
        <p className="hint log-summary log-path">
          {rich('logs.path', { path: <PathText key="path" path={info.path} /> })}
        </p>
      ) : null}
      {error ? <ErrorPanel error={error} /> : null}
      <div
        ref={scroller}
        className={wrap ? 'log-lines wrap' : 'log-lines'}
        role="log"
        aria-label={t('logs.lines', { log })}
        tabIndex={0}
        onWheel={() => setFollow(false)}
        onKeyDown={(event) => {
          if (['ArrowUp', 'PageUp', 'Home'].includes(event.key)) setFollow(false);
        }}
      >
        {info?.exists && filtered && total === 0 ? <p className="log-empty">{t('logs.noMatch')}</p> : null}
        <div className="log-spacer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const line = lineAt(blocks, item.index);
            return (
              <div
                key={item.key}
                ref={wrap ? virtualizer.measureElement : undefined}
                data-index={item.index}
                className={`log-line level-${line?.level ?? 'other'}`}
                style={{ transform: `translateY(${item.start}px)` }}
                data-line={line?.number}
              >
                {line ? line.text : '…'}
              </div>
            );
          })}
        </div>
      </div>
    </main>
  );
}
