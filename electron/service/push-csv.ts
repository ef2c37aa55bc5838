import type { HostResult } from '../../shared/push-events';

// A push's results as CSV (RFC 4180): one row a server, for the admin's records or a spreadsheet.

export const PUSH_CSV_COLUMNS = [
  'host',
  'status',
  'osLabel',
  'agentVersion',
  'hostId',
  'errorCode',
  'errorMessage',
] as const;

/** A field quoted when it holds a comma, a quote, a line break or edge spaces; quotes doubled inside. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function pushResultsCsv(hosts: readonly HostResult[]): string {
  const rows = hosts.map((host) => [
    host.host,
    host.status,
    host.osLabel ?? '',
    host.agentVersion ?? '',
    host.hostId ?? '',
    host.error?.code ?? '',
    host.error?.message ?? '',
  ]);
  return [[...PUSH_CSV_COLUMNS], ...rows].map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
