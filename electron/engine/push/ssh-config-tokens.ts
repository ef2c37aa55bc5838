import * as fs from 'node:fs';
import * as path from 'node:path';

// The lexical half of ssh-config.ts, each piece as OpenSSH's readconf.c/misc.c/match.c does it: argument
// splitting, wildcard patterns, %-tokens and ${ENV}, ~, ProxyJump specs, Include globs, time values and the
// keyword lists. Problems are thrown as ConfigProblem; ssh-config.ts adds the file and line.

export class ConfigProblem extends Error {}

export type Env = Readonly<Record<string, string | undefined>>;

/** A line's arguments as argv_split() reads them: quotes group, `\` escapes a quote, a `#` starting an argument ends the line. */
export function splitArguments(text: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ' || text[i] === '\t') {
      i++;
      continue;
    }
    if (text[i] === '#') break;
    let arg = '';
    let quote = '';
    for (; i < text.length; i++) {
      const ch = text[i] as string;
      const next = text[i + 1];
      if (ch === '\\' && (next === '"' || next === "'" || next === '\\' || (!quote && next === ' '))) {
        arg += next;
        i++;
      } else if (!quote && (ch === ' ' || ch === '\t')) break;
      else if (!quote && (ch === '"' || ch === "'")) quote = ch;
      else if (quote && ch === quote) quote = '';
      else arg += ch;
    }
    if (quote) throw new ConfigProblem(`a ${quote} quote is not closed: close it`);
    args.push(arg);
  }
  return args;
}

function wildcardRegex(pattern: string, flags: string): RegExp {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, flags);
}

/** match_pattern(): `*` and `?` only. */
export function matchPattern(name: string, pattern: string, ignoreCase: boolean): boolean {
  return wildcardRegex(pattern, ignoreCase ? 'is' : 's').test(name);
}

/** match_pattern_list(): 1 when a pattern matches, -1 when a negated one does (which always wins), else 0. */
export function matchPatternList(name: string, list: string, ignoreCase: boolean): 1 | 0 | -1 {
  let positive = false;
  for (const item of list.split(',')) {
    const negated = item.startsWith('!');
    if (!matchPattern(name, negated ? item.slice(1) : item, ignoreCase)) continue;
    if (negated) return -1;
    positive = true;
  }
  return positive ? 1 : 0;
}

/**
 * %-tokens and, when `env` is given, ${NAME}, in one pass as vdollar_percent_expand() does. `env` 'check' only
 * checks the ${} syntax (at load, before the environment of a resolution matters).
 */
export function expandTokens(
  text: string,
  keyword: string,
  values: Readonly<Record<string, string>>,
  env?: Env | 'check',
): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (env !== undefined && ch === '$' && text[i + 1] === '{') {
      const close = text.indexOf('}', i + 2);
      if (close === -1) throw new ConfigProblem(`${keyword}: \${ without its closing }`);
      const name = text.slice(i + 2, close);
      if (!name) throw new ConfigProblem(`${keyword}: an empty \${}`);
      const value = env === 'check' ? '' : env[name];
      if (value === undefined)
        throw new ConfigProblem(`${keyword} uses \${${name}}, which is not set: set it or write the path out`);
      out += value;
      i = close;
    } else if (ch !== '%') out += ch;
    else {
      const key = text[++i];
      if (key === '%') out += '%';
      else if (key !== undefined && Object.hasOwn(values, key)) out += values[key];
      else {
        const known = ['%%', ...Object.keys(values).map((k) => `%${k}`)].join(' ');
        throw new ConfigProblem(
          key === undefined
            ? `${keyword} ends with a lone %: write %% for a literal %`
            : `${keyword} uses the token %${key}, which is not known here (known: ${known}): write %% for a literal %`,
        );
      }
    }
  }
  return out;
}

/** tilde_expand(): `~` and `~/…` are the home directory; `~user` only for the local user (no password database here). */
export function expandTilde(text: string, home: string, localUser: string): string {
  if (!text.startsWith('~')) return text;
  const slash = text.indexOf('/');
  const user = text.slice(1, slash === -1 ? undefined : slash);
  if (user && user !== localUser)
    throw new ConfigProblem(`"${text}" names another user's home (~${user}): write the full path instead`);
  const rest = slash === -1 ? '' : text.slice(slash + 1).replace(/^\/+/, '');
  return rest ? `${home.replace(/\/+$/, '')}/${rest}` : home;
}

/**
 * IdentityAgent's special values: none, SSH_AUTH_SOCK, and `$NAME`, a variable holding the socket (no agent when
 * it is not set, as ssh does). Undefined: a path, to expand.
 */
export function agentSetting(value: string, env: Env): string | undefined {
  const variable = /^\$([A-Za-z_]\w*)$/.exec(value)?.[1];
  if (value === 'none' || value === 'SSH_AUTH_SOCK' || variable === 'SSH_AUTH_SOCK') return variable ?? value;
  return variable ? env[variable] || 'none' : undefined;
}

const PORT = /^\d{1,5}$/;

export function parsePort(text: string): number {
  const port = PORT.test(text) ? Number(text) : 0;
  if (port < 1 || port > 65535) throw new ConfigProblem(`Port "${text}" is not a port number: use 1 to 65535`);
  return port;
}

/** hpdelim2(): `[address]` or the text up to the first `:` or `/`, then the port. */
function hostAndPort(text: string, spec: string): { host: string; port?: number } {
  let host: string;
  let rest: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    const after = text[close + 1];
    if (close === -1 || (after !== undefined && after !== ':' && after !== '/'))
      throw new ConfigProblem(`ProxyJump "${spec}": write an IPv6 address as [address] or [address]:port`);
    host = text.slice(1, close);
    rest = after === undefined ? undefined : text.slice(close + 2);
  } else {
    const cut = text.search(/[:/]/);
    host = cut === -1 ? text : text.slice(0, cut);
    rest = cut === -1 ? undefined : text.slice(cut + 1);
  }
  if (!host) throw new ConfigProblem(`ProxyJump "${spec}" names no host: write [user@]host[:port]`);
  if (!rest) return { host };
  if (!PORT.test(rest) || Number(rest) < 1 || Number(rest) > 65535)
    throw new ConfigProblem(`ProxyJump "${spec}": "${rest}" is not a port (1 to 65535)`);
  return { host, port: Number(rest) };
}

function decodeUser(text: string, spec: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ConfigProblem(`ProxyJump "${spec}": the user is not %-encoded correctly`);
  }
}

function parseJump(spec: string): SshJump {
  let user: string | undefined;
  let hostPart: string;
  if (spec.startsWith('ssh://')) {
    // parse_ssh_uri(): userinfo up to the first @ (";params" dropped, %-encoded), then host[:port], no path.
    let rest = spec.slice(6);
    const at = rest.indexOf('@');
    if (at !== -1) {
      user = decodeUser(rest.slice(0, at).split(';')[0] as string, spec);
      rest = rest.slice(at + 1);
    }
    const slash = rest.startsWith('[') ? rest.indexOf('/', rest.indexOf(']')) : rest.indexOf('/');
    if (slash !== -1 && slash < rest.length - 1)
      throw new ConfigProblem(`ProxyJump "${spec}": an ssh:// address takes no path`);
    hostPart = slash === -1 ? rest : rest.slice(0, slash);
  } else {
    // parse_user_host_port(): the user is everything up to the last @.
    const at = spec.lastIndexOf('@');
    if (at !== -1) user = spec.slice(0, at);
    hostPart = spec.slice(at + 1);
  }
  if (user === '') throw new ConfigProblem(`ProxyJump "${spec}" has an empty user before @`);
  const { host, port } = hostAndPort(hostPart, spec);
  return { ...(user !== undefined ? { user } : {}), host, ...(port !== undefined ? { port } : {}), spec };
}

/** A ProxyJump value: `none`, or jump hosts separated by commas, the first reached directly. */
export function parseJumps(text: string): readonly SshJump[] | 'none' {
  const value = text.split('#')[0]?.trim() ?? '';
  if (value.toLowerCase() === 'none') return 'none';
  return value.split(',').map((item) => {
    const spec = item.trim();
    if (!spec) throw new ConfigProblem(`ProxyJump "${value}" has an empty entry: write host1,host2`);
    return parseJump(spec);
  });
}

const UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** convtime(): `30`, `90s`, `1m30s`; 0 and `none` mean no timeout of the config's own (undefined). */
export function parseSeconds(text: string): number | undefined {
  if (text === 'none') return undefined;
  if (!/^(?:\d+[smhdw])*\d*$/i.test(text) || !text)
    throw new ConfigProblem(`ConnectTimeout "${text}" is not a time: write seconds (30) or a time like 1m30s`);
  let total = 0;
  for (const [, count, unit] of text.matchAll(/(\d+)([smhdw]?)/gi))
    total += Number(count) * (UNITS[(unit || 's').toLowerCase()] ?? 1);
  return total > 0 ? total : undefined;
}

/** glob(3) for Include: `*` and `?` in any component (not matching a leading dot), matches sorted. */
export function globFiles(pattern: string): string[] {
  if (!/[*?]/.test(pattern)) return fs.existsSync(pattern) ? [pattern] : [];
  let found = [path.parse(pattern).root];
  for (const part of pattern.split('/').filter(Boolean)) {
    if (!/[*?]/.test(part)) {
      found = found.map((dir) => path.join(dir, part));
      continue;
    }
    const regex = wildcardRegex(part, 's');
    found = found.flatMap((dir) => {
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        return [];
      }
      return names
        .filter((name) => regex.test(name) && (part.startsWith('.') || !name.startsWith('.')))
        .map((name) => path.join(dir, name));
    });
  }
  return found.filter((file) => fs.existsSync(file)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// Every other keyword OpenSSH's ssh accepts (readconf.c keywords[] up to 10.x, with the deprecated and
// unsupported ones it passes over, Debian's GSSAPI key-exchange patch and Apple's UseKeychain): none changes
// where or as whom this tool connects, or how host keys are checked, so they are read and passed over.
export const IGNORED_KEYWORDS: ReadonlySet<string> = new Set(
  `protocol cipher fallbacktorsh globalknownhostsfile2 rhostsauthentication userknownhostsfile2 useroaming usersh
  useprivilegedport afstokenpassing kerberosauthentication kerberostgtpassing rsaauthentication
  rhostsrsaauthentication compressionlevel gssapiauthentication gssapidelegatecredentials gssapikeyexchange
  gssapiclientidentity gssapiserveridentity gssapirenewalforcesrekey gssapitrustdns gssapikexalgorithms
  forwardagent forwardx11 forwardx11trusted forwardx11timeout exitonforwardfailure xauthlocation gatewayports
  passwordauthentication kbdinteractiveauthentication kbdinteractivedevices challengeresponseauthentication
  skeyauthentication tisauthentication pubkeyauthentication dsaauthentication hostbasedauthentication
  addkeystoagent ciphers macs remoteforward localforward permitremoteopen tag escapechar globalknownhostsfile
  connectionattempts batchmode checkhostip compression tcpkeepalive keepalive numberofpasswordprompts
  syslogfacility loglevel logverbose dynamicforward preferredauthentications hostkeyalgorithms
  casignaturealgorithms clearallforwardings enablesshkeysign verifyhostkeydns nohostauthenticationforlocalhost
  rekeylimit addressfamily serveraliveinterval serveralivecountmax sendenv setenv controlpath controlmaster
  controlpersist hashknownhosts tunnel tunneldevice localcommand permitlocalcommand remotecommand visualhostkey
  kexalgorithms ipqos requesttty sessiontype stdinnull forkafterauthentication proxyusefdpass canonicaldomains
  canonicalizefallbacklocal canonicalizemaxdots canonicalizepermittedcnames streamlocalbindmask
  streamlocalbindunlink revokedhostkeys fingerprinthash updatehostkeys hostbasedacceptedalgorithms
  hostbasedkeytypes pubkeyacceptedalgorithms pubkeyacceptedkeytypes requiredrsasize enableescapecommandline
  obscurekeystroketiming channeltimeout versionaddendum warnweakcrypto usekeychain`.split(/\s+/),
);

/** Options that change the route, the login or the host key check in ways this tool does not follow. */
const REFUSED = new Map(
  (
    [
      ['ProxyCommand', 'this tool never runs commands from the SSH config: use ProxyJump', 'none'],
      ['CertificateFile', 'certificate logins are not supported: use a key (IdentityFile)'],
      ['KnownHostsCommand', 'this tool never runs commands from the SSH config: keep host keys in known_hosts', 'none'],
      ['PKCS11Provider', 'PKCS#11 tokens are not supported: use a key file or the agent', 'none'],
      ['SecurityKeyProvider', 'security-key providers are not supported', 'internal', 'none'],
      ['HostKeyAlias', 'host keys are checked under the name this tool connects to'],
      ['CanonicalizeHostName', 'host names are not canonicalized: put the full name in HostName', 'no', 'false'],
      ['BindAddress', 'the local source address cannot be chosen'],
      ['BindInterface', 'the local source interface cannot be chosen'],
    ] as const
  ).map(([name, fix, ...harmless]) => [name.toLowerCase(), { name, fix, harmless: harmless as readonly string[] }]),
);

/** Why a refused option's first value cannot be followed; undefined when that value is harmless (`none`…). */
export function refusal(keyword: string, value: string): string | undefined {
  const entry = REFUSED.get(keyword);
  if (!entry || entry.harmless.includes(value.toLowerCase())) return undefined;
  return `${entry.name} is not supported by this tool: ${entry.fix}; or keep it to hosts this tool does not push to`;
}

export const ALIASES: Readonly<Record<string, string>> = {
  identityfile2: 'identityfile',
  smartcarddevice: 'pkcs11provider',
};
const ONE_ARGUMENT = new Set(['hostname', 'user', 'port', 'identityfile', 'identitiesonly', 'identityagent']);
/** Keywords whose lines are kept for resolving: the options followed, and the ones refused. */
export const KEPT: ReadonlySet<string> = new Set([
  ...ONE_ARGUMENT,
  ...['stricthostkeychecking', 'connecttimeout', 'proxyjump', 'userknownhostsfile', 'refuseconnection'],
  ...REFUSED.keys(),
]);
export const PATH_TOKENS = 'dhijkLlnpru';
export const USER_TOKENS = 'dhijkLlnpu';

function checkTokens(text: string, keyword: string, letters: string): void {
  expandTokens(text, keyword, Object.fromEntries([...letters].map((key) => [key, ''])), 'check');
}

export function flag(keyword: string, text: string): boolean {
  const value = text.toLowerCase();
  if (value === 'yes' || value === 'true') return true;
  if (value === 'no' || value === 'false') return false;
  throw new ConfigProblem(`${keyword} "${text}": write yes or no`);
}

export function strictness(text: string): 'yes' | 'accept-new' | 'ask' | 'no' {
  const value = text.toLowerCase();
  if (value === 'yes' || value === 'true') return 'yes';
  if (value === 'no' || value === 'false' || value === 'off') return 'no';
  if (value === 'ask' || value === 'accept-new') return value;
  throw new ConfigProblem(`StrictHostKeyChecking "${text}": write yes, accept-new or ask`);
}

/** Checks a kept line's arguments at load, as OpenSSH does for every line, whether its block matches or not. */
export function checkDirective(keyword: string, written: string, args: readonly string[], rest: string): void {
  if (ONE_ARGUMENT.has(keyword) && (args.length !== 1 || !args[0]))
    throw new ConfigProblem(`${written} takes one argument: quote a value with spaces in it`);
  const arg = args[0] ?? '';
  if (keyword === 'hostname') checkTokens(arg, 'HostName', 'h');
  if (keyword === 'user') checkTokens(arg, 'User', USER_TOKENS);
  if (keyword === 'port') parsePort(arg);
  if (keyword === 'identitiesonly') flag('IdentitiesOnly', arg);
  if (keyword === 'identityfile') checkTokens(arg, 'IdentityFile', PATH_TOKENS);
  if (keyword === 'identityagent') checkTokens(arg, 'IdentityAgent', PATH_TOKENS);
  if (keyword === 'stricthostkeychecking') strictness(arg);
  if (keyword === 'connecttimeout') parseSeconds(arg);
  if (keyword === 'proxyjump') parseJumps(rest);
  if (keyword === 'userknownhostsfile') {
    if (args.includes('none') && args.length > 1) throw new ConfigProblem('UserKnownHostsFile none must stand alone');
    for (const file of args) checkTokens(file, 'UserKnownHostsFile', PATH_TOKENS);
  }
}

export interface Criterion {
  readonly negate: boolean;
  readonly name: string;
  readonly arg: string;
  readonly text: string;
}

/** Match criteria that may be written `name=value` (OpenSSH 10). */
const WITH_EQUALS = new Set([
  'host',
  'originalhost',
  'user',
  'localuser',
  'localnetwork',
  'version',
  'tagged',
  'command',
  'exec',
]);

/** A Match line's criteria as match_cfg_line() reads them; which can be evaluated is decided when resolving. */
export function parseCriteria(args: readonly string[]): Criterion[] {
  const criteria: Criterion[] = [];
  for (let i = 0; i < args.length; i++) {
    const text = args[i] as string;
    if (text.startsWith('#')) break;
    const negate = text.startsWith('!');
    let name = negate ? text.slice(1) : text;
    let arg: string | undefined;
    const equals = name.indexOf('=');
    if (equals > 0 && WITH_EQUALS.has(name.slice(0, equals).toLowerCase())) {
      arg = name.slice(equals + 1);
      name = name.slice(0, equals);
    }
    name = name.toLowerCase();
    if (name === 'all') {
      const next = args[i + 1];
      if (criteria.length > 1 || (next !== undefined && !next.startsWith('#')))
        throw new ConfigProblem(`Match ${text} cannot be combined with other criteria`);
      criteria.push({ negate, name, arg: '', text });
      break;
    }
    if (name !== 'canonical' && name !== 'final') {
      arg ??= args[++i];
      if (arg === undefined || arg.startsWith('#') || (!arg && name !== 'tagged' && name !== 'command'))
        throw new ConfigProblem(`Match ${text} needs patterns after it`);
    }
    criteria.push({ negate, name, arg: arg ?? '', text });
  }
  if (criteria.length === 0) throw new ConfigProblem('Match needs a criterion: all, host, originalhost, user…');
  return criteria;
}

/** A ProxyJump hop as written (spec), with what it names. */
export type SshJump = { readonly user?: string; readonly host: string; readonly port?: number; readonly spec: string };
