import type { AgentPlatform, Role } from './agent-kinds';
import { DEFAULT_INSTALL_LOCATION, isWindowsPath } from './install-location';

// The silent command lines equivalent to what the wizard is about to do, in both syntaxes the CLIs take:
// Windows (UnifiedAgent.exe /Role …) and Linux (the release's `sudo ./install -d …`). Each comes as the argv
// and as the text an admin pastes, quoted for its shell. Secrets are never inline: the passphrase is always
// a file path placeholder the admin writes first.

export interface CommandLine {
  readonly argv: readonly string[];
  readonly text: string;
}

export interface CommandLines {
  readonly windows: CommandLine;
  readonly linux: CommandLine;
}

/** Where the shown register commands read the passphrase from: the admin writes it there first. */
export const PASSPHRASE_FILE_PLACEHOLDER = { windows: 'C:\\Temp\\passphrase.txt', linux: '/root/passphrase.txt' };

// Words a POSIX shell takes literally: no globbing, expansion, quoting, redirection or word splitting.
const POSIX_PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for sh/bash: as is when plain, else in single quotes (a ' becomes '\''). */
export function posixQuote(word: string): string {
  if (POSIX_PLAIN.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * One argument for a Windows command line as CommandLineToArgvW (and the MS C runtime) splits it: in
 * double quotes, a " escaped as \", and backslashes doubled only where they precede a quote.
 */
export function windowsQuote(word: string, always = false): string {
  if (!always && word !== '' && !/[\s"^&|<>()%!]/.test(word)) return word;
  let out = '"';
  let backslashes = 0;
  for (const char of word) {
    if (char === '\\') {
      backslashes++;
      continue;
    }
    if (char === '"') out += `${'\\'.repeat(backslashes * 2 + 1)}"`;
    else out += `${'\\'.repeat(backslashes)}${char}`;
    backslashes = 0;
  }
  return `${out}${'\\'.repeat(backslashes * 2)}"`;
}

function posixLine(argv: readonly string[]): CommandLine {
  return { argv, text: argv.map((word) => posixQuote(word)).join(' ') };
}

export interface InstallCommandOptions {
  readonly role: Role;
  readonly platform: AgentPlatform;
  readonly installLocation: string;
}

/** The location each syntax shows: the one chosen where it is that system's kind of path, else its default. */
export function locationFor(system: 'windows' | 'linux', chosen: string): string {
  if (system === 'windows') return isWindowsPath(chosen) ? chosen : DEFAULT_INSTALL_LOCATION.win32;
  return isWindowsPath(chosen) ? DEFAULT_INSTALL_LOCATION.linux : chosen;
}

/** The seed's silent install: `UnifiedAgent.exe /Role "MS" /InstallLocation "…" /Platform "VmWare" /Silent`. */
export function installCommandLines(options: InstallCommandOptions): CommandLines {
  const windowsArgv = [
    'UnifiedAgent.exe',
    '/Role',
    options.role,
    '/InstallLocation',
    locationFor('windows', options.installLocation),
    '/Platform',
    options.platform,
    '/Silent',
  ];
  // The seed quotes every value; the switches themselves stay bare.
  const values = new Set([2, 4, 6]);
  const windowsText = windowsArgv.map((word, i) => (values.has(i) ? windowsQuote(word, true) : word)).join(' ');
  return {
    windows: { argv: windowsArgv, text: windowsText },
    linux: posixLine([
      'sudo',
      './install',
      '-d',
      locationFor('linux', options.installLocation),
      '-r',
      options.role,
      '-v',
      options.platform,
      '-q',
    ]),
  };
}

export interface RegisterCommandOptions {
  /** The configuration server as the CLI prints it: an IP literal with an optional port. */
  readonly endpoint: string;
  /** The agent's install location (the configurator script lives in it on Linux). */
  readonly installLocation: string;
}

/** The seed's register: `UnifiedAgentConfigurator.exe /CSEndPoint …` and `…/Vx/bin/UnifiedAgentConfigurator.sh -i …`. */
export function registerCommandLines(options: RegisterCommandOptions): CommandLines {
  const windowsArgv = [
    'UnifiedAgentConfigurator.exe',
    '/CSEndPoint',
    options.endpoint,
    '/PassphraseFilePath',
    PASSPHRASE_FILE_PLACEHOLDER.windows,
  ];
  const script = `${locationFor('linux', options.installLocation).replace(/\/+$/, '')}/Vx/bin/UnifiedAgentConfigurator.sh`;
  return {
    windows: { argv: windowsArgv, text: windowsArgv.map((word) => windowsQuote(word)).join(' ') },
    linux: posixLine([script, '-i', options.endpoint, '-P', PASSPHRASE_FILE_PLACEHOLDER.linux]),
  };
}

/** Where the shown push command reads the servers and the SSH password from: the admin writes them first. */
export const PUSH_FILE_PLACEHOLDERS = { servers: './servers.txt', password: './ssh-password.txt' };

export interface PushCommandOptions {
  readonly hosts: readonly string[];
  readonly user: string;
  /** The key file, or null when the push signs in with a password (read from a file). */
  readonly keyFile: string | null;
  readonly jump: string;
  readonly role: Role;
  readonly platform: AgentPlatform;
  readonly installLocation: string;
  /** The configuration server, or null to install only. */
  readonly csEndpoint: string | null;
  readonly parallel: number;
  readonly canary: number | null;
  readonly maxFailures: string | null;
}

/** A few servers go inline as --host; more go in a hosts file, one a line. */
const INLINE_HOSTS = 4;

/** The push the wizard is about to run, as `push-install` takes it (from a checkout; the app ships the same CLI). */
export function pushCommandLine(options: PushCommandOptions): CommandLine {
  return posixLine([
    'npm',
    'run',
    '-s',
    'push-install',
    '--',
    ...(options.hosts.length <= INLINE_HOSTS
      ? options.hosts.flatMap((host) => ['--host', host])
      : ['--hosts', PUSH_FILE_PLACEHOLDERS.servers]),
    '--user',
    options.user,
    ...(options.keyFile !== null
      ? ['--identity', options.keyFile]
      : ['--password-file', PUSH_FILE_PLACEHOLDERS.password]),
    ...(options.jump !== '' ? ['--jump', options.jump] : []),
    '--role',
    options.role,
    '--platform',
    options.platform,
    '--install-location',
    options.installLocation,
    ...(options.csEndpoint !== null
      ? ['--cs-endpoint', options.csEndpoint, '--passphrase-file', PASSPHRASE_FILE_PLACEHOLDER.linux]
      : []),
    '--parallel',
    String(options.parallel),
    ...(options.canary !== null ? ['--canary', String(options.canary)] : []),
    ...(options.maxFailures !== null ? ['--max-failures', options.maxFailures] : []),
  ]);
}
