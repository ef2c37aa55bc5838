import { describe, expect, it } from 'vitest';
import {
  installCommandLines,
  PASSPHRASE_FILE_PLACEHOLDER,
  posixQuote,
  registerCommandLines,
  windowsQuote,
} from './command-line-text';

describe('installCommandLines', () => {
  it("gives the seed's two silent install commands for the default location", () => {
    const lines = installCommandLines({ role: 'MS', platform: 'VmWare', installLocation: '/usr/local/ASR' });
    // A Linux path never goes into a Windows command: Windows gets its own default location.
    expect(lines.windows.text).toBe(
      'UnifiedAgent.exe /Role "MS" /InstallLocation "C:\\Program Files (x86)\\Microsoft Azure Site Recovery" /Platform "VmWare" /Silent',
    );
    expect(lines.linux.text).toBe('sudo ./install -d /usr/local/ASR -r MS -v VmWare -q');
    expect(lines.linux.argv).toEqual(['sudo', './install', '-d', '/usr/local/ASR', '-r', 'MS', '-v', 'VmWare', '-q']);
  });

  it('quotes a location with spaces and quotes for each shell', () => {
    const lines = installCommandLines({ role: 'MT', platform: 'Azure', installLocation: "/opt/ASR agent's dir" });
    expect(lines.linux.text).toBe(`sudo ./install -d '/opt/ASR agent'\\''s dir' -r MT -v Azure -q`);
    const windows = installCommandLines({ role: 'MT', platform: 'Azure', installLocation: 'D:\\ASR "agent"' });
    expect(windows.windows.text).toBe(
      `UnifiedAgent.exe /Role "MT" /InstallLocation "D:\\ASR \\"agent\\"" /Platform "Azure" /Silent`,
    );
    // And a Windows path never goes into the Linux command.
    expect(windows.linux.text).toBe('sudo ./install -d /usr/local/ASR -r MT -v Azure -q');
  });

  it('keeps a Windows path ending in a backslash intact inside its quotes', () => {
    const lines = installCommandLines({
      role: 'MS',
      platform: 'VmWare',
      installLocation: 'C:\\Program Files (x86)\\Microsoft Azure Site Recovery\\',
    });
    expect(lines.windows.text).toContain(
      '/InstallLocation "C:\\Program Files (x86)\\Microsoft Azure Site Recovery\\\\" /Platform',
    );
  });
});

describe('registerCommandLines', () => {
  it('reads the passphrase from a placeholder file and never inline', () => {
    const lines = registerCommandLines({ endpoint: '10.0.0.5:8443', installLocation: '/usr/local/ASR' });
    expect(lines.windows.text).toBe(
      `UnifiedAgentConfigurator.exe /CSEndPoint 10.0.0.5:8443 /PassphraseFilePath ${PASSPHRASE_FILE_PLACEHOLDER.windows}`,
    );
    expect(lines.linux.text).toBe(
      '/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh -i 10.0.0.5:8443 -P /root/passphrase.txt',
    );
  });

  it('quotes an IPv6 endpoint for sh (brackets glob) and an install location with a space', () => {
    const lines = registerCommandLines({ endpoint: '[fd00::5]:8443', installLocation: '/opt/my ASR/' });
    expect(lines.linux.text).toBe(
      "'/opt/my ASR/Vx/bin/UnifiedAgentConfigurator.sh' -i '[fd00::5]:8443' -P /root/passphrase.txt",
    );
    expect(lines.windows.argv[2]).toBe('[fd00::5]:8443');
  });
});

describe('quoting', () => {
  it.each([
    ['plain', 'plain'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", `'it'\\''s'`],
    ['$HOME', "'$HOME'"],
    ['*.txt', "'*.txt'"],
    ['a;b', "'a;b'"],
    ['~root', "'~root'"],
    ['/usr/local/ASR', '/usr/local/ASR'],
  ])('posixQuote(%j) is %s', (word, quoted) => {
    expect(posixQuote(word)).toBe(quoted);
  });

  it.each([
    ['plain', false, 'plain'],
    ['plain', true, '"plain"'],
    ['a b', false, '"a b"'],
    ['say "hi"', false, '"say \\"hi\\""'],
    ['C:\\dir\\', false, 'C:\\dir\\'],
    ['C:\\my dir\\', false, '"C:\\my dir\\\\"'],
    ['a\\"b', false, '"a\\\\\\"b"'],
    ['', false, '""'],
  ])('windowsQuote(%j, %s) is %s', (word, always, quoted) => {
    expect(windowsQuote(word, always)).toBe(quoted);
  });
});
