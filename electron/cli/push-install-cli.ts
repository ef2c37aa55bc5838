import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setupError, type SetupError } from '../../shared/error-catalog';
import type { FleetRow } from '../../shared/fleet-status';
import { readServerStatus } from '../engine/push/fleet-status';
import { JumpPool } from '../engine/push/jump-hosts';
import { keyTypeOf, fingerprintOf } from '../engine/push/known-hosts';
import { ReleaseCatalog } from '../engine/push/release-catalog';
import { PUSH_LOG_NAME, runPush } from '../engine/push/push-run';
import type { PushTarget } from '../engine/push/push-targets';
import { scanHostKey } from '../engine/push/ssh-connection';
import { chooseOutputMode, formatFailure } from './cli-output';
import { writeFleetStatus } from './fleet-status-output';
import { ArgumentError, parsePushArguments, PassphraseNeeded, type PushArguments } from './push-install-arguments';
import { PushConsole } from './push-output';
import { askHidden } from './terminal-prompt';
import type { CliEnvironment } from './cli-environment';

// push-install: installs (and registers) the agent on many Linux servers over SSH, from an admin's machine,
// without local privileges; --status reads what a fleet has. Every argument is checked before any
// connection; invalid ones exit 2.

const USAGE = `push-install SERVERS LOGIN --repository DIR --role MS|MT --platform VmWare|Azure [options]
push-install SERVERS LOGIN --status [--repository DIR] [--json | --csv]

SERVERS: --hosts FILE | --host [USER@]HOST[:PORT] (repeatable) | --inventory FILE [--limit PATTERN]
LOGIN:   [--user USER] [--identity KEYFILE [--identity-passphrase-file FILE|-]] [--password-file FILE|-]
         [--jump [USER@]HOST[:PORT] (repeatable, a chain)] [--ssh-config FILE|none]
         [--known-hosts FILE] [--accept-new-host-keys]
Install: [--install-location DIR] [--cs-endpoint IP[:PORT] --passphrase-file FILE|-]
         [--canary N] [--max-failures N|P%] [--results FILE] [--resume FILE]
         [--parallel N] [--host-timeout SECONDS] [--log-dir DIR] [--json]

Servers are reached as the admin's OpenSSH reaches them: ~/.ssh/config and /etc/ssh/ssh_config (or
--ssh-config FILE; none for neither) give each name its HostName, User, Port, IdentityFile, ProxyJump and
known hosts; the command line wins. Keys come from ssh-agent (SSH_AUTH_SOCK), --identity, the config or
~/.ssh/id_*; an encrypted key's passphrase from --identity-passphrase-file or, on a terminal, a prompt. The
user is root unless given. --inventory reads an Ansible inventory (INI or YAML; ansible_host, ansible_user,
ansible_port, ansible_ssh_private_key_file, ansible_become), --limit selects as ansible --limit does.
--repository holds self-contained releases (pack-agent ... --with-installer), one per OS label. A server
already at that version, role and platform and registered with that CS is left Unchanged. Host keys,
jump hosts' too, are checked against the known hosts; an unknown key is refused unless
--accept-new-host-keys (or StrictHostKeyChecking accept-new), which records it; a changed key is always
refused. --canary N pushes to the first N servers first and stops if one fails; --max-failures starts no
new server once more than N (or P% of them) failed; --results FILE keeps the results as servers finish;
--resume FILE pushes only to those that did not succeed there. Exit 0 when every server Succeeded, ended
in Warning or was Unchanged; 1 when any failed or was not started (--status: unreachable); 2 for invalid
arguments.
`;

function defaultLogDir(env: NodeJS.ProcessEnv): string {
  if (process.geteuid?.() === 0) return '/var/log/ASRSetupLogs';
  const state = env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state');
  return path.join(state, 'mobility-service-setup');
}

async function readArguments(args: readonly string[], cli: CliEnvironment): Promise<PushArguments> {
  let stdinUsed = false;
  const stdin = (): Buffer => {
    if (stdinUsed)
      throw new ArgumentError(
        'only one of --password-file, --passphrase-file and --identity-passphrase-file can be - (standard input)',
      );
    stdinUsed = true;
    return fs.readFileSync(0);
  };
  const home = cli.env.HOME || os.homedir();
  const canAsk = process.stdin.isTTY === true && !args.includes('--json');
  try {
    return parsePushArguments(args, { env: cli.env, home, stdin, canAsk });
  } catch (error) {
    if (!(error instanceof PassphraseNeeded)) throw error;
    const asked = await askHidden('Passphrase for the encrypted SSH key: ');
    stdinUsed = false;
    return parsePushArguments(args, { env: cli.env, home, stdin, canAsk: false, askedKeyPassphrase: asked });
  }
}

export async function pushInstallMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    cli.streams.stdout.write(USAGE);
    return 0;
  }
  const json = args.includes('--json');
  let parsed: PushArguments;
  try {
    parsed = await readArguments(args, cli);
  } catch (error) {
    const message =
      error instanceof ArgumentError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
        ? (error as Error).message
        : undefined;
    if (message === undefined) throw error;
    return invalid(
      cli,
      json,
      setupError('INVALID_ARGUMENT', message, 'Run push-install --help for the expected options.'),
    );
  }
  const routes = new JumpPool();
  try {
    switch (parsed.mode) {
      case 'scan-host-keys':
        return await scanKeys(parsed.targets, routes, cli);
      case 'status':
        return await fleetStatus(parsed, routes, cli);
      case 'install':
        return await install(parsed, args, routes, cli);
      default: {
        const unreachable: never = parsed.mode;
        return unreachable;
      }
    }
  } finally {
    routes.close();
  }
}

async function install(
  parsed: PushArguments,
  args: readonly string[],
  routes: JumpPool,
  cli: CliEnvironment,
): Promise<number> {
  const output = new PushConsole(chooseOutputMode(parsed.json, false, cli.streams.stdout.isTTY === true), cli.streams);
  if (parsed.resumedDone.length > 0 && !parsed.json)
    cli.streams.stdout.write(`Resuming: ${parsed.resumedDone.length} server(s) already done are left out\n`);
  if (parsed.targets.length === 0) {
    if (!parsed.json) cli.streams.stdout.write('Nothing to resume: every server succeeded there\n');
    return 0;
  }
  const releases = new ReleaseCatalog(parsed.repository as string);
  try {
    releases.prepareSoleRelease();
    return (
      await runPush({
        targets: parsed.targets,
        settings: {
          role: parsed.role as string,
          platform: parsed.platform as string,
          installLocation: parsed.installLocation,
          cs: parsed.cs,
          releases,
          routes,
          hostTimeoutMs: parsed.hostTimeoutMs,
        },
        parallel: parsed.parallel,
        hostTimeoutMs: parsed.hostTimeoutMs,
        logFile: path.join(parsed.logDir ?? defaultLogDir(cli.env), PUSH_LOG_NAME),
        argv: ['push-install', ...args],
        secrets: parsed.secrets,
        emit: (event) => output.event(event),
        ...(cli.signal ? { signal: cli.signal } : {}),
        ...(parsed.canary !== undefined ? { canary: parsed.canary } : {}),
        ...(parsed.maxFailures ? { maxFailures: parsed.maxFailures } : {}),
        ...(parsed.resultsFile ? { resultsFile: parsed.resultsFile } : {}),
      })
    ).exitCode;
  } finally {
    releases.dispose();
  }
}

/** --status: every server read at once (up to --parallel), printed in the order given. */
async function fleetStatus(parsed: PushArguments, routes: JumpPool, cli: CliEnvironment): Promise<number> {
  const releases = parsed.repository ? new ReleaseCatalog(parsed.repository) : undefined;
  const latest = async (label: string): Promise<string | undefined> =>
    releases ? (await releases.forLabel(label, label)).agentVersion : undefined;
  const rows: FleetRow[] = new Array(parsed.targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < parsed.targets.length; i = next++)
      rows[i] = await readServerStatus(parsed.targets[i] as PushTarget, routes, latest, parsed.hostTimeoutMs);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parsed.parallel, parsed.targets.length) }, worker));
  } finally {
    releases?.dispose();
  }
  const format = parsed.json ? 'json' : parsed.csv ? 'csv' : cli.streams.stdout.isTTY === true ? 'tty' : 'plain';
  writeFleetStatus(rows, format, cli.streams);
  return rows.some((row) => !row.reachable) ? 1 : 0;
}

function invalid(cli: CliEnvironment, json: boolean, error: SetupError): number {
  if (json)
    cli.streams.stdout.write(
      `${JSON.stringify({ type: 'result', status: 'Failed', exitCode: 2, hosts: [], error })}\n`,
    );
  else cli.streams.stderr.write(formatFailure(error, undefined));
  return 2;
}

/** --scan-host-keys: each server's key (and its jump hosts') and what the known hosts say of it, one JSON line each. */
async function scanKeys(targets: readonly PushTarget[], routes: JumpPool, cli: CliEnvironment): Promise<number> {
  const hops = new Map<string, { hop: PushTarget['jumps'][number]; target?: PushTarget }>();
  for (const target of targets) {
    for (const jump of target.jumps) if (!hops.has(jump.spec)) hops.set(jump.spec, { hop: jump });
    hops.set(target.spec, { hop: target, target });
  }
  const lines = await Promise.all(
    [...hops.values()].map(async ({ hop, target }) => {
      // A server behind a jump host is scanned through it (whose own key must then be known or accepted).
      const sock =
        target && target.jumps.length > 0 ? await routes.streamTo(target).catch((error: Error) => error) : undefined;
      if (sock instanceof Error)
        return {
          type: 'host-key',
          host: hop.spec,
          verdict: 'unreachable',
          error: (sock as { error?: SetupError }).error ?? setupError('PUSH_UNREACHABLE', sock.message),
        };
      const scanned = await scanHostKey(hop, 20_000, sock);
      if ('error' in scanned) return { type: 'host-key', host: hop.spec, verdict: 'unreachable', error: scanned.error };
      const verdict = hop.hostKeys.judge(hop, scanned.key);
      return {
        type: 'host-key',
        host: hop.spec,
        verdict: verdict.kind,
        keyType: keyTypeOf(scanned.key),
        fingerprint: fingerprintOf(scanned.key),
        ...(verdict.kind === 'changed' ? { recorded: verdict.recorded } : {}),
        ...(target ? {} : { jumpHost: true }),
      };
    }),
  );
  for (const line of lines) cli.streams.stdout.write(`${JSON.stringify(line)}\n`);
  return lines.some(
    (line) => line.verdict === 'unreachable' || line.verdict === 'changed' || line.verdict === 'revoked',
  )
    ? 1
    : 0;
}
