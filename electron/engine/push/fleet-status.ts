import * as path from 'node:path';
import * as z from 'zod/mini';
import type { FleetRow } from '../../../shared/fleet-status';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import { withoutControls } from '../../../shared/format';
import { compareAgentVersions, parseAgentVersion } from '../../../shared/package-name';
import { shellQuote } from '../install/configurator-launcher';
import { NOT_INSTALLED } from '../install/agent-status';
import { VX_VERSION_FILE } from '../install/vx-version';
import { RELEASE_ENGINE, RUNTIME_ROOT } from '../package/package-manifest';
import { RUNTIME_LOADER_NAME } from '../system/runtime-command';
import { SETUP_DIR_NAME, systemLayout } from '../system/system-layout';
import { detectLinuxOs, LINUX_RELEASE_FILES } from '../system/os-detect';
import { rootPrefix } from './push-host';
import { readRemoteFiles } from './remote-state';
import { PushFailure, SshConnection, type JumpRoutes } from './ssh-connection';
import type { PushTarget } from './push-targets';

// push-install --status: what each server has, read with the installed agent's own `--status --json` (its
// kept runtime, so the answer is the agent's own, service state included), or from /usr/local/.vx_version
// where only that exists (an agent ASR's own installer put there). Read-only: nothing is copied or changed,
// no passphrase is needed; it logs in as the push does (root or sudo -n) because the service state and the
// registration are root's to read.

const statusSchema = z.object({
  installed: z.boolean(),
  agentVersion: z.nullable(z.string()),
  installLocation: z.nullable(z.string()),
  role: z.nullable(z.string()),
  platform: z.nullable(z.string()),
  registration: z.nullable(z.object({ csEndpoint: z.string(), hostId: z.string() })),
  service: z.enum(['active', 'inactive', 'absent', 'unknown']),
  lastResult: z.nullable(z.object({ status: z.string(), time: z.string() })),
});

/** The server's side: the kept runtime's status command, through its own loader where it has one. */
export function remoteStatusScript(installLocation: string): string {
  const runtime = `"$top/${SETUP_DIR_NAME}/${RUNTIME_ROOT}"`;
  const engine = `"$top/${SETUP_DIR_NAME}/${RELEASE_ENGINE}"`;
  return [
    `top=${shellQuote(installLocation)}`,
    `if [ -x ${runtime}/lib/${RUNTIME_LOADER_NAME} ]; then`,
    `  exec ${runtime}/lib/${RUNTIME_LOADER_NAME} --library-path ${runtime}/lib ${runtime}/node ${engine} install --status --json`,
    `elif [ -x ${runtime}/node ]; then exec ${runtime}/node ${engine} install --status --json`,
    'else exit 127; fi',
  ].join('\n');
}

function parseVxVersion(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return fields;
}

/** The engine's install record on a Linux server: its own layout, with no --root. */
/** A row's agent fields where none is installed (or none could be read): --status's own answer. */
const { type: _type, ...nothingInstalled } = NOT_INSTALLED;

const RECORD_FILE = systemLayout('linux', undefined).recordFile;

/** One server's status. `latest` is the repository's version for its OS, when a repository was given. */
export async function readServerStatus(
  target: PushTarget,
  routes: JumpRoutes,
  latest: (osLabel: string) => Promise<string | undefined>,
  timeoutMs: number,
): Promise<FleetRow> {
  // A server that stops answering (or never sends a newline) cannot hold the status past its time limit.
  const deadline = AbortSignal.timeout(timeoutMs);
  const base = { host: target.spec, address: `${target.host}:${target.port}` };
  let ssh: SshConnection | undefined;
  try {
    ssh = await SshConnection.connect(target, routes, deadline);
    const connection = ssh;
    deadline.addEventListener('abort', () => connection.destroy(), { once: true });
    const sudo = await rootPrefix(ssh, target);
    const files = await readRemoteFiles(ssh, sudo, [...LINUX_RELEASE_FILES, RECORD_FILE, VX_VERSION_FILE]);
    const os = detectLinuxOs((file) => files.get(file), target.spec);
    const osLabel = os.ok ? os.row.label : null;
    const latestVersion = osLabel ? await latest(osLabel).catch(() => undefined) : undefined;
    const location = installLocationOf(files.get(RECORD_FILE), files.get(VX_VERSION_FILE));
    let row: Omit<FleetRow, 'host' | 'address' | 'osLabel' | 'latestVersion' | 'outdated' | 'error'> | undefined;
    if (location && files.has(RECORD_FILE)) {
      const run = await ssh.exec(`${sudo}sh -c ${shellQuote(remoteStatusScript(location))}`);
      // Cut off by the host timeout: that is the answer, not a guess from .vx_version.
      if (deadline.aborted) throw new Error('the status read was cut off');
      const line = run.stdout.split('\n').find((text) => text.startsWith('{'));
      const parsed = line ? statusSchema.safeParse(safeJson(line)) : undefined;
      if (parsed?.success) row = { reachable: true, source: 'agent', ...parsed.data };
    }
    const vx = files.get(VX_VERSION_FILE);
    if (!row && vx !== undefined) {
      const fields = parseVxVersion(vx);
      row = {
        reachable: true,
        source: 'vx_version',
        installed: fields.VERSION !== undefined,
        agentVersion: fields.VERSION ?? null,
        installLocation: fields.INSTALLATION_DIR ?? null,
        role: fields.ROLE ?? null,
        platform: fields.PLATFORM ?? null,
        registration:
          fields.AGENT_CONFIGURATION_STATUS === 'Succeeded' && fields.CS_ENDPOINT
            ? { csEndpoint: fields.CS_ENDPOINT, hostId: fields.HOST_ID ?? '' }
            : null,
        service: 'unknown',
        lastResult: null,
      };
    }
    row ??= { reachable: true, source: 'none', ...nothingInstalled };
    return withoutControls({
      ...base,
      ...row,
      osLabel,
      latestVersion: latestVersion ?? null,
      outdated: isOutdated(row.agentVersion, latestVersion),
      error: null,
    });
  } catch (error) {
    const failure: SetupError = deadline.aborted
      ? setupError('PUSH_TIMEOUT', `${target.spec}: no answer within --host-timeout`)
      : error instanceof PushFailure
        ? error.error
        : setupError('PUSH_UNREACHABLE', `${target.spec}: ${(error as Error).message}`);
    return {
      ...base,
      reachable: false,
      source: 'none',
      ...nothingInstalled,
      service: 'unknown',
      osLabel: null,
      latestVersion: null,
      outdated: false,
      error: failure,
    };
  } finally {
    ssh?.close();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function installLocationOf(record: string | undefined, vx: string | undefined): string | undefined {
  const fromRecord = record
    ? (safeJson(record) as { installLocation?: unknown } | undefined)?.installLocation
    : undefined;
  if (typeof fromRecord === 'string' && path.posix.isAbsolute(fromRecord)) return fromRecord;
  const fromVx = vx ? parseVxVersion(vx).INSTALLATION_DIR : undefined;
  return fromVx && path.posix.isAbsolute(fromVx) ? fromVx : undefined;
}

function isOutdated(have: string | null, latest: string | undefined): boolean {
  if (!have || !latest) return false;
  const a = parseAgentVersion(have);
  const b = parseAgentVersion(latest);
  return a !== undefined && b !== undefined && compareAgentVersions(a, b) < 0;
}
