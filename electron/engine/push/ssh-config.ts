import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isIP } from 'node:net';
import {
  type SshJump,
  agentSetting,
  ALIASES,
  checkDirective,
  ConfigProblem,
  flag,
  KEPT,
  parseCriteria,
  refusal,
  strictness,
  type Criterion,
  expandTilde,
  expandTokens,
  globFiles,
  IGNORED_KEYWORDS,
  matchPattern,
  matchPatternList,
  parseJumps,
  parsePort,
  parseSeconds,
  splitArguments,
  type Env,
} from './ssh-config-tokens';

export type { SshJump } from './ssh-config-tokens';

// OpenSSH's client config (ssh_config(5)), read by hand on purpose: the npm package ssh-config keeps no line
// numbers, does not follow Include, and its compute() runs Match exec commands and nslookup. This reads the files
// as ssh does (Host/Match blocks, Include, first value wins) and resolves an alias to the options push-install
// follows; it never runs anything, and refuses, with the file and line, what it cannot follow.

export class SshConfigError extends Error {}

export interface SshHostConfig {
  readonly alias: string;
  readonly hostName: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFiles: readonly string[];
  readonly identitiesOnly: boolean;
  readonly identityAgent?: string;
  readonly proxyJump: readonly SshJump[] | 'none' | undefined;
  readonly userKnownHostsFiles: readonly string[];
  readonly strictHostKeyChecking?: 'yes' | 'accept-new' | 'ask';
  readonly connectTimeoutSeconds?: number;
}

type Where = { readonly file: string; readonly line: number };

type Entry =
  | { readonly kind: 'host'; readonly where: Where; readonly patterns: readonly string[] }
  | { readonly kind: 'match'; readonly where: Where; readonly criteria: readonly Criterion[] }
  | { readonly kind: 'include'; readonly where: Where; readonly files: readonly (readonly Entry[])[] }
  | Directive;

interface Directive {
  readonly kind: 'option';
  readonly where: Where;
  readonly keyword: string;
  readonly args: readonly string[];
  /** The text after the keyword: ProxyJump and ProxyCommand take it whole, as OpenSSH does. */
  readonly rest: string;
}

interface Context extends Required<SshConfigOptions> {
  readonly system: boolean;
  /** IgnoreUnknown patterns seen so far while loading. */
  readonly ignoreUnknown: string[];
}

const MAX_INCLUDE_DEPTH = 16;

function fail(where: Where, message: string): never {
  throw new SshConfigError(`${where.file} line ${where.line}: ${message}`);
}

/** Runs `work`, naming the file and line in any problem it finds. */
function at<T>(where: Where, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ConfigProblem) fail(where, error.message);
    throw error;
  }
}

function readFile(file: string, context: Context, depth: number): Entry[] {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const entries: Entry[] = [];
  text.split('\n').forEach((line, index) => {
    const entry = parseLine(line, { file, line: index + 1 }, context, depth);
    if (entry) entries.push(entry);
  });
  return entries;
}

function parseLine(raw: string, where: Where, context: Context, depth: number): Entry | undefined {
  const line = raw.replace(/[ \t\r\n\f]+$/, '');
  // strdelim(): the keyword ends at whitespace or `=`; one `=` may sit between it and the arguments.
  const [, written = '', rest = ''] = /^[ \t]*([^ \t="]*)[ \t]*(?:=[ \t]*)?(.*)$/s.exec(line) ?? [];
  if (!line.trim() || written.startsWith('#')) return undefined;
  return at(where, (): Entry | undefined => {
    if (!written) throw new ConfigProblem(`"${line.trim()}" does not start with a keyword`);
    if (!rest) throw new ConfigProblem(`${written} has no value: give it one or remove the line`);
    const lower = written.toLowerCase();
    const keyword = ALIASES[lower] ?? lower;
    const args = splitArguments(rest);
    if (keyword === 'host') {
      if (args.length === 0 || args.includes('')) throw new ConfigProblem('Host needs patterns, none empty');
      return { kind: 'host', where, patterns: args };
    }
    if (keyword === 'match') return { kind: 'match', where, criteria: parseCriteria(args) };
    if (keyword === 'include') return { kind: 'include', where, files: includeFiles(args, context, depth) };
    if (keyword === 'ignoreunknown') {
      context.ignoreUnknown.push(args[0] ?? '');
      return undefined;
    }
    if (KEPT.has(keyword)) {
      checkDirective(keyword, written, args, rest);
      return { kind: 'option', where, keyword, args, rest };
    }
    if (IGNORED_KEYWORDS.has(keyword)) return undefined;
    // OpenSSH applies IgnoreUnknown only once its block matches; here any earlier one counts, so that an
    // unknown option is refused at load or never, not for some hosts only.
    if (context.ignoreUnknown.some((patterns) => matchPatternList(keyword, patterns, true) === 1)) return undefined;
    throw new ConfigProblem(`unknown option "${written}": fix its spelling, or name it in IgnoreUnknown`);
  });
}

/** Include: files read when the config is loaded, kept apart so a Host block's Include applies only inside it. */
function includeFiles(args: readonly string[], context: Context, depth: number): Entry[][] {
  if (args.length === 0 || args.includes('')) throw new ConfigProblem('Include needs file names, none empty');
  if (depth + 1 > MAX_INCLUDE_DEPTH)
    throw new ConfigProblem(`Include nested more than ${MAX_INCLUDE_DEPTH} deep: does a file include itself?`);
  const { home, localUser } = context;
  return args.flatMap((arg) => {
    // Tokens that depend on the host are not known at load; the ones that do not are expanded.
    const name = expandTokens(arg, 'Include', { d: home, u: localUser }, context.env);
    if (name.startsWith('~') && context.system)
      throw new ConfigProblem(`Include ${name}: a system-wide config may not use ~: write the full path`);
    const base = context.system ? '/etc/ssh' : path.join(home, '.ssh');
    const pattern = name.startsWith('~') ? expandTilde(name, home, localUser) : path.resolve(base, name);
    // A name that matches nothing is passed over, as OpenSSH does.
    return globFiles(pattern)
      .filter((file) => !fs.statSync(file).isDirectory())
      .map((file) => {
        try {
          return readFile(file, context, depth + 1);
        } catch (error) {
          if (error instanceof SshConfigError) throw error;
          throw new ConfigProblem(`Include ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`);
        }
      });
  });
}

type Found<T> = { readonly value: T; readonly where: Where };

/** One resolution: the first value obtained for each option wins, as in readconf.c. */
class Resolution {
  hostName?: Found<string>;
  /** No `where`: from the command line. */
  user?: { readonly value: string; readonly where?: Where };
  port?: number;
  readonly identityFiles: Found<string>[] = [];
  identitiesOnly?: boolean;
  identityAgent?: Found<string>;
  jump?: Found<readonly SshJump[] | 'none'>;
  proxyCommand?: Found<string>;
  knownHosts?: Found<readonly string[]>;
  strict?: Found<'yes' | 'accept-new' | 'ask' | 'no'>;
  timeout?: { readonly seconds: number | undefined };
  readonly refused = new Map<string, Found<string>>();

  constructor(
    readonly alias: string,
    readonly config: SshConfig,
  ) {}

  walk(entries: readonly Entry[], initiallyActive: boolean, neverMatch: boolean): void {
    let active = initiallyActive;
    for (const entry of entries) {
      if (entry.kind === 'host') active = !neverMatch && this.hostMatches(entry.patterns);
      // In an Include under a block that does not match, nothing can apply: its Match lines are not evaluated.
      else if (entry.kind === 'match') active = !neverMatch && this.matches(entry);
      // Each included file starts in the Include line's state, and leaves it as it was.
      else if (entry.kind === 'include') for (const file of entry.files) this.walk(file, active, neverMatch || !active);
      else if (active) at(entry.where, () => this.apply(entry));
    }
  }

  private hostMatches(patterns: readonly string[]): boolean {
    let matched = false;
    for (const pattern of patterns) {
      const negated = pattern.startsWith('!');
      if (!matchPattern(this.alias, negated ? pattern.slice(1) : pattern, true)) continue;
      if (negated) return false;
      matched = true;
    }
    return matched;
  }

  /** HostName as resolved so far: what `Match host` and %h see. */
  host(): string {
    const { hostName } = this;
    if (!hostName) return this.alias;
    return at(hostName.where, () => expandTokens(hostName.value, 'HostName', { h: this.alias }));
  }

  private matches(entry: Extract<Entry, { kind: 'match' }>): boolean {
    let result = true;
    for (const criterion of entry.criteria) {
      const { name, arg, negate } = criterion;
      let matched: boolean;
      if (name === 'all') return result && !negate;
      else if (name === 'host') matched = matchPatternList(this.host(), arg, true) === 1;
      else if (name === 'originalhost') matched = matchPatternList(this.alias, arg, true) === 1;
      else if (name === 'user') matched = matchPatternList(this.user?.value ?? this.config.localUser, arg, false) === 1;
      else if (name === 'localuser') matched = matchPatternList(this.config.localUser, arg, false) === 1;
      // The line fails whatever this criterion says, and OpenSSH skips an exec after a failed criterion too.
      else if (!result) continue;
      else
        fail(
          entry.where,
          `Match ${criterion.text} cannot be evaluated: ${
            name === 'exec'
              ? 'this tool never runs commands from the SSH config'
              : 'this tool evaluates Match all, host, originalhost, user and localuser only'
          }; use a Host block or those criteria for the servers it pushes to`,
        );
      if (matched === negate) result = false;
    }
    return result;
  }

  private apply({ keyword, args, rest, where }: Directive): void {
    const arg = args[0] ?? '';
    if (keyword === 'hostname') this.hostName ??= { value: arg, where };
    else if (keyword === 'user') this.user ??= { value: arg, where };
    else if (keyword === 'port') this.port ??= parsePort(arg);
    else if (keyword === 'identityfile') this.identityFiles.push({ value: arg, where });
    else if (keyword === 'identitiesonly') this.identitiesOnly ??= flag(keyword, arg);
    else if (keyword === 'identityagent') this.identityAgent ??= { value: arg, where };
    else if (keyword === 'userknownhostsfile') this.knownHosts ??= { value: args, where };
    else if (keyword === 'stricthostkeychecking') this.strict ??= { value: strictness(arg), where };
    else if (keyword === 'connecttimeout') this.timeout ??= { seconds: parseSeconds(arg) };
    else if (keyword === 'proxyjump') {
      // parse_jump(): `none` takes only the jump slot; a jump host also closes ProxyCommand, and an earlier
      // ProxyCommand (even `none`) closes ProxyJump.
      const jumps = parseJumps(rest);
      if (jumps === 'none') this.jump ??= { value: jumps, where };
      else if (!this.jump && !this.proxyCommand) {
        this.jump = { value: jumps, where };
        this.proxyCommand = { value: 'none', where };
      }
    } else if (keyword === 'proxycommand') this.proxyCommand ??= { value: rest, where };
    else if (keyword === 'refuseconnection')
      throw new ConfigProblem(
        `RefuseConnection: ${rest}: ssh refuses this host too; push to it once the config allows`,
      );
    else if (!this.refused.has(keyword)) this.refused.set(keyword, { value: rest, where });
  }

  /** Expands ~, tokens and ${ENV} in a path; relative paths are taken from home (see SshConfig.resolve). */
  private filePath(found: Found<string>, keyword: string, tokens: Record<string, string>): string {
    const { home, localUser, env } = this.config;
    return at(found.where, () =>
      path.resolve(home, expandTokens(expandTilde(found.value, home, localUser), keyword, tokens, env)),
    );
  }

  result(): SshHostConfig {
    const { home, localUser, env } = this.config;
    const refused = [...this.refused, ...(this.proxyCommand ? [['proxycommand', this.proxyCommand] as const] : [])];
    for (const [keyword, found] of refused) {
      const problem = refusal(keyword, splitArguments(found.value)[0] ?? '');
      if (problem) fail(found.where, problem);
    }
    if (this.strict?.value === 'no')
      fail(
        this.strict.where,
        'StrictHostKeyChecking no: this tool never connects without checking host keys; use accept-new to trust and record a server on first contact',
      );
    if (this.knownHosts?.value[0] === 'none')
      fail(
        this.knownHosts.where,
        'UserKnownHostsFile none: this tool checks host keys against a known_hosts file; name one',
      );
    // ssh lowercases a name (not an address) before connecting; known_hosts holds it that way.
    const host = this.host();
    const hostName = isIP(host.replace(/^\[|\]$/g, '')) ? host : host.toLowerCase();
    const jumps = this.jump?.value;
    const lastJump = Array.isArray(jumps) ? jumps[jumps.length - 1] : undefined;
    const machine = os.hostname();
    const uid = process.getuid?.();
    const local = { d: home, u: localUser, L: machine.split('.')[0] ?? machine, l: machine };
    const remote = { h: hostName, k: this.alias, n: this.alias, p: String(this.port ?? 22), j: lastJump?.host ?? '' };
    const tokens: Record<string, string> = { ...local, ...remote, ...(uid !== undefined ? { i: String(uid) } : {}) };
    const { user: found } = this;
    // A User from the config is expanded (OpenSSH 9.6+); one from the command line is taken as it is.
    const user = found?.where ? at(found.where, () => expandTokens(found.value, 'User', tokens, env)) : found?.value;
    tokens.r = user ?? localUser;
    const identityFiles = this.identityFiles
      .filter((file) => file.value.toLowerCase() !== 'none')
      .map((file) => this.filePath(file, 'IdentityFile', tokens));
    const { identityAgent: agent, knownHosts } = this;
    return {
      alias: this.alias,
      hostName,
      user,
      port: this.port,
      identityFiles: [...new Set(identityFiles)],
      identitiesOnly: this.identitiesOnly ?? false,
      identityAgent: agent && (agentSetting(agent.value, env) ?? this.filePath(agent, 'IdentityAgent', tokens)),
      proxyJump: jumps ?? (this.proxyCommand ? 'none' : undefined),
      userKnownHostsFiles: (knownHosts?.value ?? []).map((value) =>
        this.filePath({ value, where: (knownHosts as Found<unknown>).where }, 'UserKnownHostsFile', tokens),
      ),
      strictHostKeyChecking: this.strict?.value,
      connectTimeoutSeconds: this.timeout?.seconds,
    };
  }
}

export interface SshConfigOptions {
  readonly home: string;
  readonly localUser: string;
  /** For ${NAME} in paths; process.env when not given. */
  readonly env?: Env;
}

export class SshConfig {
  private constructor(
    private readonly files: readonly (readonly Entry[])[],
    readonly home: string,
    readonly localUser: string,
    readonly env: Env,
  ) {}

  /** Reads a config file (following Include). `home` is the user's home dir (for ~ and for relative Include, which is relative to `${home}/.ssh` for a user config, or to /etc/ssh for a system config when `system: true`). A missing file is an empty config only when `optional`. */
  static load(file: string, options: SshConfigOptions & { system?: boolean; optional?: boolean }): SshConfig {
    const env = options.env ?? process.env;
    const context = { ...options, system: options.system ?? false, env, ignoreUnknown: [] };
    let entries: Entry[];
    try {
      entries = readFile(file, context, 0);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof SshConfigError || code === undefined) throw error;
      if (code !== 'ENOENT' || !options.optional)
        throw new SshConfigError(`${file}: cannot be read (${code}): name an SSH config file that exists`);
      entries = [];
    }
    return new SshConfig([entries], options.home, options.localUser, env);
  }

  /** Several configs read in order (OpenSSH reads ~/.ssh/config then /etc/ssh/ssh_config; first obtained value wins across both). */
  static chain(configs: readonly SshConfig[]): SshConfig {
    const first = configs[0];
    if (!first) throw new TypeError('SshConfig.chain needs at least one config');
    return new SshConfig(
      configs.flatMap((config) => config.files),
      first.home,
      first.localUser,
      first.env,
    );
  }

  /** Like `ssh -F none`. */
  static none(options: SshConfigOptions): SshConfig {
    return new SshConfig([], options.home, options.localUser, options.env ?? process.env);
  }

  /**
   * Resolves a host alias. Overrides from the command line win over the config (as in OpenSSH); they also feed
   * %r and %p. Throws SshConfigError. Relative IdentityFile, UserKnownHostsFile and IdentityAgent paths are taken
   * from home: OpenSSH takes them from its working directory, which for an admin's ssh is usually home, while
   * this tool's is anywhere.
   */
  resolve(alias: string, overrides: { readonly user?: string; readonly port?: number } = {}): SshHostConfig {
    const resolution = new Resolution(alias, this);
    // Set before the config is read, as ssh does with -l and -p: Match user sees this user.
    if (overrides.user !== undefined) resolution.user = { value: overrides.user };
    if (overrides.port !== undefined) resolution.port = overrides.port;
    // Each top-level file starts outside any Host block.
    for (const entries of this.files) resolution.walk(entries, true, false);
    return resolution.result();
  }
}
