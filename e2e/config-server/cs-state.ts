import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { readJsonIfPresent, writeFileAtomic } from '../../electron/engine/system/atomic-file';
import {
  createOpaqueCredentials,
  normalisePassphrase,
  type OpaqueCredentials,
} from '../../electron/engine/registration/registration-crypto';
import { hostInfoSchema, registerResponseSchema } from '../../shared/registration-protocol';
import { describeIssue } from './http-error';

// What the reference server keeps: the passphrase file (created like the CS's genpassphrase), the OPAQUE server
// setup and registration record made from the passphrase when it is first seen (instead of the passphrase), and
// the registered hosts, which must survive a restart so that re-registration keeps a host's id. With a state
// file all of it but the passphrase is mirrored there; without one it lives in memory for the server's life.

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

const registeredHostSchema = z.extend(hostInfoSchema, {
  hostId: registerResponseSchema.shape.hostId,
  registeredAt: z.string(),
  lastSeenAt: z.string(),
});
const base64url = z.string().check(z.regex(/^[A-Za-z0-9_-]+$/, 'base64url'));
const stateSchema = z.object({
  // Absent in a state written before protocol v2: it is then made from the passphrase file.
  opaque: z.optional(z.object({ serverSetup: base64url, registrationRecord: base64url })),
  hosts: z.array(registeredHostSchema),
});
type StateFile = z.infer<typeof stateSchema>;

/** Reads the passphrase file, first creating it with a random passphrase (mode 0600) when it does not exist. */
function loadOrCreatePassphrase(file: string, log: (line: string) => void): { passphrase: string; created: boolean } {
  let content: Buffer;
  let created = false;
  try {
    content = fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // 'wx': never overwrite a passphrase another process created meanwhile; 0600 from the first byte.
    fs.writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    log(`passphrase file ${file} created (mode 0600); give it to the clients out of band`);
    content = fs.readFileSync(file);
    created = true;
  }
  const passphrase = normalisePassphrase(content);
  if (passphrase === '') throw new Error(`passphrase file ${file} is empty`);
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0)
    log(`warning: passphrase file ${file} is readable by other users; chmod 600 it`);
  return { passphrase, created };
}

/** The server's OPAQUE credentials and its registered hosts by id, mirrored to the state file on every change. */
export class CsState {
  // Insertion order is registration order (a re-registration moves to the end), as the state file lists them.
  private readonly hosts = new Map<string, RegisteredHost>();

  private constructor(
    private readonly stateFile: string | undefined,
    readonly credentials: OpaqueCredentials,
    hosts: readonly RegisteredHost[],
  ) {
    for (const record of hosts) this.hosts.set(record.hostId, record);
  }

  /**
   * Loads the state. The passphrase is read only when the state holds no OPAQUE credentials yet (a first
   * start) or when the passphrase file is missing and gets generated: either way the credentials are made
   * from it and saved, and the passphrase is forgotten.
   */
  static async open(options: {
    stateFile: string | undefined;
    passphraseFile: string;
    log: (line: string) => void;
  }): Promise<CsState> {
    const { stateFile, passphraseFile, log } = options;
    const saved = stateFile === undefined ? undefined : loadState(stateFile);
    if (stateFile !== undefined) log(`state ${stateFile}: ${saved?.hosts.length ?? 0} registered host(s) loaded`);
    let credentials = saved?.opaque;
    if (credentials === undefined || !fs.existsSync(passphraseFile)) {
      const { passphrase, created } = loadOrCreatePassphrase(passphraseFile, log);
      credentials = await createOpaqueCredentials(passphrase);
      const replaced = saved?.opaque !== undefined && created ? ', replacing the one for the previous passphrase' : '';
      log(`OPAQUE server setup and record made from the passphrase${replaced}; the passphrase itself is not kept`);
    } else {
      log(`OPAQUE server setup and record loaded from the state; ${passphraseFile} is not read`);
    }
    const state = new CsState(stateFile, credentials, saved?.hosts ?? []);
    if (saved?.opaque !== credentials) state.persist([...state.hosts.values()]);
    return state;
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

  /** Persists first, as save does. */
  remove(hostId: string): void {
    this.persist([...this.hosts.values()].filter((h) => h.hostId !== hostId));
    this.hosts.delete(hostId);
  }

  /** Copies, so callers (tests) cannot alter what the server remembers. */
  list(): RegisteredHost[] {
    return [...this.hosts.values()].map((h) => ({ ...h, ipAddresses: [...h.ipAddresses] }));
  }

  private persist(records: Iterable<RegisteredHost>): void {
    if (this.stateFile === undefined) return;
    const state: StateFile = { opaque: this.credentials, hosts: [...records] };
    writeFileAtomic(this.stateFile, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  }
}

function loadState(file: string): StateFile | undefined {
  let json: unknown;
  try {
    json = readJsonIfPresent(file);
  } catch (error) {
    throw new Error(`state file ${file} cannot be read: ${(error as Error).message}`);
  }
  if (json === undefined) return undefined;
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) throw new Error(`state file ${file} is not a valid state: ${describeIssue(parsed.error)}`);
  return parsed.data;
}
