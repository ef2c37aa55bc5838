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

export type EndpointCheck =
  { readonly ok: true; readonly endpoint: CsEndpoint } | { readonly ok: false; readonly reason: string };

const EXPECTED =
  'expected an IPv4 address (10.0.0.5), an IPv6 address (fd00::5) or either with a port (10.0.0.5:443, [fd00::5]:443)';

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

function parsePort(text: string, whole: string): number | string {
  if (!/^\d{1,5}$/.test(text)) return `"${whole}" has an invalid port "${text}"; a port is a number from 1 to 65535`;
  const port = Number(text);
  if (port < 1 || port > 65535) return `"${whole}" has port ${port}, outside 1-65535`;
  return port;
}

export function parseCsEndpoint(raw: string): EndpointCheck {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: `the configuration server address is empty; ${EXPECTED}` };
  if (text !== raw) return { ok: false, reason: `"${raw}" has spaces around it; ${EXPECTED}` };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
    return { ok: false, reason: `"${raw}" is a URL; give only the address and port, ${EXPECTED}` };
  let host: string;
  let port = DEFAULT_CS_PORT;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return { ok: false, reason: `"${raw}" opens "[" without closing it; ${EXPECTED}` };
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return { ok: false, reason: `"${raw}" has "${rest}" after the address; ${EXPECTED}` };
      const parsed = parsePort(rest.slice(1), raw);
      if (typeof parsed === 'string') return { ok: false, reason: parsed };
      port = parsed;
    }
    if (host.includes('%'))
      return {
        ok: false,
        reason: `"${raw}" has an IPv6 zone ("%..."); give a global or unique-local address of the configuration server`,
      };
    if (!isIPv6(host)) return { ok: false, reason: `"${host}" is not a valid IPv6 address; ${EXPECTED}` };
  } else if (text.includes(':') && text.indexOf(':') === text.lastIndexOf(':') && !text.includes('::')) {
    host = text.slice(0, text.indexOf(':'));
    const parsed = parsePort(text.slice(text.indexOf(':') + 1), raw);
    if (typeof parsed === 'string') return { ok: false, reason: parsed };
    port = parsed;
    if (!isIPv4(host)) return { ok: false, reason: `"${host}" is not a valid IPv4 address; ${EXPECTED}` };
  } else if (text.includes(':')) {
    host = text;
    if (host.includes('%'))
      return {
        ok: false,
        reason: `"${raw}" has an IPv6 zone ("%..."); give a global or unique-local address of the configuration server`,
      };
    if (!isIPv6(host))
      return {
        ok: false,
        reason: `"${raw}" is not a valid IPv6 address (write a port as [address]:port); ${EXPECTED}`,
      };
  } else {
    host = text;
    if (!isIPv4(host)) {
      const why = /[a-z]/i.test(host)
        ? 'is a host name; the configurator takes the IP address of the configuration server'
        : 'is not a valid IPv4 address';
      return { ok: false, reason: `"${raw}" ${why}; ${EXPECTED}` };
    }
  }
  const family: 4 | 6 = host.includes(':') ? 6 : 4;
  const normalisedHost = family === 6 ? host.toLowerCase() : host;
  const display = family === 6 ? `[${normalisedHost}]:${port}` : `${normalisedHost}:${port}`;
  return { ok: true, endpoint: { host: normalisedHost, port, family, display } };
}
