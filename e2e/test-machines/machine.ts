import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import { launcherArgv } from './boot-script';
import {
  createMachineCgroups,
  hierarchiesFor,
  machineCgroupDir,
  mountsUnder,
  removeCgroups,
  removeCgroupsSync,
} from './host-cgroups';
import type { CgroupHierarchy, CgroupMode } from './host-cgroups';
import { prepareMinimalRoot, prepareRoot } from './machine-root';
import type { HostKey } from './machine-root';
import { TOOL_ENV, deleteUnlessGone, mustRun, runCommand, runCommandSync } from './run-command';
import type { ExecOptions, ExecResult, MachineSpec, TestMachine } from './machine-types';

// One test machine: its root prepared on the fleet's tmpfs, its veth on the fleet's bridge, its cgroups, and
// its systemd booted (and stopped) in namespaces of its own.

export const FIRST_HOST = 10;
/** systemd's request to power off: SIGRTMIN+4. */
const SIGRTMIN_PLUS_4 = 38;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

function tryKill(pid: number, signal: NodeJS.Signals | number): void {
  if (pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // gone already
  }
}

/** Connects to address:port and reads the server's first line; rejects unless it is an SSH banner. */
export function readSshBanner(address: string, port = 22, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port });
    let received = '';
    const finish = (error: Error | undefined, banner?: string): void => {
      socket.destroy();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(banner ?? '');
    };
    const timer = setTimeout(
      () => finish(new Error(`no SSH banner from ${address}:${port} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end < 0) return;
      const line = received.slice(0, end).replace(/\r$/, '');
      finish(line.startsWith('SSH-') ? undefined : new Error(`not an SSH banner: ${line}`), line);
    });
    socket.on('error', (error) => finish(error));
    socket.on('end', () => finish(new Error(`${address}:${port} closed before its banner`)));
  });
}

// ---- subnet choice ----------------------------------------------------------------------------------------------

export interface MachineContext {
  fleetId: string;
  fleetDir: string;
  bridge: string;
  gateway: string;
  hierarchies: readonly CgroupHierarchy[];
  cgroupMode: CgroupMode;
  bootTimeoutMs: number;
  stopTimeoutMs: number;
  /** The unpacked SysV init layer (sysv-layer.ts), when a machine of the fleet boots SysV init. */
  sysvLayer?: string;
}

export class Machine implements TestMachine {
  readonly id: string;
  readonly netns: string;
  readonly address: string;
  readonly consoleLog: string;
  initPid = 0;
  hostKey: HostKey = { type: '', publicKey: '', fingerprint: '' };
  private readonly dir: string;
  private readonly hostVeth: string;
  private cgroups: string[] = [];
  private launcher: ChildProcess | undefined;
  private launcherExit: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;

  constructor(
    readonly index: number,
    private readonly spec: MachineSpec,
    private readonly context: MachineContext,
  ) {
    this.id = `tm-${context.fleetId}-${index}`;
    this.netns = this.id;
    this.hostVeth = `tmv-${context.fleetId}-${index}`;
    this.address = `${context.gateway.split('.').slice(0, 3).join('.')}.${FIRST_HOST + index}`;
    this.dir = path.join(context.fleetDir, this.id);
    this.consoleLog = path.join(this.dir, 'console.log');
  }

  /** What this machine creates on the host, named before it is created (the fleet's ledger records it). */
  hostResources(): { netns: string; hostVeth: string; cgroups: string[] } {
    const hierarchies = hierarchiesFor(this.context.cgroupMode, this.context.hierarchies);
    return {
      netns: this.netns,
      hostVeth: this.hostVeth,
      cgroups: hierarchies.map((h) => machineCgroupDir(h, this.id)),
    };
  }

  async boot(waitForSsh: boolean): Promise<void> {
    const deadline = Date.now() + this.context.bootTimeoutMs;
    await this.prepareRoot();
    await this.createNetwork();
    this.cgroups = createMachineCgroups(this.id, hierarchiesFor(this.context.cgroupMode, this.context.hierarchies));
    this.launch();
    await this.waitForInit(deadline);
    // A busybox root has no sshd.
    if (waitForSsh && this.init !== 'busybox') await this.waitForSsh(Math.max(1_000, deadline - Date.now()));
  }

  private get init(): 'systemd' | 'sysv' | 'busybox' {
    const init = this.spec.init ?? 'systemd';
    return typeof init === 'string' ? init : 'busybox';
  }

  /** The overlay's lower layers: this host's root, with SysV init above it, or the test's own busybox root. */
  private get lowerDirs(): string {
    const init = this.spec.init ?? 'systemd';
    if (typeof init !== 'string') return init.busyboxRoot;
    if (init === 'systemd') return '/';
    if (!this.context.sysvLayer) throw new Error('a SysV-init machine needs the fleet to unpack SysV init first');
    return `${this.context.sysvLayer}:/`;
  }

  private async prepareRoot(): Promise<void> {
    for (const sub of ['upper', 'work', 'merged']) fs.mkdirSync(path.join(this.dir, sub), { recursive: true });
    fs.writeFileSync(this.consoleLog, '');
    const merged = path.join(this.dir, 'merged');
    // Prepared through a short-lived mount on the host; the machine mounts the same layers again in its own namespace.
    await mustRun([
      'mount',
      '-t',
      'overlay',
      'overlay',
      '-o',
      `lowerdir=${this.lowerDirs},upperdir=${this.dir}/upper,workdir=${this.dir}/work`,
      merged,
    ]);
    try {
      if (this.init === 'busybox') {
        prepareMinimalRoot(merged, this.id);
        return;
      }
      this.hostKey = await prepareRoot(merged, {
        init: this.init,
        hostname: this.id,
        address: this.address,
        osRelease: this.spec.osRelease ?? fs.readFileSync('/etc/os-release', 'utf8'),
        authorizedKeys: this.spec.authorizedKeys ?? [],
        users: this.spec.users ?? [],
        passwordAuth: this.spec.passwordAuth ?? false,
      });
    } finally {
      await mustRun(['umount', merged]);
    }
  }

  private async createNetwork(): Promise<void> {
    const inNs = (...args: string[]): Promise<string> => mustRun(['ip', '-n', this.netns, ...args]);
    await mustRun(['ip', 'netns', 'add', this.netns]);
    await mustRun(['ip', 'link', 'add', this.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', this.netns]);
    await mustRun(['ip', 'link', 'set', this.hostVeth, 'master', this.context.bridge, 'up']);
    await inNs('link', 'set', 'lo', 'up');
    await inNs('addr', 'add', `${this.address}/24`, 'dev', 'eth0');
    await inNs('link', 'set', 'eth0', 'up');
    await inNs('route', 'add', 'default', 'via', this.context.gateway);
    // A FAILED neighbour entry left from an earlier holder of this address would make SYNs hang for a minute.
    await runCommand(['ip', 'neigh', 'flush', 'to', this.address, 'dev', this.context.bridge]);
  }

  private launch(): void {
    const argv = launcherArgv({
      netns: this.netns,
      hostname: this.id,
      machineDir: this.dir,
      cgroupProcs: this.cgroups.map((dir) => path.join(dir, 'cgroup.procs')),
      cgroupMode: this.context.cgroupMode,
      lowerDirs: this.lowerDirs,
      init: this.init === 'systemd' ? 'systemd' : 'sbin-init',
      tmpfs: [
        ...(this.spec.tmpfs?.some((mount) => mount.path === '/usr/local')
          ? []
          : [{ path: '/usr/local', sizeMb: 1024 }]),
        ...(this.spec.tmpfs ?? []),
      ],
    });
    const log = fs.openSync(this.consoleLog, 'a');
    try {
      const [file, ...args] = argv;
      this.launcher = spawn(file ?? '/bin/sh', args, { env: TOOL_ENV, stdio: ['ignore', log, log], detached: true });
    } finally {
      fs.closeSync(log);
    }
    const launcher = this.launcher;
    // Not keeping the test process alive: a fleet left running is torn down by the 'exit' handler.
    launcher.unref();
    this.launcherExit = new Promise((resolve) => {
      launcher.once('exit', () => resolve());
      launcher.once('error', () => resolve());
    });
  }

  private consoleTail(): string {
    try {
      return fs.readFileSync(this.consoleLog, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '';
    }
  }

  private async waitForInit(deadline: number): Promise<void> {
    const comm = this.init === 'systemd' ? 'systemd' : 'init';
    const pid = this.launcher?.pid;
    while (pid !== undefined && Date.now() < deadline && isAlive(this.launcher)) {
      // The launcher ends as `unshare --fork`, whose only child becomes the machine's init.
      let children: string[] = [];
      try {
        children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      } catch {
        // not there yet
      }
      for (const child of children) {
        try {
          if (fs.readFileSync(`/proc/${child}/comm`, 'utf8').trim() === comm) {
            this.initPid = Number(child);
            return;
          }
        } catch {
          // exec in progress
        }
      }
      await sleep(20);
    }
    const why = isAlive(this.launcher) ? `did not start ${comm} in time` : 'exited during boot';
    throw new Error(`test machine ${this.id} ${why}:\n${this.consoleTail()}`);
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.initPid <= 0 || !isAlive(this.launcher)) {
      return Promise.reject(new Error(`test machine ${this.id} is not running`));
    }
    const enter = ['nsenter', '-t', String(this.initPid), '-m', '-p', '-u', '-n', '-r', '-w', '-C', '--'];
    return runCommand([...enter, ...argv], {
      ...options,
      env: { ...TOOL_ENV, HOME: '/root', USER: 'root', LOGNAME: 'root' },
    });
  }

  async sh(command: string, options: ExecOptions & { readonly check?: boolean } = {}): Promise<string> {
    const { check, ...execOptions } = options;
    const result = await this.exec(['sh', '-c', command], { timeoutMs: 60_000, ...execOptions });
    if (check && result.code !== 0) throw new Error(`${command} exited ${String(result.code)}: ${result.stderr}`);
    return result.stdout.trim();
  }

  async waitForSsh(timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (this.stopping || (this.launcher && !isAlive(this.launcher))) break;
      try {
        return await readSshBanner(this.address, 22, Math.min(1_000, Math.max(100, deadline - Date.now())));
      } catch (error) {
        lastError = error;
        await sleep(100);
      }
    }
    const why = lastError instanceof Error ? lastError.message : 'machine stopped';
    throw new Error(`sshd on ${this.id} (${this.address}) did not answer within ${timeoutMs} ms: ${why}`);
  }

  async killSshSessions(user = 'root'): Promise<boolean> {
    const result = await this.exec(['pkill', '-KILL', '-f', `^sshd: ${user}[@ ]`]);
    return result.code === 0;
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const errors: unknown[] = [];
    const step = async (action: () => Promise<unknown>): Promise<void> => {
      try {
        await action();
      } catch (error) {
        errors.push(error);
      }
    };
    if (isAlive(this.launcher)) {
      // systemd powers off on SIGRTMIN+4; SysV and busybox init have nothing to save here, and go with SIGKILL.
      if (this.initPid > 0) tryKill(this.initPid, this.init === 'systemd' ? SIGRTMIN_PLUS_4 : 'SIGKILL');
      else tryKill(this.launcher.pid ?? 0, 'SIGKILL');
      const exited = await Promise.race([
        this.launcherExit.then(() => true),
        sleep(this.context.stopTimeoutMs).then(() => false),
      ]);
      if (!exited) {
        tryKill(this.initPid, 'SIGKILL');
        tryKill(this.launcher.pid ?? 0, 'SIGKILL');
        await Promise.race([this.launcherExit, sleep(5_000)]);
      }
    }
    // The machine's own mounts vanish with its mount namespace; these are the host's, should preparation have failed.
    for (const mountPoint of mountsUnder(this.dir)) await step(() => mustRun(['umount', '-l', mountPoint]));
    // Deleting the namespace takes the veth pair with it, asynchronously: both may vanish between check and delete.
    await step(() => deleteUnlessGone(['ip', 'netns', 'del', this.netns], `/run/netns/${this.netns}`));
    await step(() => deleteUnlessGone(['ip', 'link', 'del', this.hostVeth], `/sys/class/net/${this.hostVeth}`));
    await step(() => removeCgroups(this.cgroups));
    await step(async () => fs.rmSync(this.dir, { recursive: true, force: true }));
    if (errors.length > 0) throw new AggregateError(errors, `teardown of test machine ${this.id} was incomplete`);
  }

  /** Last resort from the process 'exit' handler: synchronous, kills instead of powering off. */
  stopSync(): void {
    if (isAlive(this.launcher)) {
      tryKill(this.initPid, 'SIGKILL');
      tryKill(this.launcher.pid ?? 0, 'SIGKILL');
      const deadline = Date.now() + 2_000;
      const pause = new Int32Array(new SharedArrayBuffer(4));
      while (this.initPid > 0 && fs.existsSync(`/proc/${this.initPid}`) && Date.now() < deadline) {
        Atomics.wait(pause, 0, 0, 20);
      }
    }
    for (const mountPoint of mountsUnder(this.dir)) runCommandSync(['umount', '-l', mountPoint]);
    runCommandSync(['ip', 'netns', 'del', this.netns]);
    runCommandSync(['ip', 'link', 'del', this.hostVeth]);
    removeCgroupsSync(this.cgroups);
  }
}

// ---- fleets -----------------------------------------------------------------------------------------------------
