import { csvField } from '../../shared/csv';
import type { HostResult } from '../../shared/push-events';

export { csvField } from '../../shared/csv';

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
