import { DEFAULT_CS_PORT } from './protocol-constants';

// The configuration server endpoint: an IPv4 or IPv6 literal with an optional port, exactly what the seed's
// /CSEndPoint and -i take ("the IP address of the configuration server"). Host names are refused, so no
// lookup can send the exchange elsewhere. The wizard validates as the admin types with the same function
// the configurator runs before any network traffic.

export interface CsEndpoint {
  /** The address as the socket API takes it (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** Canonical text: 10.0.0.5:443 or [fd00::5]:443. */
  readonly display: string;
}

/** What is wrong with an address, as data: the configurator prints its reason, the wizard says it in its own language. */
export type EndpointProblem =
  | { readonly kind: 'empty' }
  | { readonly kind: 'spaces-around'; readonly text: string }
  | { readonly kind: 'url'; readonly text: string }
  | { readonly kind: 'unclosed-bracket'; readonly text: string }
  | { readonly kind: 'after-address'; readonly text: string; readonly rest: string }
  | { readonly kind: 'invalid-port'; readonly text: string; readonly port: string }
  | { readonly kind: 'port-range'; readonly text: string; readonly port: number }
  | { readonly kind: 'ipv6-zone'; readonly text: string }
  | { readonly kind: 'not-ipv6'; readonly text: string }
  /** An IPv6 address with a port written without brackets, most likely. */
  | { readonly kind: 'not-ipv6-unbracketed'; readonly text: string }
  | { readonly kind: 'not-ipv4'; readonly text: string }
  | { readonly kind: 'host-name'; readonly text: string }
  /** 0.0.0.0 or ::: "any address" to a listening socket, no server's address. */
  | { readonly kind: 'unspecified'; readonly text: string }
  /** Both halves are wrong: both are said at once, not the port first and the host once it is fixed. */
  | {
      readonly kind: 'host-and-port';
      readonly host: Extract<EndpointProblem, { kind: 'not-ipv4' | 'not-ipv6' | 'host-name' }>;
      readonly port: Extract<EndpointProblem, { kind: 'invalid-port' | 'port-range' }>;
    };

export type EndpointCheck =
  | { readonly ok: true; readonly endpoint: CsEndpoint }
  | { readonly ok: false; readonly reason: string; readonly problem: EndpointProblem };

const EXPECTED =
  'expected an IPv4 address (10.0.0.5), an IPv6 address (fd00::5) or either with a port (10.0.0.5:443, [fd00::5]:443)';

/** The problem in the configurator's words (English, as the setup log has it). */
export function endpointReason(problem: EndpointProblem): string {
  switch (problem.kind) {
    case 'empty':
      return `the configuration server address is empty; ${EXPECTED}`;
    case 'spaces-around':
      return `"${problem.text}" has spaces around it; ${EXPECTED}`;
    case 'url':
      return `"${problem.text}" is a URL; give only the address and port, ${EXPECTED}`;
    case 'unclosed-bracket':
      return `"${problem.text}" opens "[" without closing it; ${EXPECTED}`;
    case 'after-address':
      return `"${problem.text}" has "${problem.rest}" after the address; ${EXPECTED}`;
    case 'invalid-port':
      return `"${problem.text}" has an invalid port "${problem.port}"; a port is a number from 1 to 65535`;
    case 'port-range':
      return `"${problem.text}" has port ${problem.port}, outside 1-65535`;
    case 'ipv6-zone':
      return `"${problem.text}" has an IPv6 zone ("%..."); give a global or unique-local address of the configuration server`;
    case 'not-ipv6':
      return `"${problem.text}" is not a valid IPv6 address; ${EXPECTED}`;
    case 'not-ipv6-unbracketed':
      return `"${problem.text}" is not a valid IPv6 address (write a port as [address]:port); ${EXPECTED}`;
    case 'not-ipv4':
      return `"${problem.text}" is not a valid IPv4 address; ${EXPECTED}`;
    case 'host-name':
      return `"${problem.text}" is a host name; the configurator takes the IP address of the configuration server; ${EXPECTED}`;
    case 'unspecified':
      return `"${problem.text}" is the unspecified address (any address, to a listening socket), not a server's; give the configuration server's own IP address`;
    case 'host-and-port':
      return `${endpointReason(problem.host)}; and ${endpointReason(problem.port)}`;
    default: {
      const unreachable: never = problem;
      return unreachable;
    }
  }
}

function refused(problem: EndpointProblem): EndpointCheck {
  return { ok: false, reason: endpointReason(problem), problem };
}

export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  return parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

export function isIPv6(text: string): boolean {
  if (text.length < 2 || text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string): string[] | undefined => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const group = all[i] as string;
    if (i === all.length - 1 && group.includes('.')) {
      // An embedded IPv4 tail (::ffff:10.0.0.5) stands for two groups.
      if (!isIPv4(group)) return false;
      count += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(group)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

function parsePort(text: string, whole: string): number | EndpointProblem {
  if (!/^\d{1,5}$/.test(text)) return { kind: 'invalid-port', text: whole, port: text };
  const port = Number(text);
  if (port < 1 || port > 65535) return { kind: 'port-range', text: whole, port };
  return port;
}

function portProblem(problem: EndpointProblem): Extract<EndpointProblem, { kind: 'invalid-port' | 'port-range' }> {
  if (problem.kind !== 'invalid-port' && problem.kind !== 'port-range') throw new Error('not a port problem');
  return problem;
}

export function parseCsEndpoint(raw: string): EndpointCheck {
  const text = raw.trim();
  if (text === '') return refused({ kind: 'empty' });
  if (text !== raw) return refused({ kind: 'spaces-around', text: raw });
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return refused({ kind: 'url', text: raw });
  let host: string;
  let port = DEFAULT_CS_PORT;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return refused({ kind: 'unclosed-bracket', text: raw });
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return refused({ kind: 'after-address', text: raw, rest });
      const parsed = parsePort(rest.slice(1), raw);
      if (typeof parsed !== 'number') {
        if (!host.includes('%') && !isIPv6(host))
          return refused({ kind: 'host-and-port', host: { kind: 'not-ipv6', text: host }, port: portProblem(parsed) });
        return refused(parsed);
      }
      port = parsed;
    }
    if (host.includes('%')) return refused({ kind: 'ipv6-zone', text: raw });
    if (!isIPv6(host)) return refused({ kind: 'not-ipv6', text: host });
  } else if (text.includes(':') && text.indexOf(':') === text.lastIndexOf(':') && !text.includes('::')) {
    host = text.slice(0, text.indexOf(':'));
    const parsed = parsePort(text.slice(text.indexOf(':') + 1), raw);
    const hostProblem = isIPv4(host)
      ? undefined
      : ({ kind: /[a-z]/i.test(host) ? 'host-name' : 'not-ipv4', text: host } as const);
    if (typeof parsed !== 'number')
      return refused(hostProblem ? { kind: 'host-and-port', host: hostProblem, port: portProblem(parsed) } : parsed);
    port = parsed;
    if (hostProblem) return refused(hostProblem);
  } else if (text.includes(':')) {
    host = text;
    if (host.includes('%')) return refused({ kind: 'ipv6-zone', text: raw });
    if (!isIPv6(host)) return refused({ kind: 'not-ipv6-unbracketed', text: raw });
  } else {
    host = text;
    if (!isIPv4(host)) return refused({ kind: /[a-z]/i.test(host) ? 'host-name' : 'not-ipv4', text: raw });
  }
  const family: 4 | 6 = host.includes(':') ? 6 : 4;
  if (family === 4 ? host === '0.0.0.0' : /^[0:]+$/.test(host)) return refused({ kind: 'unspecified', text: raw });
  const normalisedHost = family === 6 ? host.toLowerCase() : host;
  const display = family === 6 ? `[${normalisedHost}]:${port}` : `${normalisedHost}:${port}`;
  return { ok: true, endpoint: { host: normalisedHost, port, family, display } };
}
