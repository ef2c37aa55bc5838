import type { ParsedKey } from 'ssh2';
import { isIPv4, isIPv6 } from '../../../shared/cs-endpoint';
import type { HostKeyVerdict } from './known-hosts';

// The servers to push to, as admins write them: `[user@]host[:port]`, one a line in a hosts file (with `#`
// comments), or repeated --host. IPv6 literals take brackets when a port follows (`[fd00::5]:2222`). And what a
// server resolves to once the admin's SSH setup is read (server-routes.ts): how to log in, through which jump
// hosts, and which host keys to trust; here because the connection, the push and the CLI all share them.

export interface ServerAddress {
  /** As the admin wrote it (or the inventory or SSH config names it), for messages and results. */
  readonly spec: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

/** What a login may offer, tried in OpenSSH's order: the agent's keys, then key files, then the password. */
export interface Credentials {
  /** An ssh-agent socket (SSH_AUTH_SOCK or IdentityAgent). */
  readonly agentSocket?: string;
  readonly keys: readonly { readonly file: string; readonly key: ParsedKey }[];
  readonly password?: string;
}

export interface HostKeyPolicy {
  /** Judges the server's key against the known hosts. */
  judge(server: ServerAddress, key: Buffer): HostKeyVerdict;
  /** Whether an unknown key is accepted (accept-new, or this very fingerprint accepted for it). */
  acceptsUnknown(server: ServerAddress, key: Buffer): boolean;
  /** Records an accepted key. */
  record(server: ServerAddress, key: Buffer): void;
}

/** One SSH hop: a jump host or the server itself, with its own login and host-key rules. */
export interface SshHop extends ServerAddress {
  readonly credentials: Credentials;
  readonly hostKeys: HostKeyPolicy;
  readonly connectTimeoutMs: number;
}

export interface PushTarget extends SshHop {
  /** The jump hosts to go through, the first one reached directly. */
  readonly jumps: readonly SshHop[];
  /** false when the inventory says ansible_become=false: the login must then be root itself. */
  readonly become: boolean;
}

/** A server as a hosts file, --host or an inventory names it, before the SSH config is read. */
export interface ServerEntry {
  /** How results name it. */
  readonly spec: string;
  /** The name looked up in the SSH config (an alias, a host name or an address). */
  readonly host: string;
  /** Only when given (`user@host`, ansible_user): the config's User applies otherwise. */
  readonly user?: string;
  /** Only when given (`host:port`, ansible_port): the config's Port applies otherwise. */
  readonly port?: number;
  /** ansible_ssh_private_key_file. */
  readonly keyFile?: string;
  /** ansible_become; undefined: sudo is used where the login is not root. */
  readonly become?: boolean;
}

/** `[user@]host[:port]` as an entry: user and port only where written, so the SSH config can supply them. */
export function parseServerSpec(
  spec: string,
): { readonly ok: true; readonly entry: ServerEntry } | { readonly ok: false; readonly reason: string } {
  const parsed = parseTarget(spec, '');
  if (!parsed.ok) return parsed;
  const { host, user, port } = parsed.target;
  const text = parsed.target.spec;
  const portGiven =
    text.startsWith('[') || text.includes('@[') ? /\]:\d+$/.test(text) : !isIPv6(host) && /:\d+$/.test(text);
  return {
    ok: true,
    entry: { spec: text, host, ...(user ? { user } : {}), ...(portGiven ? { port } : {}) },
  };
}

export type TargetParse =
  { readonly ok: true; readonly target: ServerAddress } | { readonly ok: false; readonly reason: string };

// RFC 1123 host names: labels of letters, digits and hyphens, not starting or ending with a hyphen.
const HOST_NAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const USER_NAME = /^[a-z_][a-z0-9_.-]{0,31}\$?$/i;

export function parseTarget(spec: string, defaultUser: string): TargetParse {
  const text = spec.trim();
  if (text === '') return { ok: false, reason: 'an empty server entry' };
  let user = defaultUser;
  let rest = text;
  const at = text.lastIndexOf('@');
  if (at !== -1) {
    user = text.slice(0, at);
    rest = text.slice(at + 1);
    if (!USER_NAME.test(user)) return { ok: false, reason: `"${text}": "${user}" is not a valid user name` };
  }
  let host = rest;
  let port = 22;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return { ok: false, reason: `"${text}": an opening [ without its ]` };
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return { ok: false, reason: `"${text}": only :PORT may follow [address]` };
      const parsed = parsePort(after.slice(1));
      if (parsed === undefined)
        return { ok: false, reason: `"${text}": "${after.slice(1)}" is not a port from 1 to 65535` };
      port = parsed;
    }
    if (!isIPv6(host)) return { ok: false, reason: `"${text}": "${host}" is not an IPv6 address` };
  } else if (isIPv6(rest)) {
    host = rest;
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon !== -1) {
      host = rest.slice(0, colon);
      const parsed = parsePort(rest.slice(colon + 1));
      if (parsed === undefined)
        return { ok: false, reason: `"${text}": "${rest.slice(colon + 1)}" is not a port from 1 to 65535` };
      port = parsed;
    }
    if (!isIPv4(host) && !HOST_NAME.test(host))
      return { ok: false, reason: `"${text}": "${host}" is neither an IP address nor a host name` };
  }
  return { ok: true, target: { spec: text, host, port, user } };
}

function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

/** A hosts file: one server a line, `#` starts a comment. Every bad line is reported, with its number. */
export function parseHostsFile(
  text: string,
  defaultUser: string,
): { readonly targets: ServerAddress[]; readonly problems: string[] } {
  const targets: ServerAddress[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const parsed = parseTarget(line, defaultUser);
    if (parsed.ok) targets.push(parsed.target);
    else problems.push(`line ${index + 1}: ${parsed.reason}`);
  });
  return { targets, problems };
}
