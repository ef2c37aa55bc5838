import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ERROR_CODES, setupError } from './error-catalog';
import { exitCodesFor, exitCodeStyleFor } from './exit-codes';
import { checkInstallLocationText, locationRemedy } from './install-location';
import { compareAgentVersions, packageFileName, parseAgentVersion, parsePackageName } from './package-name';
import { PACKAGE_LABELS, SUPPORT_MATRIX, supportRowByLabel, supportRowFor } from './support-matrix';

describe('error catalog', () => {
  it('has every code docs/architecture.md requires, each with a title and a remedy', () => {
    const required = [
      'INVALID_ARGUMENT',
      'NOT_ELEVATED',
      'UNSUPPORTED_OS',
      'PACKAGE_NOT_FOUND',
      'PACKAGE_INVALID',
      'INSUFFICIENT_DISK_SPACE',
      'INSTALL_LOCATION_INVALID',
      'ANOTHER_INSTALL_RUNNING',
      'INSTALL_FAILED',
      'COMPONENT_FAILED',
      'NOT_INSTALLED',
      'PASSPHRASE_FILE_UNREADABLE',
      'CS_UNREACHABLE',
      'CS_AUTH_FAILED',
      'CS_PROTOCOL_ERROR',
      'CS_RATE_LIMITED',
    ];
    for (const code of required) expect(ERROR_CODES).toContain(code);
    for (const code of ERROR_CODES) {
      expect(ERROR_CATALOG[code].remedy.length).toBeGreaterThan(20);
      expect(ERROR_CATALOG[code].title.length).toBeGreaterThan(5);
    }
  });

  it('fills in the catalog remedy unless a specific one is given', () => {
    expect(setupError('NOT_ELEVATED', 'x').remedy).toBe(ERROR_CATALOG.NOT_ELEVATED.remedy);
    expect(setupError('NOT_ELEVATED', 'x', 'do this').remedy).toBe('do this');
  });
});

describe('exit codes', () => {
  it('uses Windows Installer codes on Windows and small codes on Linux', () => {
    expect(exitCodesFor('succeeded', 'windows')).toEqual({ exitCode: 0, msiCode: 0 });
    expect(exitCodesFor('failed', 'windows')).toEqual({ exitCode: 1603, msiCode: 1603 });
    expect(exitCodesFor('busy', 'windows')).toEqual({ exitCode: 1618, msiCode: 1618 });
    expect(exitCodesFor('invalid-input', 'windows')).toEqual({ exitCode: 1639, msiCode: 1639 });
    expect(exitCodesFor('cancelled', 'windows')).toEqual({ exitCode: 1602, msiCode: 1602 });
    expect(exitCodesFor('failed', 'posix')).toEqual({ exitCode: 1, msiCode: 1603 });
    expect(exitCodesFor('invalid-input', 'posix')).toEqual({ exitCode: 2, msiCode: 1639 });
    expect(exitCodesFor('busy', 'posix')).toEqual({ exitCode: 3, msiCode: 1618 });
    expect(exitCodesFor('cancelled', 'posix')).toEqual({ exitCode: 4, msiCode: 1602 });
    expect(exitCodeStyleFor('win32')).toBe('windows');
    expect(exitCodeStyleFor('linux')).toBe('posix');
  });
});

describe('support matrix', () => {
  it('has every row of the seed table and the newer systems', () => {
    for (const label of [
      'RHEL6-64',
      'RHEL7-64',
      'SLES12-64',
      'SLES11-SP3-64',
      'SLES11-SP4-64',
      'OL6-64',
      'UBUNTU-14.04-64',
      'UBUNTU-16.04-64',
      'DEBIAN7-64',
      'DEBIAN8-64',
      'Windows',
    ]) {
      expect(supportRowByLabel(label)?.seed, label).toBe(true);
    }
    for (const label of [
      'RHEL8-64',
      'RHEL9-64',
      'OL7-64',
      'OL8-64',
      'OL9-64',
      'SLES15-64',
      'UBUNTU-18.04-64',
      'UBUNTU-20.04-64',
      'UBUNTU-22.04-64',
      'UBUNTU-24.04-64',
      'DEBIAN9-64',
      'DEBIAN10-64',
      'DEBIAN11-64',
      'DEBIAN12-64',
    ]) {
      expect(supportRowByLabel(label)?.seed, label).toBe(false);
    }
    expect(new Set(PACKAGE_LABELS).size).toBe(SUPPORT_MATRIX.length);
  });

  it('maps CentOS to the RHEL packages and keeps SLES service packs apart', () => {
    expect(supportRowFor('centos', '6.10')?.label).toBe('RHEL6-64');
    expect(supportRowFor('centos', '7')?.label).toBe('RHEL7-64');
    expect(supportRowFor('sles', '11.3')?.label).toBe('SLES11-SP3-64');
    expect(supportRowFor('sles', '11.4')?.label).toBe('SLES11-SP4-64');
    expect(supportRowFor('sles', '11.2')).toBeUndefined();
    expect(supportRowFor('sles', '12.2')?.label).toBe('SLES12-64');
    expect(supportRowFor('ol', '6.4')?.label).toBe('OL6-64');
    expect(supportRowFor('ol', '6.3')).toBeUndefined();
    expect(supportRowFor('ubuntu', '15.04')).toBeUndefined();
  });
});

describe('package names', () => {
  it('parses and builds the seed form', () => {
    const name = parsePackageName('Microsoft-ASR_UA_9.25.0.0_UBUNTU-16.04-64_GA_03Jun2019_release.tar.gz');
    expect(name).toMatchObject({
      versionText: '9.25.0.0',
      label: 'UBUNTU-16.04-64',
      releaseDate: '03Jun2019',
      extension: 'tar.gz',
    });
    expect(parsePackageName('Microsoft-ASR_UA_9.25.0.0_Windows_GA_03Jun2019_release.exe')?.label).toBe('Windows');
    expect(parsePackageName('Microsoft-ASR_UA_9.25_RHEL7-64_GA_03Jun2019_release.tar.gz')).toBeUndefined();
    expect(parsePackageName('evil_RHEL7-64_release.tar.gz')).toBeUndefined();
    expect(packageFileName('9.60.0.0', 'RHEL7-64', new Date('2026-11-05T12:00:00Z'))).toBe(
      'Microsoft-ASR_UA_9.60.0.0_RHEL7-64_GA_05Nov2026_release.tar.gz',
    );
  });

  it('compares versions numerically, not as text', () => {
    const v = (t: string) => parseAgentVersion(t) ?? [0, 0, 0, 0];
    expect(compareAgentVersions(v('9.10.0.0'), v('9.9.0.0'))).toBe(1);
    expect(compareAgentVersions(v('9.60.0.0'), v('9.60.0.0'))).toBe(0);
    expect(compareAgentVersions(v('9.60.0.0'), v('9.60.0.1'))).toBe(-1);
  });
});

describe('install location text', () => {
  it.each([
    ['/usr/local/ASR', true],
    ['/opt/asr/agent', true],
    ['/usr/local/ASR/', true],
    ['relative/path', false],
    ['/', false],
    ['/usr', false],
    ['/etc/asr', false],
    ['/usr/bin/asr', false],
    ['/proc/1', false],
    ['/usr/local/../etc', false],
    ['', false],
    [' /usr/local/ASR', false],
    // Security review finding 5: every staging and discard name must fit; invalid UTF-8 is refused.
    [`/opt/${'a'.repeat(200)}`, true],
    [`/opt/${'a'.repeat(201)}`, false],
    [`/opt/${'é'.repeat(100)}`, true],
    [`/opt/${'é'.repeat(101)}`, false],
    ['/opt/asr\uFFFD', false],
    // The release's loader reads its library path as a list split at : and ;.
    ['/opt/a:b/ASR', false],
    ['/opt/a;b', false],
  ])('linux %j -> %s', (value, ok) => {
    expect(checkInstallLocationText(value, 'linux').ok).toBe(ok);
  });

  it.each([
    ['C:\\Program Files (x86)\\Microsoft Azure Site Recovery', true],
    ['D:/ASR', true],
    ['C:\\Windows\\ASR', false],
    ['C:\\Program Files', false],
    ['C:\\', false],
    ['ASR', false],
    ['C:\\a|b', false],
  ])('windows %j -> %s', (value, ok) => {
    expect(checkInstallLocationText(value, 'win32').ok).toBe(ok);
  });

  it("says the remedy with the platform's own example path", () => {
    expect(locationRemedy('win32')).toMatch(
      /for example C:\\Program Files \(x86\)\\Microsoft Azure Site Recovery or D:\\ASR\.$/,
    );
    expect(locationRemedy('win32')).not.toContain('/usr/local');
    expect(locationRemedy('linux')).toMatch(/for example \/usr\/local\/ASR\.$/);
    expect(checkInstallLocationText('/opt/a:b', 'linux')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/list separators/),
    });
  });

  it('names the over-long folder name and the invalid text', () => {
    expect(checkInstallLocationText(`/opt/${'é'.repeat(101)}/ASR`, 'linux')).toEqual({
      ok: false,
      reason: expect.stringMatching(/is 202 bytes; each may be at most 200$/),
      problem: { kind: 'name-too-long', name: 'é'.repeat(40), bytes: 202, max: 200 },
    });
    expect(checkInstallLocationText('/opt/\uFFFDx', 'linux')).toEqual({
      ok: false,
      reason: expect.stringMatching(/not valid UTF-8/),
      problem: { kind: 'not-utf8' },
    });
  });

  it('normalises what it accepts and names the problem otherwise', () => {
    expect(checkInstallLocationText('/usr//local/ASR/', 'linux')).toEqual({ ok: true, path: '/usr/local/ASR' });
    const bad = checkInstallLocationText('/etc/asr', 'linux');
    expect(bad.ok === false && bad.reason).toContain('/etc');
  });
});
