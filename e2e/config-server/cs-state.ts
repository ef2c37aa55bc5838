import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { readJsonIfPresent, writeFileAtomic } from '../../electron/engine/system/atomic-file';
import { normalisePassphrase } from '../../electron/engine/registration/registration-crypto';
import { hostInfoSchema, registerResponseSchema } from '../../shared/registration-protocol';
import { describeIssue } from './http-error';

// What the reference server keeps on disk: the passphrase file (created like the CS's genpassphrase) and the
// registered hosts, which must survive a restart so that re-registration keeps a host's id.

export interface RegisteredHost {
  hostId: string;
  hostName: string;
  os: string;
  agentVersion: string;
  role: 'MS' | 'MT';
  platform: 'VmWare' | 'Azure';
  ipAddresses: string[];
  registeredAt: string;
  lastSeenAt: string;
}

const registeredHostSchema = hostInfoSchema.extend({
  hostId: registerResponseSchema.shape.hostId,
  registeredAt: z.string(),
  lastSeenAt: z.string(),
});
const stateSchema = z.object({ hosts: z.array(registeredHostSchema) });

export function loadOrCreatePassphrase(file: string, log: (line: string) => void): string {
  let content: Buffer;
  try {
    content = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a passphrase another process created meanwhile; 0600 from the first byte.
    fs.writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    log(`passphrase file ${file} created (mode 0600); give it to the clients out of band`);
    content = fs.readFileSync(file);
  }
  const passphrase = normalisePassphrase(content);
  if (passphrase === '') throw new Error(`passphrase file ${file} is empty`);
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0)
    log(`warning: passphrase file ${file} is readable by other users; chmod 600 it`);
  return passphrase;
}

/** Registered hosts by id, mirrored to the state file (when there is one) on every change. */
export class HostStore {
  // Insertion order is registration order (a re-registration moves to the end), as the state file lists them.
  private readonly hosts = new Map<string, RegisteredHost>();

  constructor(
    private readonly stateFile: string | undefined,
    log: (line: string) => void,
  ) {
    if (stateFile === undefined) return;
    for (const record of loadState(stateFile)) this.hosts.set(record.hostId, record);
    log(`state ${stateFile}: ${this.hosts.size} registered host(s) loaded`);
  }

  get(hostId: string): RegisteredHost | undefined {
    return this.hosts.get(hostId);
  }

  /** Persists first: if the write fails, memory still matches the file and the caller's request fails. */
  save(record: RegisteredHost): void {
    this.persist([...[...this.hosts.values()].filter((h) => h.hostId !== record.hostId), record]);
    this.hosts.delete(record.hostId);
    this.hosts.set(record.hostId, record);
  }

  /** Copies, so callers (tests) cannot alter what the server remembers. */
  list(): RegisteredHost[] {
    return [...this.hosts.values()].map((h) => ({ ...h, ipAddresses: [...h.ipAddresses] }));
  }

  private persist(records: Iterable<RegisteredHost>): void {
    if (this.stateFile === undefined) return;
    writeFileAtomic(this.stateFile, `${JSON.stringify({ hosts: [...records] }, null, 2)}\n`, 0o600);
  }
}

function loadState(file: string): RegisteredHost[] {
  let json: unknown;
  try {
    json = readJsonIfPresent(file);
  } catch (error) {
    throw new Error(`state file ${file} cannot be read: ${(error as Error).message}`);
  }
  if (json === undefined) return [];
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) throw new Error(`state file ${file} is not a valid host record: ${describeIssue(parsed.error)}`);
  return parsed.data.hosts;
}
