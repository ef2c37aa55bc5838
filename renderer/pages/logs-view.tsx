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
import { BLOCK_LINES, useLogs } from '../state/stores';
import { ErrorPanel } from '../components/error-panel';
import './logs-view.css';

// The setup logs, fast on a log of a million lines: main keeps the line index and answers byte ranges,
// this view renders only the rows on screen (virtualised) and asks for 200-line blocks as they scroll in.

const ROW_HEIGHT = 20;

function lineAt(blocks: ReadonlyMap<number, readonly LogLine[]>, index: number): LogLine | undefined {
  return blocks.get(Math.floor(index / BLOCK_LINES))?.[index % BLOCK_LINES];
}

const LOGS: readonly { readonly name: LogName; readonly label: string }[] = [
  { name: 'installer', label: 'Installer log' },
  { name: 'configurator', label: 'Configurator log' },
  { name: 'push', label: 'Push log' },
];

export function LogsView() {
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

  return (
    <div className="frame logs-frame">
      <header className="frame-header">
        <h1 tabIndex={-1} ref={heading}>
          Setup logs
        </h1>
        <button type="button" onClick={closeLogs}>
          Back to setup
        </button>
      </header>
      <div className="log-toolbar" role="toolbar" aria-label="Log options">
        <div className="segmented" role="group" aria-label="Log">
          {LOGS.map((item) => (
            <button key={item.name} type="button" aria-pressed={log === item.name} onClick={() => selectLog(item.name)}>
              {item.label}
            </button>
          ))}
        </div>
        <label>
          Level{' '}
          <select value={level} onChange={(event) => setLogLevel(event.target.value as LogLevelFilter)}>
            <option value="all">All lines</option>
            <option value="debug">Debug and above</option>
            <option value="info">Info and above</option>
            <option value="warn">Warnings and errors</option>
            <option value="error">Errors only</option>
          </select>
        </label>
        <label>
          Filter{' '}
          <input
            type="search"
            value={text}
            placeholder="text in the line"
            onChange={(event) => setLogText(event.target.value)}
          />
        </label>
        {info && info.runs.length > 0 ? (
          <label>
            Run{' '}
            <select
              value={run ?? ''}
              onChange={(event) => {
                const line = event.target.value === '' ? null : Number(event.target.value);
                selectRun(line);
                if (line !== null && !filtered) virtualizer.scrollToIndex(line, { align: 'start' });
              }}
            >
              <option value="">Whole log</option>
              {[...info.runs].reverse().map((run) => (
                <option key={run.line} value={run.line}>
                  {run.title}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="choice">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Follow live
        </label>
        <label className="choice">
          <input type="checkbox" checked={wrap} onChange={(event) => setWrapLines(event.target.checked)} /> Wrap lines
        </label>
        <button type="button" onClick={() => void copyLog()}>
          {run === null ? 'Copy log' : 'Copy run'}
        </button>
        <button type="button" onClick={() => void openLogFolder()}>
          Open folder
        </button>
        <button type="button" disabled={diagnostics.status === 'saving'} onClick={() => void saveDiagnostics()}>
          Save diagnostics…
        </button>
      </div>
      <div aria-live="polite" className="diagnostics-status">
        {diagnostics.status === 'saving' ? <p className="hint">Collecting diagnostics…</p> : null}
        {diagnostics.status === 'saved' ? (
          <p className="hint">
            Saved diagnostics to <code>{diagnostics.path}</code>
          </p>
        ) : null}
        {diagnostics.status === 'error' ? (
          <ErrorPanel error={diagnostics.error} title="Diagnostics could not be saved" />
        ) : null}
      </div>
      <p className="hint log-summary" aria-live="polite">
        {info
          ? info.exists
            ? `${info.fileName}: ${info.lineCount.toLocaleString('en-US')} lines, ${total.toLocaleString('en-US')} shown`
            : `${info.fileName} does not exist yet`
          : 'Loading…'}
        {copied ? ` · ${copied}` : ''}
      </p>
      {info ? (
        <p className="hint log-summary log-path">
          Log file: <code>{info.path}</code>
        </p>
      ) : null}
      {error ? <ErrorPanel error={error} /> : null}
      <div
        ref={scroller}
        className={wrap ? 'log-lines wrap' : 'log-lines'}
        role="log"
        aria-label={`${LOGS.find((item) => item.name === log)?.label ?? 'Log'} lines`}
        tabIndex={0}
        onWheel={() => setFollow(false)}
        onKeyDown={(event) => {
          if (['ArrowUp', 'PageUp', 'Home'].includes(event.key)) setFollow(false);
        }}
      >
        {info?.exists && filtered && total === 0 ? <p className="log-empty">No lines match the filter.</p> : null}
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
    </div>
  );
}
