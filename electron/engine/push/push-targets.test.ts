import { describe, expect, it } from 'vitest';
import { parseHostsFile, parseServerSpec, parseTarget } from './push-targets';

describe('a server as the admin writes it', () => {
  it.each([
    ['10.0.0.5', { host: '10.0.0.5', port: 22, user: 'root' }],
    ['admin@10.0.0.5:2222', { host: '10.0.0.5', port: 2222, user: 'admin' }],
    ['web01.contoso.local', { host: 'web01.contoso.local', port: 22, user: 'root' }],
    ['fd00::5', { host: 'fd00::5', port: 22, user: 'root' }],
    ['ops@[fd00::5]:2200', { host: 'fd00::5', port: 2200, user: 'ops' }],
  ])('%s', (spec, expected) => {
    expect(parseTarget(spec, 'root')).toEqual({ ok: true, target: { spec, ...expected } });
  });

  it.each([
    ['10.0.0.5:0', /is not a port from 1 to 65535/],
    ['10.0.0.5:70000', /is not a port/],
    ['web_01', /neither an IP address nor a host name/],
    ['-oProxyCommand=x', /neither an IP address nor a host name/],
    ['[fd00::5', /without its \]/],
    ['[10.0.0.5]:22', /is not an IPv6 address/],
    ['ro ot@10.0.0.5', /is not a valid user name/],
    ['', /an empty server entry/],
  ])('%s is refused', (spec, reason) => {
    const parsed = parseTarget(spec, 'root');
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toMatch(reason);
  });

  it('reads a hosts file with comments, naming every bad line', () => {
    const parsed = parseHostsFile(
      '# web tier\n10.0.0.5\nadmin@10.0.0.6:2222  # second\n\nbad host\n10.0.0.7:x\n',
      'root',
    );
    expect(parsed.targets.map((t) => `${t.user}@${t.host}:${t.port}`)).toEqual([
      'root@10.0.0.5:22',
      'admin@10.0.0.6:2222',
    ]);
    expect(parsed.problems).toEqual([
      'line 5: "bad host": "bad host" is neither an IP address nor a host name',
      'line 6: "10.0.0.7:x": "x" is not a port from 1 to 65535',
    ]);
  });
});

describe('a server entry, before the SSH config is read', () => {
  it.each([
    ['web-1', { host: 'web-1' }],
    ['ops@web-1', { host: 'web-1', user: 'ops' }],
    ['web-1:2222', { host: 'web-1', port: 2222 }],
    ['fd00::5', { host: 'fd00::5' }],
    ['[fd00::5]:2200', { host: 'fd00::5', port: 2200 }],
    ['ops@[fd00::5]', { host: 'fd00::5', user: 'ops' }],
  ])('%s keeps only the user and port written, so the config can supply the rest', (spec, expected) => {
    expect(parseServerSpec(spec)).toEqual({ ok: true, entry: { spec, ...expected } });
  });
});
