import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_PLATFORMS, ROLES } from '../../shared/agent-kinds';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import { checkInstallLocationText } from '../../shared/install-location';
import type { FailureLimit } from '../engine/push/push-run';
import type { PushTarget } from '../engine/push/push-targets';
import { succeededIn } from '../engine/push/push-results-file';
import { RouteError, ServerRoutes } from '../engine/push/server-routes';
import { SshConfig } from '../engine/push/ssh-config';
import { hasCredentials } from '../engine/push/ssh-credentials';
import { PUSH_INSTALL_OPTIONS } from './push-install-options';
import { serverList, ServerListError } from './push-server-list';

// push-install's arguments, all checked before any connection: the servers (hosts file, --host, inventory),
// each resolved through the admin's SSH config and the command line into a route (push-targets' PushTarget),
// credentials, the staged rollout, and what to install. Anything wrong is an ArgumentError (exit 2).

export class ArgumentError extends Error {}

/** Thrown when an encrypted key needs a passphrase and none was given: the CLI asks on a terminal and retries. */
export class PassphraseNeeded extends Error {}

export type PushMode = 'install' | 'status' | 'scan-host-keys';

export interface PushArguments {
  readonly mode: PushMode;
  readonly json: boolean;
  readonly csv: boolean;
  readonly targets: readonly PushTarget[];
  /** Servers --resume found already done, left out of `targets`. */
  readonly resumedDone: readonly string[];
  readonly secrets: readonly string[];
  readonly repository?: string;
  readonly role?: string;
  readonly platform?: string;
  readonly installLocation: string;
  readonly cs?: { readonly endpoint: string; readonly passphrase: string };
  readonly parallel: number;
  readonly hostTimeoutMs: number;
  readonly logDir?: string;
  readonly canary?: number;
  readonly maxFailures?: FailureLimit;
  readonly resultsFile?: string;
}

export interface ArgumentContext {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  /** Standard input, read once for whichever secret option is `-`. */
  readonly stdin: () => Buffer;
  /** Whether an encrypted key's passphrase can be asked on a terminal (PassphraseNeeded is then thrown). */
  readonly canAsk: boolean;
  /** A passphrase for encrypted keys asked on a terminal before (see PassphraseNeeded). */
  readonly askedKeyPassphrase?: string;
}

/**
 * A secret from a file or standard input. The option's value is never echoed: an admin who typed the secret
 * itself where its file belongs would otherwise see it printed (and logged by whatever ran the command).
 */
function readSecret(file: string, what: string, stdin: () => Buffer): string {
  let data: Buffer;
  try {
    data = file === '-' ? stdin() : fs.readFileSync(file);
  } catch (error) {
    if (error instanceof ArgumentError) throw error;
    throw new ArgumentError(
      `the file given to ${what} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): give the path of a file that holds it, or - for standard input`,
    );
  }
  const text = data.toString('utf8').replace(/[\r\n]+$/, '');
  if (text === '') throw new ArgumentError(`${what}: ${file === '-' ? 'standard input' : 'the file'} is empty`);
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

function wholeNumber(text: string | undefined, option: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max)
    throw new ArgumentError(`${option} "${text}" is not a whole number from ${min} to ${max}`);
  return value;
}

function failureLimit(text: string | undefined): FailureLimit | undefined {
  if (text === undefined) return undefined;
  const percent = /^(\d{1,3})%$/.exec(text);
  if (percent && Number(percent[1]) <= 100) return { kind: 'percent', percent: Number(percent[1]) };
  if (/^\d+$/.test(text)) return { kind: 'count', count: Number(text) };
  throw new ArgumentError(`--max-failures "${text}" is neither a number of servers (2) nor a percentage (10%)`);
}

/** ~/.ssh/config then /etc/ssh/ssh_config, as ssh reads them; --ssh-config FILE alone (as -F); none: neither. */
function sshConfig(option: string | undefined, home: string): SshConfig {
  const localUser = os.userInfo().username;
  try {
    if (option === 'none') return SshConfig.none({ home, localUser });
    if (option !== undefined) {
      if (!fs.existsSync(option)) throw new ArgumentError(`--ssh-config ${option} does not exist`);
      return SshConfig.load(path.resolve(option), { home, localUser });
    }
    return SshConfig.chain([
      SshConfig.load(path.join(home, '.ssh', 'config'), { home, localUser, optional: true }),
      SshConfig.load('/etc/ssh/ssh_config', { home, localUser, system: true, optional: true }),
    ]);
  } catch (error) {
    if (error instanceof ArgumentError) throw error;
    throw new ArgumentError((error as Error).message);
  }
}

export function parsePushArguments(args: readonly string[], context: ArgumentContext): PushArguments {
  const { values } = parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: PUSH_INSTALL_OPTIONS,
  });
  const mode: PushMode = values.status ? 'status' : values['scan-host-keys'] ? 'scan-host-keys' : 'install';
  if (values.status && values['scan-host-keys'])
    throw new ArgumentError('give only one of --status and --scan-host-keys');
  let entries;
  try {
    entries = serverList({
      ...(values.hosts !== undefined ? { hostsFile: values.hosts } : {}),
      hosts: values.host ?? [],
      ...(values.inventory !== undefined ? { inventory: values.inventory } : {}),
      ...(values.limit !== undefined ? { limit: values.limit } : {}),
    });
  } catch (error) {
    if (error instanceof ServerListError) throw new ArgumentError(error.message);
    throw error;
  }
  let resumedDone: string[] = [];
  if (values.resume !== undefined) {
    if (mode !== 'install') throw new ArgumentError('--resume is for an install push, not --status');
    let done: Set<string>;
    try {
      done = succeededIn(values.resume);
    } catch (error) {
      throw new ArgumentError((error as Error).message);
    }
    resumedDone = entries.filter((entry) => done.has(entry.spec)).map((entry) => entry.spec);
    entries = entries.filter((entry) => !done.has(entry.spec));
  }

  const secrets: string[] = [];
  const password =
    values['password-file'] !== undefined
      ? readSecret(values['password-file'], '--password-file', context.stdin)
      : undefined;
  if (password !== undefined) secrets.push(password);
  let keyPassphrase = context.askedKeyPassphrase;
  if (values['identity-passphrase-file'] !== undefined)
    keyPassphrase = readSecret(values['identity-passphrase-file'], '--identity-passphrase-file', context.stdin);
  if (keyPassphrase !== undefined) secrets.push(keyPassphrase);
  const accepted = (values['accept-host-key'] ?? []).map((entry) => {
    const match = /^(.+)=(SHA256:[A-Za-z0-9+/]{43})$/.exec(entry);
    if (!match) throw new ArgumentError(`--accept-host-key "${entry}" is not HOST=SHA256:<fingerprint>`);
    return { spec: match[1] as string, fingerprint: match[2] as string };
  });
  const agentSocket = context.env.SSH_AUTH_SOCK || undefined;
  const routes = new ServerRoutes({
    config: sshConfig(values['ssh-config'], context.home),
    home: context.home,
    ...(values.user !== undefined ? { user: values.user } : {}),
    ...(values.identity !== undefined ? { identity: path.resolve(values.identity) } : {}),
    jumps: values.jump ?? [],
    ...(values['known-hosts'] !== undefined ? { knownHostsFile: path.resolve(values['known-hosts']) } : {}),
    acceptNewHostKeys: values['accept-new-host-keys'] === true,
    acceptedKeys: accepted,
    ...(password !== undefined ? { password } : {}),
    ...(agentSocket !== undefined ? { agentSocket } : {}),
    keyLoader: {
      passphrase: () => {
        if (keyPassphrase === undefined && context.canAsk) throw new PassphraseNeeded();
        return keyPassphrase;
      },
    },
  });
  let targets: PushTarget[];
  try {
    targets = entries.map((entry) => routes.resolve(entry));
  } catch (error) {
    if (error instanceof RouteError) throw new ArgumentError(error.message);
    throw error;
  }
  const twice = targets.find(
    (t, i) => targets.findIndex((u) => u.host === t.host && u.port === t.port && sameJumps(u, t)) !== i,
  );
  if (twice) throw new ArgumentError(`the server ${twice.host}:${twice.port} is given twice (as ${twice.spec})`);
  const noLogin = targets.find((t) => ![t, ...t.jumps].every((hop) => hasCredentials(hop.credentials)));
  if (noLogin && mode !== 'scan-host-keys')
    throw new ArgumentError(
      `no way to log in to ${noLogin.spec}: give --identity KEYFILE or --password-file FILE|-, name an IdentityFile in the SSH config, or start ssh-agent (SSH_AUTH_SOCK)`,
    );

  const location = checkInstallLocationText(values['install-location'] ?? '/usr/local/ASR', 'linux');
  if (!location.ok) throw new ArgumentError(`--install-location: ${location.reason}`);
  const common = {
    json: values.json === true,
    csv: values.csv === true,
    targets,
    resumedDone,
    secrets,
    installLocation: location.path,
    parallel: wholeNumber(values.parallel, '--parallel', 1, 256) ?? 10,
    hostTimeoutMs: (wholeNumber(values['host-timeout'], '--host-timeout', 10, 86_400) ?? 1800) * 1000,
    ...(values['log-dir'] !== undefined ? { logDir: values['log-dir'] } : {}),
  };
  if (values.csv && mode !== 'status') throw new ArgumentError('--csv is for --status');
  if (values.repository !== undefined && !fs.statSync(values.repository, { throwIfNoEntry: false })?.isDirectory())
    throw new ArgumentError(`--repository ${values.repository} is not a folder`);
  if (mode !== 'install')
    return {
      ...common,
      mode,
      ...(values.repository !== undefined ? { repository: path.resolve(values.repository) } : {}),
    };

  if (!values.repository) throw new ArgumentError('--repository DIR is required');
  const role = pick(values.role, ROLES, '--role');
  const platform = pick(values.platform, AGENT_PLATFORMS, '--platform');
  let cs: PushArguments['cs'];
  if (values['cs-endpoint'] !== undefined || values['passphrase-file'] !== undefined) {
    const endpoint = parseCsEndpoint(values['cs-endpoint'] ?? '');
    if (!endpoint.ok) throw new ArgumentError(`--cs-endpoint: ${endpoint.reason}`);
    if (!values['passphrase-file']) throw new ArgumentError('--cs-endpoint needs --passphrase-file FILE|-');
    const passphrase = readSecret(values['passphrase-file'], '--passphrase-file', context.stdin);
    cs = { endpoint: endpoint.endpoint.display, passphrase };
    secrets.push(passphrase);
  }
  const canary = wholeNumber(values.canary, '--canary', 1, 10_000);
  const maxFailures = failureLimit(values['max-failures']);
  return {
    ...common,
    mode,
    repository: path.resolve(values.repository),
    role,
    platform,
    ...(cs ? { cs } : {}),
    ...(canary !== undefined ? { canary } : {}),
    ...(maxFailures ? { maxFailures } : {}),
    ...(values.results !== undefined ? { resultsFile: path.resolve(values.results) } : {}),
  };
}

function sameJumps(a: PushTarget, b: PushTarget): boolean {
  const key = (t: PushTarget): string => t.jumps.map((j) => `${j.host}:${j.port}`).join('>');
  return key(a) === key(b);
}
