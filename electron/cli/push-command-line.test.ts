import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PASSPHRASE_FILE_PLACEHOLDER, pushCommandLine, PUSH_FILE_PLACEHOLDERS } from '../../shared/command-line-text';
import { PUSH_INSTALL_OPTIONS } from './push-install-options';

// The wizard's "Show command line" for a push: the command is one push-install takes, option for option, with
// the settings of the form and no secret in it (the password and the passphrase are read from files).

const BASE = {
  user: 'admin',
  jump: 'ops@bastion.contoso.local',
  role: 'MS' as const,
  platform: 'VmWare' as const,
  installLocation: '/opt/ASR agent',
  parallel: 8,
  canary: 2,
  maxFailures: '10%',
};

function parsed(argv: readonly string[]) {
  expect(argv.slice(0, 5)).toEqual(['npm', 'run', '-s', 'push-install', '--']);
  return parseArgs({ args: [...argv.slice(5)], options: PUSH_INSTALL_OPTIONS, strict: true, allowPositionals: false })
    .values;
}

describe('the push command line the wizard shows', () => {
  it('takes a few servers inline, a key file, the bastion, the rollout and the passphrase file', () => {
    const line = pushCommandLine({
      ...BASE,
      hosts: ['10.0.0.7', 'admin@web-01:2222'],
      keyFile: '/home/admin/.ssh/id_ed25519',
      csEndpoint: '10.0.0.5:443',
    });
    expect(parsed(line.argv)).toMatchObject({
      host: ['10.0.0.7', 'admin@web-01:2222'],
      user: 'admin',
      identity: '/home/admin/.ssh/id_ed25519',
      jump: ['ops@bastion.contoso.local'],
      role: 'MS',
      platform: 'VmWare',
      'install-location': '/opt/ASR agent',
      'cs-endpoint': '10.0.0.5:443',
      'passphrase-file': PASSPHRASE_FILE_PLACEHOLDER.linux,
      parallel: '8',
      canary: '2',
      'max-failures': '10%',
    });
    expect(line.text).toContain("--install-location '/opt/ASR agent'");
  });

  it('puts many servers in a hosts file and a password in a file; installs only without a CS', () => {
    const line = pushCommandLine({
      ...BASE,
      hosts: ['a', 'b', 'c', 'd', 'e'],
      keyFile: null,
      csEndpoint: null,
      canary: null,
      maxFailures: null,
    });
    const values = parsed(line.argv);
    expect(values).toMatchObject({
      hosts: PUSH_FILE_PLACEHOLDERS.servers,
      'password-file': PUSH_FILE_PLACEHOLDERS.password,
    });
    expect(values).not.toHaveProperty('host');
    expect(values).not.toHaveProperty('cs-endpoint');
    expect(values).not.toHaveProperty('canary');
  });
});
