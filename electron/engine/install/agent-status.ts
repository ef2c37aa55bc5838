import * as fs from 'node:fs';
import { readInstallRecord, RecordError } from './install-record';
import { readRegistrationStatus } from '../registration/registration-store';
import type { ProcessRunner } from '../system/process-runner';
import { scrubbedEnv } from '../system/process-runner';
import type { SystemLayout } from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import { serviceBackend } from './service-registration';
import { initScriptPath } from './sysv-init-script';

// What is installed, for deployment tools (`--status --json`) and admins: from the install record, the
// registration's public status and, on a live system, the service manager. Read-only, no privileges needed
// except to ask the service manager.

export interface AgentStatus {
  readonly type: 'status';
  readonly installed: boolean;
  readonly agentVersion: string | null;
  readonly installLocation: string | null;
  readonly role: string | null;
  readonly platform: string | null;
  readonly registration: { readonly csEndpoint: string; readonly hostId: string; readonly registeredAt: string } | null;
  readonly service: 'active' | 'inactive' | 'absent' | 'unknown';
  readonly lastResult: { readonly status: string; readonly time: string } | null;
}

export class StatusError extends Error {}

/** What --status says where no agent is installed. */
export const NOT_INSTALLED: AgentStatus = {
  type: 'status',
  installed: false,
  agentVersion: null,
  installLocation: null,
  role: null,
  platform: null,
  registration: null,
  service: 'absent',
  lastResult: null,
};

export async function readAgentStatus(
  layout: SystemLayout,
  probe: SystemProbe,
  runner: ProcessRunner,
): Promise<AgentStatus> {
  let record;
  try {
    record = readInstallRecord(layout.recordFile);
  } catch (error) {
    if (error instanceof RecordError) throw new StatusError(error.message);
    throw error;
  }
  if (!record) return NOT_INSTALLED;
  const registration = readRegistrationStatus(layout.hostPath(record.installLocation));
  return {
    type: 'status',
    installed: true,
    agentVersion: record.agentVersion,
    installLocation: record.installLocation,
    role: record.role,
    platform: record.platform,
    registration: registration
      ? { csEndpoint: registration.csEndpoint, hostId: registration.hostId, registeredAt: registration.registeredAt }
      : null,
    service: record.serviceName ? await agentServiceState(layout, probe, runner, record.serviceName) : 'absent',
    lastResult: { status: record.status, time: record.installedAt },
  };
}

/** The service's state as its service manager says (unknown under --root, where nothing runs). */
export async function agentServiceState(
  layout: SystemLayout,
  probe: SystemProbe,
  runner: ProcessRunner,
  name: string,
): Promise<AgentStatus['service']> {
  // Under --root nothing runs that could be asked.
  if (!layout.liveRoot) return 'unknown';
  const backend = serviceBackend(layout, probe);
  let command: string;
  let args: string[];
  switch (backend) {
    case 'windows':
      [command, args] = ['sc.exe', ['query', name]];
      break;
    case 'systemd':
      [command, args] = ['systemctl', ['is-active', '--quiet', `${name}.service`]];
      break;
    case 'sysv':
      [command, args] = [initScriptPath(layout, name), ['status']];
      if (!fs.existsSync(command)) return 'absent';
      break;
    default: {
      const unreachable: never = backend;
      return unreachable;
    }
  }
  let output = '';
  const outcome = await runner.run(command, args, {
    cwd: layout.root,
    env: scrubbedEnv({}),
    timeoutMs: 30_000,
    onOutput: (line) => (output += `${line}\n`),
  });
  if (outcome.kind !== 'exited') return 'unknown';
  if (backend === 'windows') {
    // sc query: 1060 is "no such service"; otherwise its STATE says.
    if (outcome.code === 1060) return 'absent';
    if (outcome.code !== 0) return 'unknown';
    return /STATE\s*:\s*\d+\s+(RUNNING|START_PENDING)/i.test(output) ? 'active' : 'inactive';
  }
  // systemctl is-active: 0 or not; an LSB status: 0 running, 1-3 stopped (dead or not running), 4 unknown.
  if (outcome.code === 0) return 'active';
  return backend === 'sysv' && outcome.code > 3 ? 'unknown' : 'inactive';
}
