import * as path from 'node:path';
import * as z from 'zod/mini';
import { AGENT_PLATFORMS, ROLES } from '../../../shared/agent-kinds';
import { setupError } from '../../../shared/error-catalog';
import { readInstallRecord, RecordError, type InstallRecord } from '../install/install-record';
import { JobFailure } from '../install/job-failure';
import { readJsonIfPresent } from '../system/atomic-file';
import { AGENT_CONFIG_FILE, type SystemLayout } from '../system/system-layout';

// The installed agent a registration is for: its location (as asked, as recorded, or the default) and the
// agent configuration the install wrote there.

export interface Installation {
  readonly location: string;
  readonly hostLocation: string;
  readonly record: InstallRecord | undefined;
  readonly config: z.infer<typeof agentConfigSchema>;
}

const agentConfigSchema = z.object({
  role: z.enum(ROLES),
  platform: z.enum(AGENT_PLATFORMS),
  agentVersion: z.string(),
  osLabel: z.string(),
});

export function findInstallation(layout: SystemLayout, requested: string | undefined): Installation {
  let record: InstallRecord | undefined;
  try {
    record = readInstallRecord(layout.recordFile);
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
  }
  const location = requested ?? record?.installLocation ?? layout.defaultInstallLocation;
  const hostLocation = layout.hostPath(location);
  let config: Installation['config'] | undefined;
  try {
    const parsed = agentConfigSchema.safeParse(readJsonIfPresent(path.join(hostLocation, AGENT_CONFIG_FILE)));
    if (parsed.success) config = parsed.data;
  } catch {
    config = undefined;
  }
  if (!config) {
    const hint = record && record.installLocation !== location ? `; it is installed at ${record.installLocation}` : '';
    throw new JobFailure(setupError('NOT_INSTALLED', `no Mobility service installation at ${location}${hint}`));
  }
  return { location, hostLocation, record: record?.installLocation === location ? record : undefined, config };
}
