import { formatBytes } from '../../shared/format';
import type { HostResult, PushEvent, PushStep } from '../../shared/push-events';
import type { ConsoleStreams, OutputMode } from './cli-output';

// How a push looks on the console: one JSON event per line (--json), a live table on a terminal, plain lines
// when piped. The live table fits the terminal whatever the fleet's size: a line of counts, then the servers
// running and the latest to fail or finish, as many as there are rows; redrawn at most ten times a second.

interface Row {
  host: string;
  os: string;
  step: PushStep | '';
  progress: string;
  status: string;
}

export class PushConsole {
  private readonly rows = new Map<string, Row>();
  /** Servers in the order they last changed, the latest last. */
  private readonly recent: string[] = [];
  private drawn = 0;
  private lastDraw = 0;
  private pending: NodeJS.Timeout | undefined;

  constructor(
    private readonly mode: OutputMode,
    private readonly streams: ConsoleStreams,
  ) {}

  event(event: PushEvent): void {
    if (this.mode === 'json') {
      this.streams.stdout.write(`${JSON.stringify(event)}\n`);
      return;
    }
    this.track(event);
    if (this.mode === 'tty') {
      if (event.type !== 'result') this.scheduleDraw();
      else {
        clearTimeout(this.pending);
        this.pending = undefined;
        this.draw();
        this.summary(event.hosts);
      }
      return;
    }
    const line = this.plainLine(event);
    if (line) this.streams.stdout.write(`${line}\n`);
  }

  private track(event: PushEvent): void {
    const row = (host: string): Row => {
      let found = this.rows.get(host);
      if (!found) {
        found = { host, os: '', step: '', progress: '', status: 'waiting' };
        this.rows.set(host, found);
      }
      if (event.type !== 'push-started' && this.recent[this.recent.length - 1] !== host) {
        const at = this.recent.indexOf(host);
        if (at !== -1) this.recent.splice(at, 1);
        this.recent.push(host);
      }
      return found;
    };
    switch (event.type) {
      case 'push-started':
        for (const host of event.hosts) row(host);
        return;
      case 'host-step': {
        const r = row(event.host);
        r.step = event.step;
        r.status = event.status === 'started' ? 'running' : event.status;
        if (event.step === 'detect' && event.status === 'Succeeded') r.os = event.message.replace(/;.*$/, '');
        return;
      }
      case 'host-progress': {
        const r = row(event.host);
        r.progress = `${Math.floor((event.bytesDone / Math.max(1, event.bytesTotal)) * 100)}% of ${formatBytes(event.bytesTotal)}`;
        return;
      }
      case 'host-job-event':
        if (event.event.type === 'step-started') row(event.host).progress = event.event.step.title;
        return;
      case 'host-result': {
        const r = row(event.result.host);
        r.status = event.result.status;
        r.progress = event.result.error ? event.result.error.code : '';
        return;
      }
      case 'result':
        return;
    }
  }

  private scheduleDraw(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.lastDraw + 100 - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.draw();
    }, wait);
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const width = this.streams.stdout.columns ?? 120;
    const height = Math.max(5, (this.streams.stdout.rows ?? 24) - 2);
    const counts = new Map<string, number>();
    for (const r of this.rows.values()) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    const header = `${this.rows.size} server(s): ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}`;
    // Running servers first, then the latest to change; all of them when they fit.
    const all = [...this.rows.values()];
    const shown =
      all.length < height
        ? all
        : [
            ...all.filter((r) => r.status === 'running'),
            ...this.recent
              .slice()
              .reverse()
              .map((host) => this.rows.get(host) as Row)
              .filter((r) => r.status !== 'running'),
          ].slice(0, height - 1);
    const lines = [
      header,
      ...shown.map(
        (r) =>
          `${r.host.padEnd(24).slice(0, 24)} ${r.os.padEnd(28).slice(0, 28)} ${r.step.padEnd(9)} ${r.status.padEnd(10)} ${r.progress}`,
      ),
    ].map((line) => line.slice(0, width - 1));
    const up = this.drawn > 0 ? `\u001b[${this.drawn}F` : '';
    const clearRest = lines.length < this.drawn ? '\u001b[J' : '';
    this.streams.stdout.write(`${up}${lines.map((line) => `\u001b[2K${line}`).join('\n')}\n${clearRest}`);
    this.drawn = lines.length;
  }

  private summary(hosts: readonly HostResult[]): void {
    const notStarted = hosts.filter((h) => h.status === 'NotStarted');
    if (notStarted[0]?.error)
      this.streams.stderr.write(
        `${notStarted.length} server(s) not started: ${notStarted[0].error.message.replace(/^[^:]*: not started: /, '')}\n  Remedy: ${notStarted[0].error.remedy}\n`,
      );
    for (const host of hosts.filter((h) => h.error && h.status !== 'NotStarted')) {
      const error = host.error as NonNullable<HostResult['error']>;
      this.streams.stderr.write(`${host.host}: ${error.code}: ${error.message}\n  Remedy: ${error.remedy}\n`);
    }
  }

  private plainLine(event: PushEvent): string | undefined {
    switch (event.type) {
      case 'push-started':
        return `Pushing to ${event.hosts.length} server(s); log: ${event.logFile}`;
      case 'host-step':
        return event.status === 'started'
          ? undefined
          : `${event.host}: ${event.step}: ${event.status}: ${event.message}`;
      case 'host-result': {
        const r = event.result;
        if (r.status === 'NotStarted' && r.error) return `${r.host}: Not started: ${r.error.message}`;
        return r.error
          ? `${r.host}: Failed at ${r.stoppedAt}: ${r.error.code}: ${r.error.message}\n  Remedy: ${r.error.remedy}`
          : `${r.host}: ${r.status}${r.agentVersion ? ` (agent ${r.agentVersion}${r.hostId ? `, host id ${r.hostId}` : ''})` : ''}`;
      }
      case 'result': {
        const counts = new Map<string, number>();
        for (const host of event.hosts) counts.set(host.status, (counts.get(host.status) ?? 0) + 1);
        return `${event.status}: ${[...counts].map(([status, n]) => `${n} ${status}`).join(', ')}`;
      }
      default:
        return undefined;
    }
  }
}
