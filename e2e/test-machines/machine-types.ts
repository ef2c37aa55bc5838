import type { TmpfsMount } from './boot-script';
import type { CgroupMode } from './host-cgroups';
import type { HostKey, MachineUser } from './machine-root';
import type { CommandResult } from './run-command';

// The test machines' public types, apart from their implementation so that a machine and its fleet both
// import them without importing each other.

export interface MachineSpec {
  /** Content of the machine's /etc/os-release; default: this host's. */
  osRelease?: string;
  /** OpenSSH public key lines for /root/.ssh/authorized_keys. */
  authorizedKeys?: readonly string[];
  /** Extra users with a password (for password and keyboard-interactive tests), optionally with sudo. */
  users?: readonly MachineUser[];
  /** Lets sshd accept passwords and keyboard-interactive logins; default false (keys only). */
  passwordAuth?: boolean;
  /**
   * Size-limited tmpfs mounts inside the machine, e.g. `{ path: '/opt', sizeMb: 50 }` to simulate a full disk.
   * /usr/local is always a tmpfs; list it here to limit its size.
   */
  tmpfs?: readonly TmpfsMount[];
  /**
   * What boots as PID 1. 'systemd' (the default) and 'sysv' (Debian's sysvinit-core with sysv-rc, insserv and
   * startpar, from Debian's packages, over this host's root) run sshd; a busybox root is a folder the test made
   * (busybox-static as its only tools, no C library), booted by busybox init, with no sshd.
   */
  init?: 'systemd' | 'sysv' | { readonly busyboxRoot: string };
}

export interface FleetOptions {
  /** Default 'auto': hybrid when this host has a name=systemd hierarchy, otherwise unified. */
  cgroupMode?: CgroupMode | 'auto';
  /** Per machine, from launch to an SSH banner. Default 60 s. */
  bootTimeoutMs?: number;
  /** How long systemd may take to power off before it is killed. Default 15 s. */
  stopTimeoutMs?: number;
  /** Resolve startFleet only once every sshd answers. Default true. */
  waitForSsh?: boolean;
  /** Where the fleet's in-memory folder is mounted. Default os.tmpdir(). */
  tmpRoot?: string;
}

export interface ExecOptions {
  input?: string | Buffer;
  /** Default 30 s; on timeout the command is killed and the result has timedOut set. */
  timeoutMs?: number;
}

export type ExecResult = CommandResult;

export interface TestMachine {
  /** Also the machine's host name and network namespace name, e.g. 'tm-3fa9c1-0'. */
  readonly id: string;
  readonly index: number;
  readonly address: string;
  readonly netns: string;
  /** The host's PID of the machine's init (PID 1 inside): systemd, SysV init or busybox init. */
  readonly initPid: number;
  readonly hostKey: HostKey;
  /** Where systemd's console output goes, for diagnosing a machine that misbehaves. */
  readonly consoleLog: string;
  /** Runs argv inside the machine (all its namespaces, root and cwd of its PID 1) as root. */
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a shell command inside (as exec does, default timeout 60 s) and returns its stdout, trimmed; with check, a non-zero exit throws. */
  sh(command: string, options?: ExecOptions & { readonly check?: boolean }): Promise<string>;
  /** Polls TCP port 22 until sshd sends its banner; returns the banner line. */
  waitForSsh(timeoutMs?: number): Promise<string>;
  /** Kills the sshd processes serving `user`'s connections (drops them mid-session); true when there were any. */
  killSshSessions(user?: string): Promise<boolean>;
  /** Powers the machine off and removes everything it had on the host. Idempotent. */
  stop(): Promise<void>;
}

export interface Fleet {
  readonly id: string;
  readonly machines: TestMachine[];
  readonly bridge: string;
  /** e.g. '10.153.27.0/24' */
  readonly subnet: string;
  /** The host's address on the bridge. */
  readonly gateway: string;
  /** Milliseconds from startFleet's call until every machine was up (and answering SSH unless waitForSsh=false). */
  readonly bootMs: number;
  /** An address in the bridge's subnet that no machine has: a server that never answers. */
  unusedAddress(): string;
  /** Stops every machine and removes the bridge and the fleet's folders. Idempotent. */
  teardown(): Promise<void>;
}
