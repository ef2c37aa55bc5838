import { formatBytes } from '../../shared/format';
import type { HostResult, PushEvent, PushStep } from '../../shared/push-events';
import type { ConsoleStreams, OutputMode } from './cli-output';

// How a push looks on the console: one JSON event per line (--json), a live table with a row a server on
// a terminal, plain lines when piped.

interface Row {
  host: string;
  os: string;
  step: PushStep | '';
  progress: string;
  status: string;
}

export class PushConsole {
  private readonly rows = new Map<string, Row>();
  private drawn = 0;

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
      if (event.type !== 'result') this.draw();
      else this.summary(event.hosts);
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

  private draw(): void {
    const width = this.streams.stdout.columns ?? 120;
    const lines = [...this.rows.values()].map((r) =>
      `${r.host.padEnd(24).slice(0, 24)} ${r.os.padEnd(28).slice(0, 28)} ${r.step.padEnd(9)} ${r.status.padEnd(10)} ${r.progress}`.slice(
        0,
        width - 1,
      ),
    );
    const up = this.drawn > 0 ? `\u001b[${this.drawn}F` : '';
    this.streams.stdout.write(`${up}${lines.map((line) => `\u001b[2K${line}`).join('\n')}\n`);
    this.drawn = lines.length;
  }

  private summary(hosts: readonly HostResult[]): void {
    for (const host of hosts.filter((h) => h.error)) {
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
