import { isIPv4, isIPv6 } from '../../../shared/cs-endpoint';

// The servers to push to, as admins write them: `[user@]host[:port]`, one a line in a hosts file (with `#`
// comments), or repeated --host. IPv6 literals take brackets when a port follows (`[fd00::5]:2222`).

export interface PushTarget {
  /** As the admin wrote it, for messages and results. */
  readonly spec: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

export type TargetParse =
  { readonly ok: true; readonly target: PushTarget } | { readonly ok: false; readonly reason: string };

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
): { readonly targets: PushTarget[]; readonly problems: string[] } {
  const targets: PushTarget[] = [];
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
