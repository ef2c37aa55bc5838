import { describe, expect, it } from 'vitest';
import { isIPv6, parseCsEndpoint } from './cs-endpoint';

describe('configuration server endpoint', () => {
  it.each([
    ['10.0.0.5', '10.0.0.5', 443, 4, '10.0.0.5:443'],
    ['10.0.0.5:8443', '10.0.0.5', 8443, 4, '10.0.0.5:8443'],
    ['127.0.0.1:1', '127.0.0.1', 1, 4, '127.0.0.1:1'],
    ['255.255.255.255:65535', '255.255.255.255', 65535, 4, '255.255.255.255:65535'],
    ['0.0.0.1', '0.0.0.1', 443, 4, '0.0.0.1:443'],
    ['::1', '::1', 443, 6, '[::1]:443'],
    ['[::1]:8443', '::1', 8443, 6, '[::1]:8443'],
    ['[::1]', '::1', 443, 6, '[::1]:443'],
    ['fd00::5', 'fd00::5', 443, 6, '[fd00::5]:443'],
    ['FD00:0:0:0:0:0:0:5', 'fd00:0:0:0:0:0:0:5', 443, 6, '[fd00:0:0:0:0:0:0:5]:443'],
    ['2001:db8::8a2e:370:7334', '2001:db8::8a2e:370:7334', 443, 6, '[2001:db8::8a2e:370:7334]:443'],
    ['[2001:db8::1]:443', '2001:db8::1', 443, 6, '[2001:db8::1]:443'],
    ['::ffff:10.0.0.5', '::ffff:10.0.0.5', 443, 6, '[::ffff:10.0.0.5]:443'],
    ['[::1]:9000', '::1', 9000, 6, '[::1]:9000'],
  ])('accepts %j', (text, host, port, family, display) => {
    const result = parseCsEndpoint(text);
    expect(result).toEqual({ ok: true, endpoint: { host, port, family, display } });
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    [' 10.0.0.5', /spaces/],
    ['cs.contoso.com', /host name/],
    ['localhost', /host name/],
    ['https://10.0.0.5', /is a URL/],
    ['10.0.0', /not a valid IPv4/],
    ['10.0.0.256', /not a valid IPv4/],
    ['10.0.0.05', /not a valid IPv4/],
    ['1.2.3.4.5', /not a valid IPv4/],
    ['10.0.0.5:', /invalid port ""/],
    ['10.0.0.5:0', /outside 1-65535/],
    ['10.0.0.5:65536', /outside 1-65535/],
    ['10.0.0.5:443x', /invalid port/],
    ['10.0.0.5:-1', /invalid port/],
    ['::1:443x', /not a valid IPv6/],
    ['[::1', /without closing/],
    ['[::1]443', /after the address/],
    ['[10.0.0.5]:443', /not a valid IPv6/],
    ['2001:db8::1::2', /not a valid IPv6/],
    ['2001:db8:0:0:0:0:0:0:1', /not a valid IPv6/],
    ['fe80::1%eth0', /zone/],
    ['[fe80::1%eth0]:443', /zone/],
    ['12345::', /not a valid IPv6/],
    ['g::1', /not a valid IPv6/],
  ])('refuses %j, naming the problem and the expected form', (text, reason) => {
    const result = parseCsEndpoint(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it.each(['0.0.0.0', '0.0.0.0:443', '::', '[::]:443', '0:0:0:0:0:0:0:0'])(
    "refuses the unspecified address %j: it is no server's",
    (text) => {
      const result = parseCsEndpoint(text);
      expect(!result.ok && result.problem.kind).toBe('unspecified');
      expect(!result.ok && result.reason).toMatch(/unspecified address/);
    },
  );

  it('says a bad host and a bad port at once, not the port first and the host once that is fixed', () => {
    for (const [text, host] of [
      ['abc:99999', /"abc" is a host name/],
      ['10.0.0.300:x', /"10\.0\.0\.300" is not a valid IPv4/],
      ['[fd00::zz]:0', /"fd00::zz" is not a valid IPv6/],
    ] as const) {
      const result = parseCsEndpoint(text);
      expect(!result.ok && result.problem.kind, text).toBe('host-and-port');
      expect(!result.ok && result.reason, text).toMatch(host);
      expect(!result.ok && result.reason, text).toMatch(/; and .*port/);
    }
  });

  it('counts IPv6 groups exactly', () => {
    expect(isIPv6('1:2:3:4:5:6:7:8')).toBe(true);
    expect(isIPv6('1:2:3:4:5:6:7')).toBe(false);
    expect(isIPv6('1:2:3:4:5:6:7::')).toBe(true);
    expect(isIPv6('1:2:3:4:5:6:1.2.3.4')).toBe(true);
    expect(isIPv6('1:2:3:4:5:6:7:1.2.3.4')).toBe(false);
  });
});
