import { csvField } from '../../shared/csv';
import { FLEET_FILTERS, matchesFleetFilter, type FleetRow } from '../../shared/fleet-status';
import type { ConsoleStreams } from './cli-output';

// push-install --status on the console: a table on a terminal, a line a server when piped, one JSON object a
// line (--json), or CSV with a header (--csv) for a spreadsheet. The summary counts what admins filter by.

export type FleetFormat = 'tty' | 'plain' | 'json' | 'csv';

const CSV_COLUMNS = [
  'host',
  'address',
  'reachable',
  'os_label',
  'installed',
  'agent_version',
  'latest_version',
  'outdated',
  'role',
  'platform',
  'cs_endpoint',
  'host_id',
  'service',
  'last_result',
  'last_result_time',
  'source',
  'error_code',
  'error_message',
] as const;

function csvLine(row: FleetRow): string {
  const values: Record<(typeof CSV_COLUMNS)[number], string | boolean | null> = {
    host: row.host,
    address: row.address,
    reachable: row.reachable,
    os_label: row.osLabel,
    installed: row.installed,
    agent_version: row.agentVersion,
    latest_version: row.latestVersion,
    outdated: row.outdated,
    role: row.role,
    platform: row.platform,
    cs_endpoint: row.registration?.csEndpoint ?? null,
    host_id: row.registration?.hostId ?? null,
    service: row.service,
    last_result: row.lastResult?.status ?? null,
    last_result_time: row.lastResult?.time ?? null,
    source: row.source,
    error_code: row.error?.code ?? null,
    error_message: row.error?.message ?? null,
  };
  return CSV_COLUMNS.map((column) => csvField(values[column])).join(',');
}

function describe(row: FleetRow): string {
  if (!row.reachable) return `unreachable: ${row.error?.code ?? ''}: ${row.error?.message ?? ''}`;
  if (!row.installed) return `no agent installed${row.osLabel ? ` (${row.osLabel})` : ''}`;
  const version = `agent ${row.agentVersion ?? '?'}${row.outdated ? ` (outdated: ${row.latestVersion} in the repository)` : ''}`;
  const registration = row.registration
    ? `registered with ${row.registration.csEndpoint} (host id ${row.registration.hostId})`
    : 'not registered';
  const last = row.lastResult ? `, last setup ${row.lastResult.status} at ${row.lastResult.time}` : '';
  return `${version}, ${row.role ?? '?'} ${row.platform ?? '?'}, ${registration}, service ${row.service}${last}`;
}

function summary(rows: readonly FleetRow[]): string {
  const counts = FLEET_FILTERS.map(
    (filter) => `${rows.filter((row) => matchesFleetFilter(row, filter)).length} ${filter}`,
  );
  return `${rows.length} server(s): ${counts.join(', ')}`;
}

function table(rows: readonly FleetRow[], width: number): string[] {
  const header = ['SERVER', 'OS', 'VERSION', 'CS', 'SERVICE', 'LAST SETUP'];
  const cells = rows.map((row) =>
    row.reachable
      ? [
          row.host,
          row.osLabel ?? '?',
          row.installed ? `${row.agentVersion ?? '?'}${row.outdated ? ' (old)' : ''}` : 'not installed',
          row.registration?.csEndpoint ?? (row.installed ? 'not registered' : ''),
          row.installed ? row.service : '',
          row.lastResult?.status ?? '',
        ]
      : [row.host, '', `unreachable: ${row.error?.code ?? ''}`, '', '', ''],
  );
  const widths = header.map((title, i) =>
    Math.min(32, Math.max(title.length, ...cells.map((c) => (c[i] ?? '').length))),
  );
  const line = (values: readonly string[]): string =>
    values
      .map((value, i) => value.slice(0, widths[i]).padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
      .slice(0, Math.max(20, width - 1));
  return [line(header), ...cells.map(line)];
}

export function writeFleetStatus(rows: readonly FleetRow[], format: FleetFormat, streams: ConsoleStreams): void {
  const out = (text: string): void => void streams.stdout.write(`${text}\n`);
  switch (format) {
    case 'json':
      for (const row of rows) out(JSON.stringify({ type: 'server-status', ...row }));
      return;
    case 'csv':
      out(CSV_COLUMNS.join(','));
      for (const row of rows) out(csvLine(row));
      return;
    case 'plain':
      for (const row of rows) out(`${row.host}: ${describe(row)}`);
      out(summary(rows));
      return;
    case 'tty':
      for (const text of table(rows, streams.stdout.columns ?? 120)) out(text);
      for (const row of rows.filter((r) => !r.reachable && r.error))
        streams.stderr.write(`${row.host}: ${row.error?.message ?? ''}\n  Remedy: ${row.error?.remedy ?? ''}\n`);
      out(summary(rows));
      return;
    default: {
      const unreachable: never = format;
      return unreachable;
    }
  }
}
