import { describe, expect, it } from 'vitest';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import { setupError } from '../../shared/error-catalog';
import { checkInstallLocationText } from '../../shared/install-location';
import { ALL_PASS } from '../test-support/fake-setup-api';
import {
  endpointMessage,
  locationMessage,
  preflightNews,
  refusedField,
  registerMissing,
  registrationFieldErrors,
} from './field-rules';
import { english } from '../test-support/english';

describe('field messages from the shared rules', () => {
  it('an empty install location says "Enter an install location", not a refused argument', () => {
    expect(english(locationMessage('', 'linux'))).toBe('Enter an install location');
    expect(english(locationMessage('   ', 'win32'))).toBe('Enter an install location');
    expect(english(locationMessage('/etc/asr', 'linux'))).toBe('"/etc/asr" is inside the system folder /etc');
    expect(english(locationMessage(`/${'x/'.repeat(513)}`, 'linux'))).toBe(
      'The install location is longer than 1024 characters',
    );
    expect(english(locationMessage('/opt/ASR', 'linux'))).toBeUndefined();
  });

  it('an empty IP address is missing, not wrong; a wrong one names why', () => {
    expect(english(endpointMessage(''))).toBeUndefined();
    expect(english(endpointMessage('10.'))).toContain('"10." is not a valid IPv4 address');
    expect(english(endpointMessage('[fd00::5]:443'))).toBeUndefined();
  });

  it('Register names what is missing; an address still being typed is not "wrong" yet', () => {
    expect(registerMissing('', '', false).map(english)).toEqual([
      "Enter the configuration server's IP address.",
      'Enter the passphrase, or load it from the passphrase file.',
    ]);
    expect(registerMissing('10.', 'p', false).map(english)).toEqual(["Enter the configuration server's IP address."]);
    expect(registerMissing('10.', 'p', true).map(english)).toEqual(['Correct the IP address.']);
    expect(registerMissing('10.0.0.5', 'p', true).map(english)).toEqual([]);
  });

  it('maps a refused argument to its field', () => {
    const refused = setupError(
      'INVALID_ARGUMENT',
      'setup:preflight: installLocation: Too small: expected string to have >=1 characters',
      'This is a bug in the wizard; please report it with the setup logs.',
    );
    expect(refusedField(refused)).toBe('installLocation');
    expect(refusedField(setupError('INVALID_ARGUMENT', '"x" is a host name'))).toBeUndefined();
    expect(refusedField(setupError('CS_AUTH_FAILED', 'setup:register: passphrase: no'))).toBeUndefined();
  });

  it('a refused passphrase marks the passphrase field; an unreachable server the IP address', () => {
    expect(english(registrationFieldErrors(setupError('CS_AUTH_FAILED', 'the server rejected it')).passphrase)).toMatch(
      /rejected this passphrase/,
    );
    expect(english(registrationFieldErrors(setupError('CS_UNREACHABLE', 'no answer')).endpoint)).toMatch(
      /No configuration/,
    );
    expect(registrationFieldErrors(setupError('CS_PROTOCOL_ERROR', 'odd'))).toEqual({});
    expect(registrationFieldErrors(undefined)).toEqual({});
  });
});

describe('the shared rules, in the words of the wizard', () => {
  const sentence = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

  it.each([
    ['relative/ASR', 'linux'],
    ['/opt/../ASR', 'linux'],
    ['/usr', 'linux'],
    ['/', 'linux'],
    ['/etc/asr', 'linux'],
    [' /opt/ASR', 'linux'],
    ['/opt/a\u0001', 'linux'],
    ['/opt/\uFFFD', 'linux'],
    [`/opt/${'é'.repeat(101)}`, 'linux'],
    [`/${'x/'.repeat(513)}`, 'linux'],
    ['ASR', 'win32'],
    ['C:\\Program Files', 'win32'],
    ['C:\\Windows\\ASR', 'win32'],
    ['C:\\ASR?', 'win32'],
    ['C:\\ASR \\x', 'win32'],
  ] as const)('says what the CLI says about the install location %j (%s)', (raw, platform) => {
    const check = checkInstallLocationText(raw, platform);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(english(locationMessage(raw, platform))).toBe(sentence(check.reason));
  });

  it.each([
    '10.',
    'cs.contoso.com',
    '10.0.0.5:70000',
    '10.0.0.5:x',
    'fe80::1%eth0',
    '[fd00::5',
    '[fd00::5]x',
    '[fd00::5%1]',
    '[zz::1]',
    'fd00::5:443:x',
    'https://10.0.0.5',
    ' 10.0.0.5',
  ])('says what the configurator says about the address %j', (raw) => {
    const parsed = parseCsEndpoint(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(english(endpointMessage(raw))).toBe(parsed.reason);
  });
});

describe('what a prerequisites check announces', () => {
  const failing = {
    ...ALL_PASS,
    canInstall: false,
    items: [
      { id: 'os', title: 'Supported operating system', ok: true, message: 'Debian 12' },
      { id: 'location', title: 'Install location', ok: false, message: 'not empty' },
    ],
  };
  const passing = { ...failing, canInstall: true, items: [failing.items[0]!, { ...failing.items[1]!, ok: true }] };

  it('the first result in one line, then only what changed', () => {
    expect(preflightNews(undefined, failing).map(english)).toEqual(['1 of 2 prerequisites failed: Install location.']);
    expect(preflightNews(undefined, passing).map(english)).toEqual(['All 2 prerequisites passed.']);
    expect(preflightNews(failing, passing).map(english)).toEqual(['Install location: passed.']);
    expect(preflightNews(passing, passing)).toEqual([]);
  });
});
