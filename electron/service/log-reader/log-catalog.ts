import type { EventChannels, LogInfo, LogName, LogQuery, LogWindow } from '../../../shared/ipc-contract';
import { copyLog, type LogCopy } from './log-copy';
import { LogIndex } from './log-index';

// The Logs view's reader for the setup logs: one index per named log, refreshed on each request and polled
// while the view watches. The renderer names a log; it never hands main a path.

export type LogChange = EventChannels['logs:changed'];

export class LogCatalog {
  private readonly indexes: ReadonlyMap<LogName, LogIndex>;
  private readonly listeners = new Set<(change: LogChange) => void>();
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(files: Readonly<Partial<Record<LogName, string>>>, options: { pollMs?: number } = {}) {
    this.indexes = new Map(
      (Object.keys(files) as LogName[]).map((name) => [name, new LogIndex(files[name] as string, name)]),
    );
    this.pollMs = options.pollMs ?? 250;
  }

  info(log: LogName): LogInfo {
    const index = this.index(log);
    index.refresh();
    return index.info();
  }

  read(query: LogQuery, first: number, count: number): LogWindow {
    const index = this.index(query.log);
    index.refresh();
    return index.read({ level: query.level, text: query.text }, first, count);
  }

  /** The whole log, or the run whose header is line `run`, under the query's filter, read from the file. */
  copy(query: LogQuery, run: number | null): LogCopy {
    return copyLog(this.index(query.log), query, run);
  }

  /** Polls (fs.stat every pollMs, default 250) and calls listener with {log, size, lineCount} when a log grew/changed. Returns unsubscribe; polling stops when no listeners. */
  watch(listener: (change: LogChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      // No quiet refresh here: growth since the view's last info() would be absorbed and never reported.
      this.timer = setInterval(() => this.poll(), this.pollMs);
      // Watching must never be what keeps a process (a CLI, a test run) alive.
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  dispose(): void {
    this.listeners.clear();
    this.stop();
  }

  private index(log: LogName): LogIndex {
    const index = this.indexes.get(log);
    if (!index) throw new Error(`unknown log "${log}"`);
    return index;
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private refreshQuietly(index: LogIndex): boolean {
    try {
      return index.refresh();
    } catch {
      // An unreadable log (permissions, I/O error) must not take down the main process from a timer;
      // info() and read() still report the error to the view.
      return false;
    }
  }

  private poll(): void {
    for (const index of this.indexes.values()) {
      if (!this.refreshQuietly(index)) continue;
      const { size, lineCount } = index.info();
      for (const listener of [...this.listeners]) listener({ log: index.name, size, lineCount });
    }
  }
}
