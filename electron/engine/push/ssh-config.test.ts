import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SshConfig, SshConfigError } from './ssh-config';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssh-config-test-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let homes = 0;

/** A fresh home directory holding `files` (paths relative to it). */
function makeHome(files: Record<string, string>): string {
  const home = path.join(root, `home-${++homes}`);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(home, name)), { recursive: true });
    fs.writeFileSync(path.join(home, name), text);
  }
  return home;
}

/** ~/.ssh/config holding these lines (and any other files), loaded for local user alice. */
function load(lines: string[], files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const home = makeHome({ '.ssh/config': lines.join('\n'), ...files });
  const file = path.join(home, '.ssh', 'config');
  return { home, file, config: SshConfig.load(file, { home, localUser: 'alice', env }) };
}

function errorOf(work: () => unknown): SshConfigError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(SshConfigError);
    return error as SshConfigError;
  }
  throw new Error('expected an SshConfigError');
}

describe('SshConfig: hosts and first values', () => {
  it('gives an alias its HostName, User, Port and IdentityFile, and defaults to everything else', () => {
    const { home, config } = load([
      '# the web servers',
      '',
      'Host web',
      '  HostName web.example.com',
      '  User deploy',
      '  Port 2222',
      '  IdentityFile ~/.ssh/web_key',
    ]);
    expect(config.resolve('web')).toEqual({
      alias: 'web',
      hostName: 'web.example.com',
      user: 'deploy',
      port: 2222,
      identityFiles: [path.join(home, '.ssh', 'web_key')],
      identitiesOnly: false,
      identityAgent: undefined,
      proxyJump: undefined,
      userKnownHostsFiles: [],
      strictHostKeyChecking: undefined,
      connectTimeoutSeconds: undefined,
    });
    const other = config.resolve('db');
    expect(other.hostName).toBe('db');
    expect(other.user).toBeUndefined();
    expect(other.port).toBeUndefined();
    expect(other.identityFiles).toEqual([]);
  });

  it('keeps the first value obtained, but accumulates IdentityFile in order', () => {
    const { home, config } = load([
      'ConnectTimeout 15',
      'IdentityFile ~/.ssh/global',
      'Host web*',
      '  User first',
      '  Port 2200',
      '  IdentityFile ~/.ssh/web',
      '  UserKnownHostsFile ~/.ssh/kh_a ~/.ssh/kh_b',
      'Host *',
      '  User second',
      '  Port 2300',
      '  ConnectTimeout 99',
      '  IdentityFile ~/.ssh/any',
      '  IdentityFile ~/.ssh/web',
      '  UserKnownHostsFile ~/.ssh/kh_c',
    ]);
    const web = config.resolve('web1');
    expect(web.user).toBe('first');
    expect(web.port).toBe(2200);
    expect(web.connectTimeoutSeconds).toBe(15);
    const ssh = path.join(home, '.ssh');
    expect(web.identityFiles).toEqual(['global', 'web', 'any'].map((name) => path.join(ssh, name)));
    expect(web.userKnownHostsFiles).toEqual([path.join(ssh, 'kh_a'), path.join(ssh, 'kh_b')]);
    expect(config.resolve('db').user).toBe('second');
    expect(config.resolve('db').userKnownHostsFiles).toEqual([path.join(ssh, 'kh_c')]);
  });

  it('matches Host patterns with * and ?, case-insensitively, and skips a block a negated pattern matches', () => {
    const { config } = load([
      'Host *.prod.example.com !bastion.prod.example.com',
      '  User prod',
      'Host app? !app9',
      '  User app',
      'Host !lonely',
      '  User never',
      'Host *',
      '  User other',
    ]);
    expect(config.resolve('db.prod.example.com').user).toBe('prod');
    expect(config.resolve('DB.Prod.Example.com').user).toBe('prod');
    expect(config.resolve('bastion.prod.example.com').user).toBe('other');
    expect(config.resolve('app1').user).toBe('app');
    expect(config.resolve('app9').user).toBe('other');
    expect(config.resolve('app10').user).toBe('other');
    // A block with only negated patterns matches nothing.
    expect(config.resolve('somewhere').user).toBe('other');
  });

  it('reads Keyword=value, quoted arguments, trailing comments and \\r\\n line endings', () => {
    const { home, config } = load([
      'Host=web\r',
      '  hostname = web.example.com   # the real name\r',
      '  USER\tdeploy\r',
      '  IdentityFile "~/my keys/web key"\r',
    ]);
    const web = config.resolve('web');
    expect(web.hostName).toBe('web.example.com');
    expect(web.user).toBe('deploy');
    expect(web.identityFiles).toEqual([path.join(home, 'my keys', 'web key')]);
  });

  it('lowercases the host name (not an address), as ssh does before it connects', () => {
    const { config } = load(['Host web', '  HostName Web.Example.COM', 'Host v6', '  HostName FD00::A']);
    expect(config.resolve('web').hostName).toBe('web.example.com');
    expect(config.resolve('Plain').hostName).toBe('plain');
    expect(config.resolve('v6').hostName).toBe('FD00::A');
  });
});

describe('SshConfig: Match', () => {
  it('matches host against the HostName so far, originalhost against the alias, user and localuser', () => {
    const { config } = load([
      'Host short',
      '  HostName long.example.com',
      'Match host *.example.com !originalhost other',
      '  Port 2001',
      'Match originalhost short',
      '  IdentitiesOnly yes',
      'Match user deploy',
      '  ConnectTimeout 7',
      'Match localuser alice,bob',
      '  StrictHostKeyChecking accept-new',
      'Match !localuser alice',
      '  User never',
      'Match all',
      '  User deploy',
    ]);
    const short = config.resolve('short');
    expect(short.port).toBe(2001);
    expect(short.identitiesOnly).toBe(true);
    expect(short.strictHostKeyChecking).toBe('accept-new');
    // User is not set yet when `Match user` is read, so it sees the local user.
    expect(short.connectTimeoutSeconds).toBeUndefined();
    expect(short.user).toBe('deploy');
    expect(config.resolve('x.example.com').port).toBe(2001);
    expect(config.resolve('x.example.com', { user: 'deploy' }).connectTimeoutSeconds).toBe(7);
  });

  it('refuses Match exec and other criteria it cannot evaluate, naming the line, only where they decide', () => {
    const { file, config } = load([
      'Match host *.corp exec "test -e /tmp/flag"',
      '  User fromexec',
      'Match originalhost tagged* tagged t1',
      '  User tagged',
      'Host *',
      '  User plain',
    ]);
    expect(errorOf(() => config.resolve('a.corp')).message).toBe(
      `${file} line 1: Match exec cannot be evaluated: this tool never runs commands from the SSH config; ` +
        'use a Host block or those criteria for the servers it pushes to',
    );
    expect(errorOf(() => config.resolve('tagged1')).message).toMatch(
      new RegExp(`^${file} line 3: Match tagged cannot be evaluated`),
    );
    expect(config.resolve('laptop').user).toBe('plain');
  });

  it('reads the criterion=pattern form, and a Match it cannot evaluate fails only the hosts that reach it', () => {
    const { config } = load([
      'Match host=web* exec=/usr/bin/false',
      '  User fromexec',
      'Match user=alice',
      '  Port 2200',
    ]);
    expect(config.resolve('db').port).toBe(2200);
    expect(errorOf(() => config.resolve('web1')).message).toMatch(/config line 1: Match exec=\/usr\/bin\/false cannot/);
  });

  it('checks the syntax of Match lines at load', () => {
    expect(errorOf(() => load(['Match host'])).message).toContain('line 1: Match host needs patterns after it');
    expect(errorOf(() => load(['Match all host x'])).message).toContain(
      'line 1: Match all cannot be combined with other criteria',
    );
  });
});

describe('SshConfig: Include', () => {
  it('follows a relative glob from ~/.ssh in sorted order, and reports errors at the included line', () => {
    const { home, config } = load(['Include conf.d/*.conf missing.conf', 'Host *', '  User last'], {
      '.ssh/conf.d/20-web.conf': 'Host web\n  User from20\n  IdentityFile ~/.ssh/k20\n',
      '.ssh/conf.d/10-web.conf': 'Host web\n  User from10\n  IdentityFile ~/.ssh/k10\n',
      '.ssh/conf.d/notes.txt': 'Host web\n  User fromtxt\n',
    });
    const web = config.resolve('web');
    expect(web.user).toBe('from10');
    expect(web.identityFiles).toEqual([path.join(home, '.ssh', 'k10'), path.join(home, '.ssh', 'k20')]);
    expect(config.resolve('db').user).toBe('last');

    const broken = makeHome({ 'extra.conf': '\n\nBogusOption 1\n' });
    const error = errorOf(() => load([`Include ${path.join(broken, '*.conf')}`]));
    expect(error.message).toBe(
      `${path.join(broken, 'extra.conf')} line 3: unknown option "BogusOption": fix its spelling, or name it in IgnoreUnknown`,
    );
  });

  it('applies an Include inside a Host block only to that block, and a Host line in it does not leak out', () => {
    const { config } = load(
      ['Host jump', '  Include ~/.ssh/jump.conf', '  Port 2022', 'Host *', '  User everyone', '  Port 22'],
      { '.ssh/jump.conf': 'User jumper\nHost other\n  IdentitiesOnly yes\n' },
    );
    const jump = config.resolve('jump');
    expect(jump.user).toBe('jumper');
    // After the Include, the lines belong to `Host jump` again.
    expect(jump.port).toBe(2022);
    expect(jump.identitiesOnly).toBe(false);
    expect(config.resolve('db').user).toBe('everyone');
    // The included Host block never applies when its Include's block does not match.
    expect(config.resolve('other').identitiesOnly).toBe(false);
  });

  it('refuses an Include loop deeper than 16 files', () => {
    const error = errorOf(() => load(['Include ~/.ssh/config']));
    expect(error.message).toMatch(/\/\.ssh\/config line 1: Include nested more than 16 deep/);
  });

  it('reads a missing file as an empty config only when it is optional', () => {
    const home = makeHome({});
    const missing = path.join(home, '.ssh', 'config');
    const empty = SshConfig.load(missing, { home, localUser: 'alice', optional: true });
    expect(empty.resolve('web').hostName).toBe('web');
    expect(errorOf(() => SshConfig.load(missing, { home, localUser: 'alice' })).message).toContain(missing);
  });
});

describe('SshConfig: tokens and paths', () => {
  it('expands %h in HostName and ~ %d %h %n %p %r %u %% ${ENV} in paths', () => {
    const { home, config } = load(
      [
        'Host web',
        '  HostName %h.example.com',
        '  User deploy',
        '  Port 2200',
        '  IdentityFile ~/.ssh/id_%h_%p_%r',
        '  IdentityFile %d/keys/%n-%u-100%%',
        '  IdentityFile relative/key',
        '  IdentityFile ${KEYS}/web',
        '  IdentityAgent ~/.agent/%r.sock',
        '  UserKnownHostsFile ~/.ssh/known_%h',
      ],
      {},
      { KEYS: '/srv/keys' },
    );
    const web = config.resolve('web');
    expect(web.hostName).toBe('web.example.com');
    expect(web.identityFiles).toEqual([
      path.join(home, '.ssh', 'id_web.example.com_2200_deploy'),
      path.join(home, 'keys', 'web-alice-100%'),
      // OpenSSH opens a relative path from its working directory; here it is taken from home.
      path.join(home, 'relative', 'key'),
      '/srv/keys/web',
    ]);
    expect(web.identityAgent).toBe(path.join(home, '.agent', 'deploy.sock'));
    expect(web.userKnownHostsFiles).toEqual([path.join(home, '.ssh', 'known_web.example.com')]);
  });

  it('uses port 22 and the local user for %p and %r when they are not set', () => {
    const { home, config } = load(['IdentityFile ~/.ssh/%r@%h:%p']);
    expect(config.resolve('db').identityFiles).toEqual([path.join(home, '.ssh', 'alice@db:22')]);
  });

  it('refuses an unknown token at load, with the file and line', () => {
    const error = errorOf(() => load(['Host web', '  HostName %h.%p.example.com']));
    expect(error.message).toMatch(/config line 2: HostName uses the token %p, which is not known here/);
    expect(errorOf(() => load(['IdentityFile ~/.ssh/%Z'])).message).toMatch(
      /config line 1: IdentityFile uses the token %Z/,
    );
  });

  it('keeps IdentityAgent none and SSH_AUTH_SOCK, and reads $NAME from the environment (none when unset)', () => {
    const { config } = load(
      [
        'Host a',
        '  IdentityAgent none',
        'Host b',
        '  IdentityAgent SSH_AUTH_SOCK',
        'Host c',
        '  IdentityAgent $GPG_AGENT_SOCK',
        'Host d',
        '  IdentityAgent $UNSET_SOCK',
      ],
      {},
      { GPG_AGENT_SOCK: '/run/user/1000/gnupg/S.gpg-agent.ssh' },
    );
    expect(config.resolve('a').identityAgent).toBe('none');
    expect(config.resolve('b').identityAgent).toBe('SSH_AUTH_SOCK');
    expect(config.resolve('c').identityAgent).toBe('/run/user/1000/gnupg/S.gpg-agent.ssh');
    expect(config.resolve('d').identityAgent).toBe('none');
    expect(config.resolve('e').identityAgent).toBeUndefined();
  });

  it('refuses an environment variable that is not set, at the line that uses it', () => {
    const { file, config } = load(['Host web', '  IdentityFile ${NO_SUCH_DIR}/key']);
    expect(errorOf(() => config.resolve('web')).message).toBe(
      `${file} line 2: IdentityFile uses \${NO_SUCH_DIR}, which is not set: set it or write the path out`,
    );
    expect(config.resolve('db').identityFiles).toEqual([]);
  });

  it('reads ConnectTimeout in seconds or as a time, 0 and none leaving it unset', () => {
    const { config } = load([
      'Host a',
      '  ConnectTimeout 1m30s',
      'Host b',
      '  ConnectTimeout 0',
      'Host c',
      '  ConnectTimeout none',
    ]);
    expect(config.resolve('a').connectTimeoutSeconds).toBe(90);
    expect(config.resolve('b').connectTimeoutSeconds).toBeUndefined();
    expect(config.resolve('c').connectTimeoutSeconds).toBeUndefined();
    expect(errorOf(() => load(['ConnectTimeout soon'])).message).toMatch(
      /config line 1: ConnectTimeout "soon" is not a time/,
    );
  });
});

describe('SshConfig: ProxyJump', () => {
  it('reads a chain of jump hosts, ssh:// addresses and IPv6 in brackets', () => {
    const { config } = load(['Host app', '  ProxyJump admin@bastion:2222,ssh://ops@edge,[fd00::5]:2200']);
    expect(config.resolve('app').proxyJump).toEqual([
      { user: 'admin', host: 'bastion', port: 2222, spec: 'admin@bastion:2222' },
      { user: 'ops', host: 'edge', spec: 'ssh://ops@edge' },
      { host: 'fd00::5', port: 2200, spec: '[fd00::5]:2200' },
    ]);
  });

  it('tells an explicit none from not set, and keeps the first of ProxyJump and ProxyCommand', () => {
    const { config } = load([
      'Host direct',
      '  ProxyJump none',
      'Host viaproxynone',
      '  ProxyCommand none',
      'Host *',
      '  ProxyJump bastion',
    ]);
    expect(config.resolve('direct').proxyJump).toBe('none');
    expect(config.resolve('viaproxynone').proxyJump).toBe('none');
    expect(config.resolve('app').proxyJump).toEqual([{ host: 'bastion', spec: 'bastion' }]);
    expect(SshConfig.none({ home: '/home/alice', localUser: 'alice' }).resolve('app').proxyJump).toBeUndefined();
  });

  it('refuses a ProxyJump it cannot read at load', () => {
    expect(errorOf(() => load(['Host a', '  ProxyJump bastion:99999'])).message).toMatch(
      /config line 2: ProxyJump "bastion:99999": "99999" is not a port/,
    );
  });
});

describe('SshConfig: command-line overrides', () => {
  it('wins over the config and feeds %r, %p and Match user', () => {
    const { home, config } = load([
      'Match user admin',
      '  IdentitiesOnly yes',
      'Host web',
      '  User deploy',
      '  Port 2200',
      '  IdentityFile ~/.ssh/%r-%p',
    ]);
    const web = config.resolve('web', { user: 'admin', port: 2022 });
    expect(web.user).toBe('admin');
    expect(web.port).toBe(2022);
    expect(web.identityFiles).toEqual([path.join(home, '.ssh', 'admin-2022')]);
    expect(web.identitiesOnly).toBe(true);
    expect(config.resolve('web').identitiesOnly).toBe(false);
  });
});

describe('SshConfig: what this tool refuses', () => {
  it('refuses StrictHostKeyChecking no with the file and line, only for the hosts it applies to', () => {
    const { file, config } = load([
      'Host lab*',
      '  StrictHostKeyChecking no',
      'Host safe',
      '  StrictHostKeyChecking accept-new',
      'Host *',
      '  StrictHostKeyChecking off',
    ]);
    const error = errorOf(() => config.resolve('lab1'));
    expect(error.message).toBe(
      `${file} line 2: StrictHostKeyChecking no: this tool never connects without checking host keys; ` +
        'use accept-new to trust and record a server on first contact',
    );
    expect(errorOf(() => config.resolve('prod')).message).toContain(`${file} line 6:`);
    // The first value obtained wins: the later `off` never applies to `safe`.
    expect(config.resolve('safe').strictHostKeyChecking).toBe('accept-new');
  });

  it('refuses ProxyCommand and CertificateFile for the hosts they apply to, and passes ProxyCommand none', () => {
    const { file, config } = load([
      'Host legacy',
      '  ProxyCommand ssh -W %h:%p gateway',
      'Host certified',
      '  CertificateFile ~/.ssh/id_ed25519-cert.pub',
      'Host plain',
      '  ProxyCommand none',
      'Host jumped',
      '  ProxyJump bastion',
      '  ProxyCommand nc %h %p',
    ]);
    expect(errorOf(() => config.resolve('legacy')).message).toBe(
      `${file} line 2: ProxyCommand is not supported by this tool: this tool never runs commands from the SSH ` +
        'config: use ProxyJump; or keep it to hosts this tool does not push to',
    );
    expect(errorOf(() => config.resolve('certified')).message).toMatch(
      new RegExp(`^${file} line 4: CertificateFile is not supported by this tool`),
    );
    expect(config.resolve('plain').proxyJump).toBe('none');
    // ProxyJump none does not close ProxyCommand (parse_jump), so the ProxyCommand after it applies.
    const after = load(['Host *', '  ProxyJump none', '  ProxyCommand nc %h %p']);
    expect(errorOf(() => after.config.resolve('x')).message).toMatch(/config line 3: ProxyCommand is not supported/);
    // ProxyJump came first, so ssh ignores the ProxyCommand after it.
    expect(config.resolve('jumped').proxyJump).toEqual([{ host: 'bastion', spec: 'bastion' }]);
    expect(config.resolve('other').hostName).toBe('other');
  });

  it('refuses the other options that change the route or the key check, but not their harmless values', () => {
    const { config } = load([
      'Host a',
      '  HostKeyAlias other',
      'Host b',
      '  CanonicalizeHostname yes',
      'Host c',
      '  CanonicalizeHostname no',
      '  PKCS11Provider none',
      '  SecurityKeyProvider internal',
      'Host d',
      '  BindAddress 10.0.0.1',
    ]);
    expect(errorOf(() => config.resolve('a')).message).toMatch(/line 2: HostKeyAlias is not supported/);
    expect(errorOf(() => config.resolve('b')).message).toMatch(/line 4: CanonicalizeHostName is not supported/);
    expect(config.resolve('c').hostName).toBe('c');
    expect(errorOf(() => config.resolve('d')).message).toMatch(/line 10: BindAddress is not supported/);
    const none = load(['UserKnownHostsFile none']);
    expect(errorOf(() => none.config.resolve('x')).message).toMatch(/config line 1: UserKnownHostsFile none:/);
  });

  it('refuses an unknown keyword at load, as ssh does', () => {
    const error = errorOf(() => load(['Host web', '  HostNmae web.example.com']));
    expect(error.message).toMatch(/\/\.ssh\/config line 2: unknown option "HostNmae"/);
  });

  it('ignores valid OpenSSH options it does not need, and unknown ones named by IgnoreUnknown', () => {
    const { config } = load([
      'IgnoreUnknown UseKeychain,Foo*',
      'Host *',
      '  ServerAliveInterval 30',
      '  SendEnv LANG LC_*',
      '  ControlMaster auto',
      '  ControlPath ~/.ssh/cm-%C',
      '  ForwardAgent no',
      '  GSSAPIAuthentication yes',
      '  FooBar yes',
      '  User deploy',
    ]);
    expect(config.resolve('web').user).toBe('deploy');
    expect(errorOf(() => load(['Host *', '  FooBar yes'])).message).toMatch(/line 2: unknown option "FooBar"/);
  });

  it('refuses a Port outside 1-65535 at load', () => {
    expect(errorOf(() => load(['Host a', '  Port 0'])).message).toMatch(
      /config line 2: Port "0" is not a port number: use 1 to 65535/,
    );
    expect(errorOf(() => load(['Port 65536'])).message).toMatch(/config line 1: Port "65536"/);
    expect(errorOf(() => load(['Port ssh'])).message).toMatch(/config line 1: Port "ssh"/);
  });
});

describe('SshConfig.chain and none', () => {
  it('reads the user config first and the system one after, the first value obtained winning across both', () => {
    const user = load(['Host web', '  User mine']);
    const systemFile = path.join(makeHome({ ssh_config: 'Host *\n  User system\n  Port 2222\n' }), 'ssh_config');
    const system = SshConfig.load(systemFile, { home: user.home, localUser: 'alice', system: true });
    const chained = SshConfig.chain([user.config, system]);
    expect(chained.resolve('web')).toMatchObject({ user: 'mine', port: 2222 });
    expect(chained.resolve('db')).toMatchObject({ user: 'system', port: 2222 });
  });

  it('none() is like ssh -F none: nothing but the alias and the overrides', () => {
    const config = SshConfig.none({ home: '/home/alice', localUser: 'alice' });
    expect(config.resolve('web', { user: 'root', port: 2200 })).toEqual({
      alias: 'web',
      hostName: 'web',
      user: 'root',
      port: 2200,
      identityFiles: [],
      identitiesOnly: false,
      identityAgent: undefined,
      proxyJump: undefined,
      userKnownHostsFiles: [],
      strictHostKeyChecking: undefined,
      connectTimeoutSeconds: undefined,
    });
  });
});
