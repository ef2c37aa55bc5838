import * as z from 'zod/mini';
import { readStateFile, writeFileAtomic } from '../system/atomic-file';
import { AGENT_PLATFORMS, ROLES } from '../../../shared/agent-kinds';

// What is installed, kept in /var/lib/ASRSetup/install-record.json. Writing it is the commit point of an
// install: a run whose transaction id is in the record has happened; any other was rolled back.

export const installRecordSchema = z.object({
  schema: z.literal(1),
  transactionId: z.string().check(z.minLength(1)),
  agentVersion: z.string(),
  osLabel: z.string(),
  role: z.enum(ROLES),
  platform: z.enum(AGENT_PLATFORMS),
  /** As the installed system sees it (not rerooted). */
  installLocation: z.string(),
  packageFile: z.string(),
  installedAt: z.string(),
  serviceName: z.nullable(z.string()),
  status: z.enum(['Succeeded', 'Warning']),
});

export type InstallRecord = z.infer<typeof installRecordSchema>;

export class RecordError extends Error {}

export function readInstallRecord(file: string): InstallRecord | undefined {
  return readStateFile(file, installRecordSchema, 'the install record', (message) => new RecordError(message));
}

export function writeInstallRecord(file: string, record: InstallRecord): void {
  // Readable by all: the unprivileged wizard reads it to know what is installed.
  writeFileAtomic(file, `${JSON.stringify(record, null, 2)}\n`, 0o644);
}
