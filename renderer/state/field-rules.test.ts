import { describe, expect, it } from 'vitest';
import { setupError } from '../../shared/error-catalog';
import { ALL_PASS } from '../test-support/fake-setup-api';
import {
  endpointMessage,
  locationMessage,
  preflightNews,
  refusedField,
  registerMissing,
  registrationFieldErrors,
} from './field-rules';

describe('field messages from the shared rules', () => {
  it('an empty install location says "Enter an install location", not a refused argument', () => {
    expect(locationMessage('', 'linux')).toBe('Enter an install location');
    expect(locationMessage('   ', 'win32')).toBe('Enter an install location');
    expect(locationMessage('/etc/asr', 'linux')).toBe('"/etc/asr" is inside the system folder /etc');
    expect(locationMessage(`/${'x/'.repeat(513)}`, 'linux')).toBe(
      'The install location is longer than 1024 characters',
    );
    expect(locationMessage('/opt/ASR', 'linux')).toBeUndefined();
  });

  it('an empty IP address is missing, not wrong; a wrong one names why', () => {
    expect(endpointMessage('')).toBeUndefined();
    expect(endpointMessage('10.')).toContain('"10." is not a valid IPv4 address');
    expect(endpointMessage('[fd00::5]:443')).toBeUndefined();
  });

  it('Register names what is missing; an address still being typed is not "wrong" yet', () => {
    expect(registerMissing('', '', false)).toEqual([
      "Enter the configuration server's IP address",
      'Enter the passphrase, or load it from the passphrase file',
    ]);
    expect(registerMissing('10.', 'p', false)).toEqual(["Enter the configuration server's IP address"]);
    expect(registerMissing('10.', 'p', true)).toEqual(['Correct the IP address']);
    expect(registerMissing('10.0.0.5', 'p', true)).toEqual([]);
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
    expect(registrationFieldErrors(setupError('CS_AUTH_FAILED', 'the server rejected it')).passphrase).toMatch(
      /rejected this passphrase/,
    );
    expect(registrationFieldErrors(setupError('CS_UNREACHABLE', 'no answer')).endpoint).toMatch(/No configuration/);
    expect(registrationFieldErrors(setupError('CS_PROTOCOL_ERROR', 'odd'))).toEqual({});
    expect(registrationFieldErrors(undefined)).toEqual({});
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
    expect(preflightNews(undefined, failing)).toBe('1 of 2 prerequisites failed: Install location.');
    expect(preflightNews(undefined, passing)).toBe('All 2 prerequisites passed.');
    expect(preflightNews(failing, passing)).toBe('Install location: passed.');
    expect(preflightNews(passing, passing)).toBe('');
  });
});
