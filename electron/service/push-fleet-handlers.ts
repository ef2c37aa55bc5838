import * as path from 'node:path';
import { setupError, type SetupError } from '../../shared/error-catalog';
import type { FleetRow } from '../../shared/fleet-status';
import type { FleetStatusRequest, InventoryRequest, InventoryServers } from '../../shared/ipc-contract';
import { InventoryError, parseInventory, type InventoryHost } from '../engine/push/ansible-inventory';
import { applyLimit, LimitError } from '../engine/push/inventory-limit';
import { IpcError, type InvokeHandlers } from './ipc-dispatch';
import type { CliRuntime } from './job-launcher';
import { spawnPushCli } from './push-child';
import { invalid, loginArguments } from './push-request-checks';

// The wizard's fleet view and its inventories: push-install --status (the same code an admin runs, in an
// unprivileged child) for what each server has, and an Ansible inventory the admin loaded in the page, read
// with the push CLI's own reader and --limit, turned into the servers field's lines.

export type FleetChannel = 'push:fleet-status' | 'push:read-inventory';
export type FleetHandlers = { readonly [C in FleetChannel]: InvokeHandlers[C] };

export interface FleetHandlerDeps {
  readonly runtime: CliRuntime;
  readonly script: string;
  readonly repository: string;
  readonly knownHosts: string;
}

/** The servers field holds at most this many lines (as the page and push:check-servers do). */
const MAX_SERVERS = 1000;

function isFleetRow(value: Record<string, unknown>, hosts: readonly string[]): boolean {
  return (
    value.type === 'server-status' &&
    typeof value.host === 'string' &&
    hosts.includes(value.host) &&
    typeof value.reachable === 'boolean' &&
    typeof value.installed === 'boolean'
  );
}

/** A server line as push:check-servers reads it: [user@]host[:port] (IPv6 in brackets when a port follows). */
function serverLine(host: InventoryHost): string {
  const address = host.address ?? host.name;
  const bracketed = host.port !== undefined && address.includes(':') ? `[${address}]` : address;
  const line = `${host.user !== undefined ? `${host.user}@` : ''}${bracketed}${host.port !== undefined ? `:${host.port}` : ''}`;
  return address === host.name ? line : `${line}  # ${host.name}`;
}

export function readInventory(request: InventoryRequest): InventoryServers {
  const limit = request.limit.trim();
  // A regular expression from the page would run in main: admins who need one have push-install --limit.
  if (limit.startsWith('~') || limit.includes(':~') || limit.includes(',~'))
    throw invalid(`the limit "${limit}" uses a regular expression (~), which only push-install --limit takes`);
  const name = path.basename(request.name) || 'inventory';
  let hosts: readonly InventoryHost[];
  try {
    const inventory = parseInventory(request.text, name);
    hosts = limit === '' ? inventory.hosts : applyLimit(inventory, limit);
  } catch (error) {
    if (!(error instanceof InventoryError) && !(error instanceof LimitError)) throw error;
    throw new IpcError(
      setupError(
        'INVALID_ARGUMENT',
        error.message,
        error instanceof LimitError
          ? 'Correct the limit: host or group names of the inventory, separated by ":", "!" to exclude.'
          : 'Correct the inventory at that line, or load another file.',
      ),
    );
  }
  if (hosts.length === 0) throw invalid(`no server in ${name}${limit !== '' ? ` matches the limit "${limit}"` : ''}`);
  if (hosts.length > MAX_SERVERS)
    throw new IpcError(
      setupError(
        'INVALID_ARGUMENT',
        `${name} names ${hosts.length} servers; the wizard pushes to at most ${MAX_SERVERS} at once`,
        'Narrow it with a limit (a group name), or use push-install --inventory for the whole fleet.',
      ),
    );
  return {
    lines: hosts.map(serverLine),
    ownKeys: hosts.filter((host) => host.privateKeyFile !== undefined).map((host) => host.name),
  };
}

export function createFleetHandlers(deps: FleetHandlerDeps): FleetHandlers {
  return {
    'push:read-inventory': async (request) => readInventory(request),
    'push:fleet-status': async (request: FleetStatusRequest) => {
      const login = loginArguments(request, deps.knownHosts);
      const rows = new Map<string, FleetRow>();
      let failure: SetupError | undefined;
      try {
        const child = spawnPushCli(
          deps.runtime,
          deps.script,
          ['--status', '--json', ...login.args, `--repository=${deps.repository}`, `--parallel=${request.parallel}`],
          {
            onLine: (value) => {
              if (isFleetRow(value, login.hosts)) {
                const { type: _type, ...row } = value;
                rows.set(value.host as string, row as unknown as FleetRow);
              } else if (value.type === 'result' && value.error) failure = value.error as SetupError;
            },
          },
        );
        const { why, stderrTail } = await child.done;
        if (failure) throw new IpcError(failure);
        const missing = login.hosts.filter((host) => !rows.has(host));
        if (missing.length > 0)
          throw new IpcError(
            setupError(
              'INSTALL_FAILED',
              `the status read stopped (${why}) before ${missing.length} server(s) answered${stderrTail ? `: ${stderrTail.split('\n').slice(-3).join(' ')}` : ''}`,
            ),
          );
        return login.hosts.map((host) => rows.get(host) as FleetRow);
      } finally {
        login.dispose();
      }
    },
  };
}
