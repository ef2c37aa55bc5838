import { describe, expect, it } from 'vitest';
import type { FleetRow } from '../../shared/fleet-status';
import { writeFleetStatus, type FleetFormat } from './fleet-status-output';

const row = (host: string, over: Partial<FleetRow> = {}): FleetRow => ({
  host,
  address: `${host}:22`,
  reachable: true,
  source: 'agent',
  osLabel: 'DEBIAN12-64',
  installed: true,
  agentVersion: '9.61.0.0',
  installLocation: '/usr/local/ASR',
  role: 'MS',
  platform: 'VmWare',
  registration: { csEndpoint: '10.0.0.5:443', hostId: 'h-1' },
  service: 'active',
  lastResult: { status: 'Succeeded', time: '2026-12-05T12:00:00Z' },
  latestVersion: '9.61.0.0',
  outdated: false,
  error: null,
  ...over,
});

function print(rows: readonly FleetRow[], format: FleetFormat, columns = 120): { out: string; err: string } {
  let out = '';
  let err = '';
  writeFleetStatus(rows, format, {
    stdout: { write: (text: string) => (out += text), isTTY: format === 'tty', columns },
    stderr: { write: (text: string) => (err += text) },
  });
  return { out, err };
}

describe('push-install --status output', () => {
  it('CSV: a header, a row a server, quoting where needed, and no cell a spreadsheet would run as a formula', () => {
    const { out } = print([row('web,1'), row('=cmd|calc', { registration: null, service: 'inactive' })], 'csv');
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]?.startsWith('"web,1","web,1:22",true,DEBIAN12-64,true,9.61.0.0')).toBe(true);
    expect(lines[2]?.startsWith("'=cmd|calc,")).toBe(true);
  });

  it('plain: a line a server saying what it has, then the counts admins filter by', () => {
    const { out } = print(
      [
        row('a'),
        row('b', { agentVersion: '9.60.0.0', outdated: true, registration: null }),
        row('c', { installed: false, agentVersion: null, registration: null, service: 'absent' }),
        row('d', {
          reachable: false,
          error: { code: 'PUSH_UNREACHABLE', message: 'd: no route', remedy: 'x' } as FleetRow['error'],
        }),
      ],
      'plain',
    );
    expect(out).toContain('a: agent 9.61.0.0, MS VmWare, registered with 10.0.0.5:443 (host id h-1), service active');
    expect(out).toContain('b: agent 9.60.0.0 (outdated: 9.61.0.0 in the repository), MS VmWare, not registered');
    expect(out).toContain('c: no agent installed (DEBIAN12-64)');
    expect(out).toContain('d: unreachable: PUSH_UNREACHABLE: d: no route');
    expect(out).toContain('4 server(s): 1 not-installed, 1 outdated, 1 not-registered, 0 service-down, 1 unreachable');
  });

  it('a terminal table fits the width, one line a server, and says why a server was unreachable on stderr', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(`server-${i}`));
    const { out } = print(
      [
        ...rows,
        row('gone', {
          reachable: false,
          error: { code: 'PUSH_UNREACHABLE', message: 'gone: timed out', remedy: 'check it' } as FleetRow['error'],
        }),
      ],
      'tty',
      60,
    );
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(1003);
    // The table's lines (all but the summary) are cut to the terminal's width.
    expect(Math.max(...lines.slice(0, -1).map((line) => line.length))).toBeLessThanOrEqual(59);
    expect(
      print(
        [
          row('gone', {
            reachable: false,
            error: { code: 'PUSH_UNREACHABLE', message: 'gone: timed out', remedy: 'check it' } as FleetRow['error'],
          }),
        ],
        'tty',
      ).err,
    ).toContain('gone: timed out\n  Remedy: check it');
  });

  it('JSON: one server-status object a line', () => {
    const { out } = print([row('a'), row('b')], 'json');
    expect(
      out
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { type: string; host: string }).host),
    ).toEqual(['a', 'b']);
  });
});
