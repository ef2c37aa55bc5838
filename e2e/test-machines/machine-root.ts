import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mustRun } from './run-command';

// A test machine is this host's own root seen through an overlay; this turns that view into a distinct, minimal
// machine before it boots: its own identity (os-release, hostname, machine-id, SSH host key), who may log in, and a
// systemd (or SysV init) that starts only what a container can run plus sshd. Node is removed so a release's own
// runtime is used.

export interface MachineUser {
  name: string;
  password: string;
  /** 'nopasswd': passwordless sudo; 'password': sudo asks for the user's password; absent: no sudo. */
  sudo?: 'nopasswd' | 'password';
}

export interface HostKey {
  type: string;
  /** The OpenSSH public key line, as in known_hosts after the host name. */
  publicKey: string;
  /** 'SHA256:<base64 without padding>', as ssh-keygen -l and ssh print it. */
  fingerprint: string;
}

export interface RootSetup {
  /** The machine's init: which of its configurations to write. */
  init: 'systemd' | 'sysv';
  hostname: string;
  address: string;
  osRelease: string;
  authorizedKeys: readonly string[];
  users: readonly MachineUser[];
  passwordAuth: boolean;
}

/** Units that touch the kernel or devices for the whole host, or that a container cannot run. */
const MASKED_UNITS = [
  'systemd-udevd.service',
  'systemd-udevd-control.socket',
  'systemd-udevd-kernel.socket',
  'systemd-udev-trigger.service',
  'systemd-udev-settle.service',
  'systemd-sysctl.service',
  'systemd-binfmt.service',
  'proc-sys-fs-binfmt_misc.automount',
  'proc-sys-fs-binfmt_misc.mount',
  'systemd-modules-load.service',
  'systemd-remount-fs.service',
  'kmod-static-nodes.service',
  'sys-kernel-config.mount',
  'sys-kernel-debug.mount',
  'sys-kernel-tracing.mount',
  'sys-fs-fuse-connections.mount',
  'dev-hugepages.mount',
  // A getty would sit on /dev/console, which is a log file here.
  'console-getty.service',
  'getty.target',
];

const NODE_BINARIES = ['/usr/bin/node', '/usr/bin/nodejs', '/usr/local/bin/node'];

const USER_NAME = /^[a-z_][a-z0-9_-]{0,30}$/;

function inRoot(root: string, file: string): string {
  return path.join(root, file);
}

function replaceFile(root: string, file: string, content: string, mode = 0o644): void {
  const target = inRoot(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Remove first: several of these are symlinks into the lower layer (/etc/os-release -> ../usr/lib/os-release).
  fs.rmSync(target, { force: true });
  fs.writeFileSync(target, content, { mode });
  fs.chmodSync(target, mode);
}

function link(root: string, file: string, to: string): void {
  const target = inRoot(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.rmSync(target, { force: true });
  fs.symlinkSync(to, target);
}

function configureSystemd(root: string): void {
  const etcUnits = inRoot(root, '/etc/systemd/system');
  // Only sshd is enabled on top of what the distribution's own targets pull in.
  for (const entry of fs.readdirSync(etcUnits, { withFileTypes: true })) {
    if (!entry.isDirectory() || !/\.(wants|requires)$/.test(entry.name)) continue;
    const dir = path.join(etcUnits, entry.name);
    for (const unit of fs.readdirSync(dir)) {
      if (unit !== 'ssh.service') fs.rmSync(path.join(dir, unit), { force: true });
    }
  }
  for (const unit of MASKED_UNITS) link(root, `/etc/systemd/system/${unit}`, '/dev/null');
  link(root, '/etc/systemd/system/multi-user.target.wants/ssh.service', '/lib/systemd/system/ssh.service');
  link(root, '/etc/systemd/system/default.target', '/lib/systemd/system/multi-user.target');
}

/** SysV init boots to runlevel 2 and starts only sshd there (as systemd's machines start only sshd). */
function configureSysv(root: string): void {
  replaceFile(root, '/etc/inittab', 'id:2:initdefault:\nsi::sysinit:/bin/true\nl2:2:wait:/etc/init.d/rc 2\n');
  for (const level of ['0', '1', '2', '3', '4', '5', '6', 'S']) {
    const dir = inRoot(root, `/etc/rc${level}.d`);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir))
      if (/^[SK]\d\d/.test(entry)) fs.rmSync(path.join(dir, entry), { force: true });
  }
  // insserv's order files, should this host have any, would name scripts no link starts any more.
  for (const entry of fs.readdirSync(inRoot(root, '/etc/init.d')))
    if (entry.startsWith('.depend.')) fs.rmSync(inRoot(root, `/etc/init.d/${entry}`), { force: true });
  link(root, '/etc/rc2.d/S01ssh', '../init.d/ssh');
}

/** A root the test made itself (busybox): a name, and an inittab that starts nothing, so init only reaps. */
export function prepareMinimalRoot(root: string, hostname: string): void {
  replaceFile(root, '/etc/hostname', `${hostname}\n`);
  replaceFile(root, '/etc/hosts', `127.0.0.1\tlocalhost\n127.0.1.1\t${hostname}\n`);
  replaceFile(root, '/etc/inittab', '::sysinit:/bin/true\n');
}

export function fingerprintOf(publicKeyLine: string): string {
  const blob = publicKeyLine.trim().split(/\s+/)[1];
  if (blob === undefined) throw new Error(`not an OpenSSH public key: ${publicKeyLine}`);
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

async function configureSsh(root: string, setup: RootSetup): Promise<HostKey> {
  const sshDir = inRoot(root, '/etc/ssh');
  for (const file of fs.readdirSync(sshDir)) {
    if (file.startsWith('ssh_host_')) fs.rmSync(path.join(sshDir, file), { force: true });
  }
  const keyFile = path.join(sshDir, 'ssh_host_ed25519_key');
  await mustRun(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `root@${setup.hostname}`, '-f', keyFile]);
  const yesNo = setup.passwordAuth ? 'yes' : 'no';
  // sshd takes the first value it reads for each keyword, and sshd_config includes this folder at its top.
  replaceFile(
    root,
    '/etc/ssh/sshd_config.d/00-test-machine.conf',
    [
      'HostKey /etc/ssh/ssh_host_ed25519_key',
      `PasswordAuthentication ${yesNo}`,
      `KbdInteractiveAuthentication ${yesNo}`,
      'PermitRootLogin prohibit-password',
      'UseDNS no',
      '',
    ].join('\n'),
  );
  const rootSsh = inRoot(root, '/root/.ssh');
  fs.mkdirSync(rootSsh, { recursive: true, mode: 0o700 });
  fs.chmodSync(rootSsh, 0o700);
  const keys = setup.authorizedKeys.map((key) => key.trim()).filter(Boolean);
  replaceFile(root, '/root/.ssh/authorized_keys', keys.length ? `${keys.join('\n')}\n` : '', 0o600);
  const publicKey = fs.readFileSync(`${keyFile}.pub`, 'utf8').trim();
  return { type: publicKey.split(' ')[0] ?? 'ssh-ed25519', publicKey, fingerprint: fingerprintOf(publicKey) };
}

async function addUser(root: string, user: MachineUser): Promise<void> {
  if (!USER_NAME.test(user.name)) throw new Error(`invalid user name: ${user.name}`);
  if (/[\n:]/.test(user.password)) throw new Error(`the password of ${user.name} may not contain ':' or a newline`);
  await mustRun(['chroot', root, 'useradd', '--create-home', '--shell', '/bin/bash', '--user-group', user.name]);
  await mustRun(['chroot', root, 'chpasswd'], { input: `${user.name}:${user.password}\n` });
  if (user.sudo === undefined) return;
  if (!fs.existsSync(inRoot(root, '/usr/bin/sudo'))) {
    throw new Error(`user ${user.name} needs sudo, which this host lacks: apt-get install -y sudo`);
  }
  const rule = user.sudo === 'nopasswd' ? 'ALL=(ALL:ALL) NOPASSWD: ALL' : 'ALL=(ALL:ALL) ALL';
  replaceFile(root, `/etc/sudoers.d/test-machine-${user.name}`, `${user.name} ${rule}\n`, 0o440);
}

/** Writes the machine's identity and configuration into the mounted overlay `root`; returns its SSH host key. */
export async function prepareRoot(root: string, setup: RootSetup): Promise<HostKey> {
  for (const file of NODE_BINARIES) fs.rmSync(inRoot(root, file), { force: true });
  const osRelease = setup.osRelease.endsWith('\n') ? setup.osRelease : `${setup.osRelease}\n`;
  replaceFile(root, '/etc/os-release', osRelease);
  replaceFile(root, '/usr/lib/os-release', osRelease);
  replaceFile(root, '/etc/hostname', `${setup.hostname}\n`);
  // Resolvable without DNS (there is none here): sudo and sshd look their own host name up.
  const hosts = [
    '127.0.0.1\tlocalhost',
    `127.0.1.1\t${setup.hostname}`,
    `${setup.address}\t${setup.hostname}`,
    '::1\tlocalhost ip6-localhost',
  ];
  replaceFile(root, '/etc/hosts', `${hosts.join('\n')}\n`);
  replaceFile(root, '/etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  if (setup.init === 'systemd') configureSystemd(root);
  else configureSysv(root);
  const hostKey = await configureSsh(root, setup);
  for (const user of setup.users) await addUser(root, user);
  return hostKey;
}
