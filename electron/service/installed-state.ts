import type { AppState } from '../../shared/ipc-contract';
import { agentServiceState } from '../engine/install/agent-status';
import { readInstallRecord, type InstallRecord } from '../engine/install/install-record';
import { readRegistrationStatus } from '../engine/registration/registration-store';
import type { ProcessRunner } from '../engine/system/process-runner';
import type { SystemLayout } from '../engine/system/system-layout';
import type { SystemProbe } from '../engine/system/system-probe';

// What is installed and where it is registered, as the unprivileged wizard may see it: the install record
// and the registration's public status (the 0600 registration record stays unread).

type InstalledState = Pick<AppState, 'installed' | 'registration'>;

function readRecord(layout: SystemLayout): InstallRecord | undefined {
  try {
    return readInstallRecord(layout.recordFile);
  } catch {
    return undefined;
  }
}

function stateOf(record: InstallRecord | undefined, layout: SystemLayout): InstalledState {
  if (!record) return { installed: null, registration: null };
  const registration = readRegistrationStatus(layout.hostPath(record.installLocation));
  return {
    installed: {
      agentVersion: record.agentVersion,
      installLocation: record.installLocation,
      role: record.role,
      platform: record.platform,
      status: record.status,
    },
    registration: registration
      ? {
          csEndpoint: registration.csEndpoint,
          hostId: registration.hostId,
          registeredAt: registration.registeredAt,
          fingerprint: registration.fingerprint,
        }
      : null,
  };
}

export function readInstalledState(layout: SystemLayout): InstalledState {
  return stateOf(readRecord(layout), layout);
}

/**
 * The same with the service's state as --status reads it (unknown when the service manager cannot be asked),
 * from one read of the install record.
 */
export async function readInstalledStateWithService(
  layout: SystemLayout,
  probe: SystemProbe,
  runner: ProcessRunner,
): Promise<InstalledState> {
  const record = readRecord(layout);
  const state = stateOf(record, layout);
  if (!record || !state.installed) return state;
  const service = record.serviceName
    ? await agentServiceState(layout, probe, runner, record.serviceName).catch(() => 'unknown' as const)
    : 'absent';
  return { ...state, installed: { ...state.installed, service } };
}
