import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PUSH_INSTALL_OPTIONS } from './push-install-options';
import { utils as sshUtils } from 'ssh2';
import { AGENT_PLATFORMS, ROLES } from '../../shared/agent-kinds';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import { setupError, type SetupError } from '../../shared/error-catalog';
import { checkInstallLocationText } from '../../shared/install-location';
import { fingerprintOf, keyTypeOf, KnownHosts } from '../engine/push/known-hosts';
import { ReleaseCatalog } from '../engine/push/release-catalog';
import { PUSH_LOG_NAME, runPush } from '../engine/push/push-run';
import { parseHostsFile, parseTarget, type PushTarget } from '../engine/push/push-targets';
import { scanHostKey, type Credentials } from '../engine/push/ssh-connection';
import { chooseOutputMode, formatFailure } from './cli-output';
import { PushConsole } from './push-output';
import type { CliEnvironment } from './unified-agent-cli';

// push-install: installs (and registers) the agent on many Linux servers over SSH, from an admin's machine,
// without local privileges. Every argument is checked before any connection; invalid ones exit 2.

const USAGE = `push-install --hosts FILE | --host [USER@]HOST[:PORT] (repeatable)
             [--user root] (--identity KEYFILE | --password-file FILE|-)
             [--known-hosts FILE] [--accept-new-host-keys]
             --repository DIR --role MS|MT --platform VmWare|Azure [--install-location DIR]
             [--cs-endpoint IP[:PORT] --passphrase-file FILE|-]
             [--parallel N] [--host-timeout SECONDS] [--log-dir DIR] [--json]

--repository holds self-contained releases (pack-agent ... --with-installer), one per OS label; each
server's OS is detected on the server. Without --cs-endpoint the agent is only installed. A server already
at that version, role and platform and registered with that CS is left Unchanged. Host keys are checked
against --known-hosts (default ~/.ssh/known_hosts); an unknown key is refused unless --accept-new-host-keys,
which records it; a changed key is always refused. Exit 0 when every server Succeeded, ended in Warning or
was Unchanged; 1 when any failed; 2 for invalid arguments.
`;

class ArgumentError extends Error {}

function readSecret(file: string, what: string, stdin: () => Buffer): string {
  let data: Buffer;
  try {
    data = file === '-' ? stdin() : fs.readFileSync(file);
  } catch (error) {
    throw new ArgumentError(`${what} ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const text = data.toString('utf8').replace(/[\r\n]+$/, '');
  if (text === '') throw new ArgumentError(`${what} ${file === '-' ? 'on standard input' : file} is empty`);
  return text;
}

function pick<T extends string>(value: string | undefined, choices: readonly T[], option: string): T {
  const found = choices.find((choice) => choice.toLowerCase() === (value ?? '').toLowerCase());
  if (!found)
    throw new ArgumentError(
      `${option} ${value === undefined ? 'is required' : `"${value}" is not one of ${choices.join(', ')}`}`,
    );
  return found;
}

function defaultLogDir(env: NodeJS.ProcessEnv): string {
  if (process.geteuid?.() === 0) return '/var/log/ASRSetupLogs';
  const state = env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state');
  return path.join(state, 'mobility-service-setup');
}

export async function pushInstallMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  if (args.some((arg) => arg === '--help' || arg === '-h')) {
    cli.streams.stdout.write(USAGE);
    return 0;
  }
  const json = args.includes('--json');
  let stdinUsed = false;
  const stdin = (): Buffer => {
    if (stdinUsed)
      throw new ArgumentError('only one of --password-file and --passphrase-file can be - (standard input)');
    stdinUsed = true;
    return fs.readFileSync(0);
  };
  let run: Parameters<typeof runPush>[0];
  let output: PushConsole;
  try {
    const { values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: PUSH_INSTALL_OPTIONS,
    });
    const user = values.user ?? 'root';
    const targets: PushTarget[] = [];
    const problems: string[] = [];
    if (values.hosts) {
      let text: string;
      try {
        text = fs.readFileSync(values.hosts, 'utf8');
      } catch (error) {
        throw new ArgumentError(`--hosts ${values.hosts} cannot be read (${(error as NodeJS.ErrnoException).code})`);
      }
      const parsed = parseHostsFile(text, user);
      targets.push(...parsed.targets);
      problems.push(...parsed.problems.map((problem) => `${values.hosts} ${problem}`));
    }
    for (const spec of values.host ?? []) {
      const parsed = parseTarget(spec, user);
      if (parsed.ok) targets.push(parsed.target);
      else problems.push(`--host ${parsed.reason}`);
    }
    if (problems.length > 0) throw new ArgumentError(problems.join('; '));
    if (targets.length === 0) throw new ArgumentError('no server given: use --hosts FILE or --host HOST');
    const duplicate = targets.find((t, i) => targets.findIndex((u) => u.host === t.host && u.port === t.port) !== i);
    if (duplicate) throw new ArgumentError(`the server ${duplicate.host}:${duplicate.port} is given twice`);
    const knownHosts = new KnownHosts(values['known-hosts'] ?? path.join(os.homedir(), '.ssh', 'known_hosts'));
    if (values['scan-host-keys'] === true) return await scanKeys(targets, knownHosts, cli);

    if (!values.identity === !values['password-file'])
      throw new ArgumentError('give exactly one of --identity KEYFILE and --password-file FILE|-');
    let credentials: Credentials;
    const secrets: string[] = [];
    if (values.identity) {
      try {
        credentials = { privateKey: fs.readFileSync(values.identity) };
      } catch (error) {
        throw new ArgumentError(
          `--identity ${values.identity} cannot be read (${(error as NodeJS.ErrnoException).code})`,
        );
      }
      const parsedKey = sshUtils.parseKey(credentials.privateKey);
      if (parsedKey instanceof Error)
        throw new ArgumentError(`--identity ${values.identity}: ${parsedKey.message} (use a key without a passphrase)`);
    } else {
      const password = readSecret(values['password-file'] as string, '--password-file', stdin);
      credentials = { password };
      secrets.push(password);
    }
    if (!values.repository) throw new ArgumentError('--repository DIR is required');
    if (!fs.existsSync(values.repository) || !fs.statSync(values.repository).isDirectory())
      throw new ArgumentError(`--repository ${values.repository} is not a folder`);
    const role = pick(values.role, ROLES, '--role');
    const platform = pick(values.platform, AGENT_PLATFORMS, '--platform');
    const location = checkInstallLocationText(values['install-location'] ?? '/usr/local/ASR', 'linux');
    if (!location.ok) throw new ArgumentError(`--install-location: ${location.reason}`);

    let cs: { endpoint: string; passphrase: string } | undefined;
    if (values['cs-endpoint'] !== undefined || values['passphrase-file'] !== undefined) {
      const endpoint = parseCsEndpoint(values['cs-endpoint'] ?? '');
      if (!endpoint.ok) throw new ArgumentError(`--cs-endpoint: ${endpoint.reason}`);
      if (!values['passphrase-file']) throw new ArgumentError('--cs-endpoint needs --passphrase-file FILE|-');
      const passphrase = readSecret(values['passphrase-file'], '--passphrase-file', stdin);
      cs = { endpoint: endpoint.endpoint.display, passphrase };
      secrets.push(passphrase);
    }
    const parallel = Number(values.parallel ?? 10);
    if (!Number.isInteger(parallel) || parallel < 1 || parallel > 256)
      throw new ArgumentError(`--parallel "${values.parallel}" is not a whole number from 1 to 256`);
    const timeout = Number(values['host-timeout'] ?? 1800);
    if (!Number.isFinite(timeout) || timeout < 10)
      throw new ArgumentError(`--host-timeout "${values['host-timeout']}" is not a number of seconds (10 or more)`);
    const acceptNew = values['accept-new-host-keys'] === true;
    // HOST=SHA256:... : this key, and no other, is accepted for that server (the wizard's "accept" list).
    const accepted = (values['accept-host-key'] ?? []).map((entry) => {
      const match = /^(.+)=(SHA256:[A-Za-z0-9+/]{43})$/.exec(entry);
      if (!match) throw new ArgumentError(`--accept-host-key "${entry}" is not HOST=SHA256:<fingerprint>`);
      return { spec: match[1] as string, fingerprint: match[2] as string };
    });
    output = new PushConsole(chooseOutputMode(json, false, cli.streams.stdout.isTTY === true), cli.streams);
    run = {
      targets,
      settings: {
        role,
        platform,
        installLocation: location.path,
        cs,
        credentials,
        hostKeys: {
          judge: (target, key) => knownHosts.verdict(target.host, target.port, key),
          acceptsUnknown: (target, key) =>
            acceptNew ||
            accepted.some((entry) => entry.spec === target.spec && entry.fingerprint === fingerprintOf(key)),
          record: (target, key) => knownHosts.add(target.host, target.port, key),
        },
        releases: new ReleaseCatalog(path.resolve(values.repository)),
        connectTimeoutMs: 20_000,
      },
      parallel,
      hostTimeoutMs: timeout * 1000,
      logFile: path.join(values['log-dir'] ?? defaultLogDir(cli.env), PUSH_LOG_NAME),
      argv: ['push-install', ...args],
      secrets,
      emit: (event) => output.event(event),
      signal: cli.signal,
    };
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
  try {
    run.settings.releases.prepareSoleRelease();
    return (await runPush(run)).exitCode;
  } finally {
    run.settings.releases.dispose();
  }
}

function invalid(cli: CliEnvironment, json: boolean, error: SetupError): number {
  if (json)
    cli.streams.stdout.write(
      `${JSON.stringify({ type: 'result', status: 'Failed', exitCode: 2, hosts: [], error })}\n`,
    );
  else cli.streams.stderr.write(formatFailure(error, undefined));
  return 2;
}

/** --scan-host-keys: each server's key and what the known hosts say of it, one JSON line a server. */
async function scanKeys(targets: readonly PushTarget[], knownHosts: KnownHosts, cli: CliEnvironment): Promise<number> {
  const lines = await Promise.all(
    targets.map(async (target) => {
      const scanned = await scanHostKey(target, 20_000);
      if ('error' in scanned)
        return { type: 'host-key', host: target.spec, verdict: 'unreachable', error: scanned.error };
      const verdict = knownHosts.verdict(target.host, target.port, scanned.key);
      return {
        type: 'host-key',
        host: target.spec,
        verdict: verdict.kind,
        keyType: keyTypeOf(scanned.key),
        fingerprint: fingerprintOf(scanned.key),
        ...(verdict.kind === 'changed' ? { recorded: verdict.recorded } : {}),
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
