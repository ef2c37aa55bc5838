import { afterAll, describe, expect, it } from 'vitest';
import { detectOs, parseOsRelease } from './os-detect';
import { systemLayout } from './system-layout';
import { fakeProbe, makeRoot, Scratch } from '../test-support/fixtures';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function osRelease(id: string, version: string, pretty: string): Record<string, string> {
  return { 'etc/os-release': `NAME="${pretty}"\nID=${id}\nVERSION_ID="${version}"\nPRETTY_NAME="${pretty}"\n` };
}

function detect(files: Record<string, string>) {
  const root = makeRoot(scratch, files);
  return detectOs(systemLayout('linux', root), fakeProbe());
}

// Every row of the seed's "Locate installer files" table, as those systems really describe themselves.
const seedRows: [string, Record<string, string>, string][] = [
  [
    'RHEL 6 (no os-release)',
    { 'etc/redhat-release': 'Red Hat Enterprise Linux Server release 6.10 (Santiago)\n' },
    'RHEL6-64',
  ],
  ['CentOS 6 (no os-release)', { 'etc/redhat-release': 'CentOS release 6.10 (Final)\n' }, 'RHEL6-64'],
  ['RHEL 7', osRelease('rhel', '7.9', 'Red Hat Enterprise Linux Server 7.9 (Maipo)'), 'RHEL7-64'],
  ['CentOS 7', osRelease('centos', '7', 'CentOS Linux 7 (Core)'), 'RHEL7-64'],
  ['CentOS 7 (release file only)', { 'etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n' }, 'RHEL7-64'],
  ['SLES 12 SP1', osRelease('sles', '12.1', 'SUSE Linux Enterprise Server 12 SP1'), 'SLES12-64'],
  ['SLES 12 SP2', osRelease('sles', '12.2', 'SUSE Linux Enterprise Server 12 SP2'), 'SLES12-64'],
  ['SLES 12 SP3', osRelease('sles', '12.3', 'SUSE Linux Enterprise Server 12 SP3'), 'SLES12-64'],
  [
    'SLES 11 SP3 (no os-release)',
    { 'etc/SuSE-release': 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 3\n' },
    'SLES11-SP3-64',
  ],
  [
    'SLES 11 SP4 (no os-release)',
    { 'etc/SuSE-release': 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n' },
    'SLES11-SP4-64',
  ],
  [
    'OL 6.4 (no os-release; redhat-release lies)',
    {
      'etc/oracle-release': 'Oracle Linux Server release 6.4\n',
      'etc/redhat-release': 'Red Hat Enterprise Linux Server release 6.4 (Santiago)\n',
    },
    'OL6-64',
  ],
  ['OL 6.5 (no os-release)', { 'etc/oracle-release': 'Oracle Linux Server release 6.5\n' }, 'OL6-64'],
  ['Ubuntu 14.04', osRelease('ubuntu', '14.04', 'Ubuntu 14.04.6 LTS'), 'UBUNTU-14.04-64'],
  ['Ubuntu 16.04', osRelease('ubuntu', '16.04', 'Ubuntu 16.04.7 LTS'), 'UBUNTU-16.04-64'],
  ['Debian 7', osRelease('debian', '7', 'Debian GNU/Linux 7 (wheezy)'), 'DEBIAN7-64'],
  ['Debian 8', osRelease('debian', '8', 'Debian GNU/Linux 8 (jessie)'), 'DEBIAN8-64'],
];

const newerRows: [string, Record<string, string>, string][] = [
  ['RHEL 8', osRelease('rhel', '8.10', 'Red Hat Enterprise Linux 8.10 (Ootpa)'), 'RHEL8-64'],
  ['RHEL 9', osRelease('rhel', '9.4', 'Red Hat Enterprise Linux 9.4 (Plow)'), 'RHEL9-64'],
  ['OL 7', osRelease('ol', '7.9', 'Oracle Linux Server 7.9'), 'OL7-64'],
  ['OL 8', osRelease('ol', '8.9', 'Oracle Linux Server 8.9'), 'OL8-64'],
  ['OL 9', osRelease('ol', '9.3', 'Oracle Linux Server 9.3'), 'OL9-64'],
  ['SLES 15 SP5', osRelease('sles', '15.5', 'SUSE Linux Enterprise Server 15 SP5'), 'SLES15-64'],
  ['Ubuntu 18.04', osRelease('ubuntu', '18.04', 'Ubuntu 18.04.6 LTS'), 'UBUNTU-18.04-64'],
  ['Ubuntu 20.04', osRelease('ubuntu', '20.04', 'Ubuntu 20.04.6 LTS'), 'UBUNTU-20.04-64'],
  ['Ubuntu 22.04', osRelease('ubuntu', '22.04', 'Ubuntu 22.04.4 LTS'), 'UBUNTU-22.04-64'],
  ['Ubuntu 24.04', osRelease('ubuntu', '24.04', 'Ubuntu 24.04 LTS'), 'UBUNTU-24.04-64'],
  ['Debian 9', osRelease('debian', '9', 'Debian GNU/Linux 9 (stretch)'), 'DEBIAN9-64'],
  ['Debian 10', osRelease('debian', '10', 'Debian GNU/Linux 10 (buster)'), 'DEBIAN10-64'],
  ['Debian 11', osRelease('debian', '11', 'Debian GNU/Linux 11 (bullseye)'), 'DEBIAN11-64'],
  ['Debian 12', osRelease('debian', '12', 'Debian GNU/Linux 12 (bookworm)'), 'DEBIAN12-64'],
];

describe('OS detection', () => {
  it.each(seedRows)('seed row: %s -> %s', (_name, files, label) => {
    const result = detect(files);
    expect(result.ok && result.row.label).toBe(label);
  });

  it.each(newerRows)('newer system: %s -> %s', (_name, files, label) => {
    const result = detect(files);
    expect(result.ok && result.row.label).toBe(label);
  });

  it.each([
    ['Ubuntu 15.04', osRelease('ubuntu', '15.04', 'Ubuntu 15.04')],
    ['SLES 11 SP2', { 'etc/SuSE-release': 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 2\n' }],
    ['Fedora 40', osRelease('fedora', '40', 'Fedora Linux 40')],
    ['OL 6.3', { 'etc/oracle-release': 'Oracle Linux Server release 6.3\n' }],
  ])('refuses an unsupported system: %s', (name, files) => {
    const result = detect(files);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain('not in the support matrix');
    expect(!result.ok && result.os?.description).toBeTruthy();
    void name;
  });

  it('says which files it looked for when there are none', () => {
    const result = detect({});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/os-release.*redhat-release.*oracle-release.*SuSE-release/);
  });

  it('detects Windows Server versions and refuses client editions', () => {
    const layout = systemLayout('win32', undefined);
    const server = detectOs(
      layout,
      fakeProbe({ platform: 'win32', windowsVersion: () => ({ release: '10.0.14393', server: true }) }),
    );
    expect(server.ok && server.row.label).toBe('Windows');
    expect(server.ok && server.os.description).toBe('Windows Server 2016');
    const r2 = detectOs(
      layout,
      fakeProbe({ platform: 'win32', windowsVersion: () => ({ release: '6.1.7601', server: true }) }),
    );
    expect(r2.ok && r2.os.description).toBe('Windows Server 2008 R2 SP1');
    const client = detectOs(
      layout,
      fakeProbe({ platform: 'win32', windowsVersion: () => ({ release: '10.0.14393', server: false }) }),
    );
    expect(client.ok).toBe(false);
  });

  it('parses quoted and unquoted os-release values', () => {
    expect(parseOsRelease('ID="sles"\nVERSION_ID=\'15.5\'\n# comment\nNAME=SLES\n')).toEqual({
      ID: 'sles',
      VERSION_ID: '15.5',
      NAME: 'SLES',
    });
  });
});
