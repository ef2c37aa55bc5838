import type { SetupError } from './error-catalog';

// push-install --status: one row a server (the CLI's --json lines and the wizard's fleet table), and the filters
// admins ask of a fleet.

export interface FleetRow {
  /** The server as the admin named it. */
  readonly host: string;
  readonly address: string;
  readonly reachable: boolean;
  /** Where the answer came from: the agent's own --status, /usr/local/.vx_version, or nothing installed. */
  readonly source: 'agent' | 'vx_version' | 'none';
  readonly osLabel: string | null;
  readonly installed: boolean;
  readonly agentVersion: string | null;
  readonly installLocation: string | null;
  readonly role: string | null;
  readonly platform: string | null;
  readonly registration: { readonly csEndpoint: string; readonly hostId: string } | null;
  readonly service: 'active' | 'inactive' | 'absent' | 'unknown';
  readonly lastResult: { readonly status: string; readonly time: string } | null;
  /** The repository's version for the server's OS, when a repository was given. */
  readonly latestVersion: string | null;
  readonly outdated: boolean;
  /** Why the server could not be read. */
  readonly error: SetupError | null;
}

export const FLEET_FILTERS = ['not-installed', 'outdated', 'not-registered', 'service-down', 'unreachable'] as const;
export type FleetFilter = (typeof FLEET_FILTERS)[number];

/** Whether a row is one the filter asks for. */
export function matchesFleetFilter(row: FleetRow, filter: FleetFilter): boolean {
  switch (filter) {
    case 'not-installed':
      return row.reachable && !row.installed;
    case 'outdated':
      return row.reachable && row.installed && row.outdated;
    case 'not-registered':
      return row.reachable && row.installed && row.registration === null;
    case 'service-down':
      return row.reachable && row.installed && row.service !== 'active' && row.service !== 'unknown';
    case 'unreachable':
      return !row.reachable;
    default: {
      const unreachable: never = filter;
      return unreachable;
    }
  }
}
