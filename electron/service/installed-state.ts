import type { AppState } from '../../shared/ipc-contract';
import { readInstallRecord } from '../engine/install/install-record';
import { readRegistrationStatus } from '../engine/registration/registration-store';
import type { SystemLayout } from '../engine/system/system-layout';

// What is installed and where it is registered, as the unprivileged wizard may see it: the install record
// and the registration's public status (the 0600 registration record stays unread).

export function readInstalledState(layout: SystemLayout): Pick<AppState, 'installed' | 'registration'> {
  let record;
  try {
    record = readInstallRecord(layout.recordFile);
  } catch {
    record = undefined;
  }
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
