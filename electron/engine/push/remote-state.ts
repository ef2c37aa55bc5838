import * as path from 'node:path';
import { compareAgentVersions, parseAgentVersion } from '../../../shared/package-name';
import { installRecordSchema, type InstallRecord } from '../install/install-record';
import { registrationStatusSchema, type RegistrationStatus } from '../registration/registration-store';
import { detectLinuxOs, LINUX_RELEASE_FILES, type OsDetection } from '../system/os-detect';
import { shellQuote } from '../install/configurator-launcher';
import { SETUP_DIR_NAME, systemLayout } from '../system/system-layout';
import type { SshConnection } from './ssh-connection';

// What a server is and has, read over the connection before anything changes there: its release files
// (detected by the engine's own rules), the install record, and the registration's public status.

const MARK = '\u0001ASR-PUSH-FILE ';

const commandKey = (name: string): string => `command:${name}`;

/** The server's side of readRemoteFiles: POSIX sh, head -c and command -v only. */
export function remoteReadScript(files: readonly string[], commands: readonly string[]): string {
  return [
    ...files.map(
      (file) =>
        `if [ -r ${shellQuote(file)} ]; then printf '${MARK}%s\\n' ${shellQuote(file)}; head -c 65536 ${shellQuote(file)}; echo; fi`,
    ),
    ...commands.map(
      (name) =>
        `if command -v ${shellQuote(name)} >/dev/null 2>&1; then printf '${MARK}%s\\n' ${shellQuote(commandKey(name))}; fi`,
    ),
  ].join('; ');
}

/**
 * Reads several small files in one round trip; a missing file is absent from the result. `commands` are
 * looked up on the server's PATH in the same round trip: one found is present as `command:<name>`.
 */
export async function readRemoteFiles(
  ssh: SshConnection,
  sudo: string,
  files: readonly string[],
  commands: readonly string[] = [],
): Promise<Map<string, string>> {
  const run = await ssh.exec(`${sudo}sh -c ${shellQuote(remoteReadScript(files, commands))}`);
  const found = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (current !== undefined) found.set(current, lines.join('\n'));
  };
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      flush();
      current = line.slice(MARK.length);
      lines = [];
    } else lines.push(line);
  }
  flush();
  return found;
}

export interface RemoteAgent {
  readonly record: InstallRecord | undefined;
  readonly registration: RegistrationStatus | undefined;
}

export interface RemoteSystem {
  readonly os: OsDetection;
  /** zstd is on the server's PATH: the release can travel zstd-compressed (a fifth of gzip's unpack CPU there). */
  readonly zstd: boolean;
  readonly agent: RemoteAgent;
}

function parseJson<T>(
  text: string | undefined,
  parse: (value: unknown) => { success: boolean; data?: T },
): T | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = parse(JSON.parse(text) as unknown);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Where the engine keeps its install record on a Linux server: its own layout, with no --root. */
const RECORD_FILE = systemLayout('linux', undefined).recordFile;

/**
 * The release files, zstd and the install record in one round trip; the registration's status (which lives
 * where the record says the agent is) in a second one, only when an agent is installed.
 */
export async function readRemoteSystem(ssh: SshConnection, sudo: string, host: string): Promise<RemoteSystem> {
  const files = await readRemoteFiles(ssh, sudo, [...LINUX_RELEASE_FILES, RECORD_FILE], ['zstd']);
  const os = detectLinuxOs((file) => files.get(file), host);
  const zstd = files.has(commandKey('zstd'));
  const record = parseJson(files.get(RECORD_FILE), (value) => installRecordSchema.safeParse(value));
  if (!record) return { os, zstd, agent: { record: undefined, registration: undefined } };
  const statusFile = path.posix.join(record.installLocation, SETUP_DIR_NAME, 'registration-status.json');
  const status = await readRemoteFiles(ssh, sudo, [statusFile]);
  return {
    os,
    zstd,
    agent: {
      record,
      registration: parseJson(status.get(statusFile), (value) => registrationStatusSchema.safeParse(value)),
    },
  };
}

export interface PushWanted {
  readonly agentVersion: string;
  readonly role: string;
  readonly platform: string;
  readonly installLocation: string;
  readonly csEndpoint: string | undefined;
}

/** What a server still needs: an install (or upgrade), a registration, both, or nothing (Unchanged). */
export function pendingWork(agent: RemoteAgent, wanted: PushWanted): { install: boolean; register: boolean } {
  const record = agent.record;
  const have = record ? parseAgentVersion(record.agentVersion) : undefined;
  const want = parseAgentVersion(wanted.agentVersion);
  const current =
    record !== undefined &&
    have !== undefined &&
    want !== undefined &&
    compareAgentVersions(have, want) === 0 &&
    record.role === wanted.role &&
    record.platform === wanted.platform &&
    record.installLocation === wanted.installLocation;
  const registered =
    wanted.csEndpoint === undefined ||
    (agent.registration !== undefined && agent.registration.csEndpoint === wanted.csEndpoint);
  // An upgrade keeps the registration, so a server registered with this CS is not registered again.
  return { install: !current, register: !registered };
}
