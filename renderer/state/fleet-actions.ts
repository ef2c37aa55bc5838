import type { FleetStatusRequest } from '../../shared/ipc-contract';
import { matchesFleetFilter, type FleetFilter, type FleetRow } from '../../shared/fleet-status';
import { errorOf, setupApi } from '../setup-api';
import { goTo } from './actions';
import { useFleet } from './fleet-store';
import { pushRequest, pushTo, setPushForm } from './push-actions';
import { usePush } from './push-store';

// Inventories and the fleet view: an Ansible inventory loaded into the servers field (read by main with the
// push CLI's reader and --limit), and push-install --status for the servers whose keys the admin checked,
// filtered as admins ask of a fleet, with "Push to these".

let limitTimer: ReturnType<typeof setTimeout> | undefined;
let inventoryGeneration = 0;

/** Stops a pending limit read (tests; window unload). */
export function shutdownFleet(): void {
  clearTimeout(limitTimer);
}

async function readLoadedInventory(): Promise<void> {
  const inventory = usePush.getState().inventory;
  if (!inventory) return;
  const generation = ++inventoryGeneration;
  try {
    const answer = await setupApi().readInventory({
      name: inventory.name,
      text: inventory.text,
      limit: inventory.limit,
    });
    if (generation !== inventoryGeneration) return;
    usePush.setState((s) => ({
      inventory: s.inventory && { ...s.inventory, ownKeys: answer.ownKeys, error: undefined },
    }));
    setPushForm({ serversText: answer.lines.join('\n') });
  } catch (error) {
    if (generation !== inventoryGeneration) return;
    usePush.setState((s) => ({ inventory: s.inventory && { ...s.inventory, ownKeys: [], error: errorOf(error) } }));
  }
}

/** An Ansible inventory (INI or YAML) replaces the servers field with its servers. */
export async function loadInventoryFile(file: File): Promise<void> {
  const text = await file.text();
  usePush.setState({ inventory: { name: file.name, text, limit: '', ownKeys: [], error: undefined } });
  await readLoadedInventory();
}

/** --limit as Ansible reads it; read again once the admin pauses. */
export function setInventoryLimit(limit: string): void {
  usePush.setState((s) => ({ inventory: s.inventory && { ...s.inventory, limit } }));
  clearTimeout(limitTimer);
  limitTimer = setTimeout(() => void readLoadedInventory(), 250);
}

/** Back to servers typed by hand: the field keeps the inventory's lines. */
export function forgetInventory(): void {
  inventoryGeneration++;
  clearTimeout(limitTimer);
  usePush.setState({ inventory: undefined });
}

/** The fleet's status for the servers whose host keys are known or accepted (nothing is installed). */
export async function readFleetStatus(): Promise<void> {
  const { hostKeys } = usePush.getState();
  if (hostKeys.status !== 'done') return;
  const hosts = hostKeys.keys.filter((key) => !key.jumpHost).map((key) => key.host);
  const { hosts: _hosts, credentials, user, jump, acceptedHostKeys, parallel } = pushRequest(hosts);
  const request: FleetStatusRequest = { hosts, credentials, user, jump, acceptedHostKeys, parallel };
  useFleet.setState({ fleet: { status: 'reading', hosts }, filter: 'all' });
  goTo({ type: 'push-fleet-status' });
  try {
    const rows = await setupApi().fleetStatus(request);
    useFleet.setState({ fleet: { status: 'done', rows } });
  } catch (error) {
    useFleet.setState({ fleet: { status: 'error', error: errorOf(error) } });
  }
}

export function setFleetFilter(filter: FleetFilter | 'all'): void {
  useFleet.setState({ filter });
}

/** The rows the filter shows, in the order read. */
export function filteredRows(rows: readonly FleetRow[], filter: FleetFilter | 'all'): readonly FleetRow[] {
  return filter === 'all' ? rows : rows.filter((row) => matchesFleetFilter(row, filter));
}

/** A push to the servers the filter shows (unreachable ones cannot be pushed to, so they are left out). */
export async function pushToFiltered(): Promise<void> {
  const { fleet, filter } = useFleet.getState();
  if (fleet.status !== 'done') return;
  const hosts = filteredRows(fleet.rows, filter)
    .filter((row) => row.reachable)
    .map((row) => row.host);
  if (hosts.length > 0) await pushTo(hosts);
}
