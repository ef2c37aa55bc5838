import * as fs from 'node:fs';
import { writeFileAtomic } from '../system/atomic-file';
import type { SystemLayout } from '../system/system-layout';

// /usr/local/.vx_version as ASR writes it: key=value lines that Configuration Manager's documented scripts
// read to decide between install, configure and upgrade (AGENT_CONFIGURATION_STATUS=Succeeded once the
// agent is registered). Kept by install, configure and uninstall so the scripts admins already use work.

export const VX_VERSION_FILE = '/usr/local/.vx_version';

export interface VxVersion {
  readonly VERSION: string;
  readonly INSTALLATION_DIR: string;
  readonly ROLE: string;
  readonly PLATFORM: string;
  /** Succeeded once registered with a configuration server; NotConfigured before. */
  readonly AGENT_CONFIGURATION_STATUS: 'Succeeded' | 'NotConfigured';
  readonly CS_ENDPOINT?: string;
  readonly HOST_ID?: string;
}

export function vxVersionFile(layout: SystemLayout): string {
  return layout.hostPath(VX_VERSION_FILE);
}

export function writeVxVersion(layout: SystemLayout, fields: VxVersion): void {
  if (layout.platform === 'win32') return;
  const lines = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value).replace(/[\r\n]/g, ' ')}`);
  writeFileAtomic(vxVersionFile(layout), `${lines.join('\n')}\n`, 0o644);
}

export function readVxVersion(layout: SystemLayout): Partial<Record<keyof VxVersion, string>> | undefined {
  let text: string;
  try {
    text = fs.readFileSync(vxVersionFile(layout), 'utf8');
  } catch {
    return undefined;
  }
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

export function removeVxVersion(layout: SystemLayout): void {
  fs.rmSync(vxVersionFile(layout), { force: true });
}

/** After a commit or a registration: the installed agent as the record says, registered or not. */
export function recordVxVersion(
  layout: SystemLayout,
  agent: { agentVersion: string; installLocation: string; role: string; platform: string },
  registration: { csEndpoint: string; hostId: string } | undefined,
): void {
  writeVxVersion(layout, {
    VERSION: agent.agentVersion,
    INSTALLATION_DIR: agent.installLocation,
    ROLE: agent.role,
    PLATFORM: agent.platform,
    AGENT_CONFIGURATION_STATUS: registration ? 'Succeeded' : 'NotConfigured',
    ...(registration ? { CS_ENDPOINT: registration.csEndpoint, HOST_ID: registration.hostId } : {}),
  });
}
