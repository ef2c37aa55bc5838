import { create } from 'zustand';
import type { SetupError } from '../../shared/error-catalog';
import type { FleetFilter, FleetRow } from '../../shared/fleet-status';

// The fleet view's slice: push-install --status for the servers on the servers page, and the filter the admin
// narrowed it to. Loaded with the push pages only.

export type FleetState =
  | { readonly status: 'idle' }
  | { readonly status: 'reading'; readonly hosts: readonly string[] }
  | { readonly status: 'done'; readonly rows: readonly FleetRow[] }
  | { readonly status: 'error'; readonly error: SetupError };

interface FleetSlice {
  readonly fleet: FleetState;
  readonly filter: FleetFilter | 'all';
}

const fleetInitial: FleetSlice = { fleet: { status: 'idle' }, filter: 'all' };
export const useFleet = create<FleetSlice>(() => fleetInitial);

/** Tests start every case from a clean slate. */
export function resetFleetStore(): void {
  useFleet.setState(fleetInitial, true);
}
