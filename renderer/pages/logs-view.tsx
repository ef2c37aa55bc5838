import { useEffect, useLayoutEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogLine } from '../../shared/ipc-contract';
import { closeLogs, ensureLogLines, setFollow } from '../state/actions';
import { LogToolbar, useSmallWindow } from './log-toolbar';
import { BLOCK_LINES, useLogs } from '../state/stores';
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

export function LogsView() {
  const tr = useTranslator();
  const { t, text: say, rich } = tr;
  const { log, level, text, follow, info, total, blocks, error, diagnostics, wrap, copied } = useLogs();
  // A small window keeps its height for the log: the file's path shows with the folded tools.
  const small = useSmallWindow();
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

  // Before the view is painted: Escape pressed as soon as it shows leaves it.
  useLayoutEffect(() => {
    heading.current?.focus();
    // Escape leaves the logs view from anywhere in it, except where it first clears a typed filter.
    const onEscape = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      const target = event.target;
      if (target instanceof HTMLInputElement && target.type === 'search' && target.value !== '') return;
      closeLogs();
    };
    document.addEventListener('keydown', onEscape);
    // Scrolling by wheel stops following. Passive, so that the wheel never waits for this page: Preact adds a
    // listener as it is given (React makes wheel listeners passive).
    const lines = scroller.current;
    const stopFollowing = (): void => setFollow(false);
    lines?.addEventListener('wheel', stopFollowing, { passive: true });
    return () => {
      document.removeEventListener('keydown', onEscape);
      lines?.removeEventListener('wheel', stopFollowing);
    };
  }, []);
  // Before the paint, as the two below: no frame shows stale row heights or the wrong end of the log.
  useLayoutEffect(() => {
    // Wrapped rows have their own heights: measured as they render, and forgotten when wrapping stops.
    virtualizer.measure();
  }, [wrap, virtualizer]);
  useEffect(() => {
    void ensureLogLines(firstVisible, lastVisible);
  }, [firstVisible, lastVisible, total, blocks]);
  useLayoutEffect(() => {
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
      <LogToolbar
        onRunChosen={(line) => {
          if (!filtered) virtualizer.scrollToIndex(line, { align: 'start' });
        }}
      />
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
      {info && !small ? (
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
