import type { EventChannels, LogLevelFilter, LogName, LogQuery } from '../../shared/ipc-contract';
import { message } from '../i18n/message';
import { errorOf, setupApi } from '../setup-api';
import { BLOCK_LINES, useLogs, useWizard } from './stores';

// The logs view's actions: the query (log, level, text), the 200-line blocks it loads as rows scroll in,
// the live tail, and what the toolbar does.

let textTimer: ReturnType<typeof setTimeout> | undefined;

export function stopLogTimers(): void {
  clearTimeout(textTimer);
}

function currentQuery(): LogQuery {
  const { log, level, text } = useLogs.getState();
  return { log, level, text };
}

/** Opens the logs view, on a named log and with a text filter when given (a pushed server's lines). */
export async function openLogs(log?: LogName, text?: string): Promise<void> {
  useWizard.setState({ logsOpen: true });
  if (log) useLogs.setState({ log });
  if (text !== undefined) useLogs.setState({ text, follow: true });
  await reloadLog();
}

export function closeLogs(): void {
  useWizard.setState({ logsOpen: false });
}

export async function reloadLog(): Promise<void> {
  const generation = useLogs.getState().generation + 1;
  useLogs.setState({ generation, blocks: new Map(), error: undefined });
  try {
    const api = setupApi();
    const query = currentQuery();
    const info = await api.logInfo(query.log);
    // The tail is what an admin looks at first: fetch the last block before anything else.
    const { total } = await api.readLog(query, 0, 1);
    const lastBlock = Math.max(0, Math.floor((total - 1) / BLOCK_LINES));
    const window = await api.readLog(query, lastBlock * BLOCK_LINES, BLOCK_LINES);
    if (useLogs.getState().generation !== generation) return;
    useLogs.setState({ info, total: window.total, blocks: new Map([[lastBlock, window.lines]]) });
  } catch (error) {
    if (useLogs.getState().generation === generation) useLogs.setState({ error: errorOf(error) });
  }
}

const inFlight = new Set<string>();

/** Makes sure the lines first..last (inclusive) are loaded, a block at a time. */
export async function ensureLogLines(first: number, last: number): Promise<void> {
  const { generation, blocks, total } = useLogs.getState();
  if (total === 0) return;
  const api = setupApi();
  const query = currentQuery();
  for (
    let block = Math.floor(first / BLOCK_LINES);
    block <= Math.floor(Math.min(last, total - 1) / BLOCK_LINES);
    block++
  ) {
    const key = `${generation}:${block}`;
    if (blocks.has(block) || inFlight.has(key)) continue;
    inFlight.add(key);
    void api
      .readLog(query, block * BLOCK_LINES, BLOCK_LINES)
      .then((window) => {
        const state = useLogs.getState();
        if (state.generation !== generation) return;
        const next = new Map(state.blocks);
        next.set(block, window.lines);
        useLogs.setState({ blocks: next, total: window.total });
      })
      .catch((error: unknown) => useLogs.setState({ error: errorOf(error) }))
      .finally(() => inFlight.delete(key));
  }
}

export function selectLog(log: LogName): void {
  // A run belongs to one log: another log starts with the whole of it.
  useLogs.setState({ log, follow: true, run: null, copied: undefined });
  void reloadLog();
}

export function setLogLevel(level: LogLevelFilter): void {
  // What Copy said was of the lines under the old filter.
  useLogs.setState({ level, copied: undefined });
  void reloadLog();
}

export function setLogText(text: string): void {
  useLogs.setState({ text, copied: undefined });
  clearTimeout(textTimer);
  textTimer = setTimeout(() => void reloadLog(), 250);
}

export function setFollow(follow: boolean): void {
  // Called on every wheel tick: an unchanged value re-renders nothing.
  if (useLogs.getState().follow !== follow) useLogs.setState({ follow });
}

export function onLogChanged(payload: EventChannels['logs:changed']): void {
  const state = useLogs.getState();
  if (!useWizard.getState().logsOpen || payload.log !== state.log) return;
  // The last block may have grown: drop it and fetch the new tail; the total comes back with it.
  const lastBlock = Math.max(0, Math.floor((state.total - 1) / BLOCK_LINES));
  const blocks = new Map(state.blocks);
  blocks.delete(lastBlock);
  useLogs.setState({ blocks });
  const generation = state.generation;
  const api = setupApi();
  // The file may have just appeared, and a new run may have started: the summary and run list refresh too.
  void api
    .logInfo(state.log)
    .then((info) => {
      if (useLogs.getState().generation === generation) useLogs.setState({ info });
    })
    .catch(() => undefined);
  void api
    .readLog(currentQuery(), lastBlock * BLOCK_LINES, BLOCK_LINES)
    .then((window) => {
      if (useLogs.getState().generation !== generation) return;
      const next = new Map(useLogs.getState().blocks);
      next.set(lastBlock, window.lines);
      useLogs.setState({ blocks: next, total: window.total });
    })
    .catch(() => undefined);
}

export async function openLogFolder(): Promise<void> {
  await setupApi().openLogFolder(useLogs.getState().log);
}

/** The run Copy copies (its header's line), or null for the whole log. */
export function selectRun(run: number | null): void {
  useLogs.setState({ run, copied: undefined });
  if (run !== null) useLogs.setState({ follow: false });
}

export function setWrapLines(wrap: boolean): void {
  useLogs.setState({ wrap });
}

/** Copy: main reads the whole log (or the chosen run) under the view's filter and puts it on the clipboard. */
export async function copyLog(): Promise<void> {
  const { log, level, text, run } = useLogs.getState();
  useLogs.setState({ copied: message('logs.copying') });
  try {
    const answer = await setupApi().copyLog({ log, level, text }, run);
    if (answer.kind === 'too-large') {
      // Not a failure: the lines are more than the clipboard takes, and the view says what to do instead.
      useLogs.setState({
        copied: message('logs.copy.tooLarge', { megabytes: answer.megabytes, max: answer.maxMegabytes }),
      });
      return;
    }
    const { lines } = answer;
    useLogs.setState({
      copied:
        lines === 0
          ? message('logs.copy.nothing')
          : message('logs.copy.done', {
              lines,
              scope: run === null ? 'log' : 'run',
              filtered: level !== 'all' || text !== '' ? 'yes' : 'no',
            }),
    });
  } catch (error) {
    useLogs.setState({ copied: undefined, error: errorOf(error) });
  }
}
