import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startReferenceConfigServer, type ReferenceConfigServer } from '../e2e/config-server/reference-config-server';
import { startFleet, testMachinesUnavailable, type Fleet } from '../e2e/test-machines/test-machines';
import type { HostResult, PushEvent } from '../shared/push-events';
import { median } from './bench-stats';

// bench/push-install: the wall time of installing and registering the agent on N servers at once, three ways
// doing the same work in the same run (copy the self-contained release, unpack it in a fresh temp folder, run
// its ./install, run the configurator with the passphrase on stdin), with parallelism N:
//   1. push-install (the built CLI; ssh2 in one Node process), also its peak RSS;
//   2. ansible-playbook (forks = N; tempfile, unarchive from the controller, command ./install, command
//      configurator with stdin), twice: at Ansible's defaults (no pipelining: each task's module is uploaded
//      as a file, as an admin's ansible.cfg does unless changed; the issue's reference measurement, 41 s for
//      7 servers, is of this kind), and with pipelining on, Ansible's own fastest setting;
//   3. a bare OpenSSH loop: per server `ssh ... 'd=$(mktemp -d) && tar -xzf - -C "$d" && ./install'` with the
//      release on stdin, then `ssh ... configurator -P -` with the passphrase on stdin; all servers at once.
// Every run gets freshly booted test machines (e2e/test-machines) and a fresh reference configuration server
// on the fleet's gateway, and counts only when every server succeeded and the CS registered all N hosts.
// The test machines share this host's cores, so the servers' own work (unpacking, ./install) is in the time, and
// the host is CPU-bound: each run also reports where the CPU went (the tool's processes from wait4, the test
// machines' from their cgroups, the CS's in this process, and other work on the host, flagged NOISY over 10%),
// and push-install's phases from the timestamps of its --json host-step events.
// Targets: push-install <= 0.35x ansible-playbook's time (printed against both Ansible settings), <= 1.3x the
// bare OpenSSH loop's; peak RSS < 200 MB at 32 servers. Not a test: it prints.
// Usage: npm run build && npm run -s bench:push [-- --sizes 8,32 --rounds R --tools push,ansible,ansible-pipelined,ssh
//        --timeout S --keep-bashrc]

type ToolName = 'push-install' | 'ansible-playbook' | 'ansible (pipelined)' | 'OpenSSH loop';
const TOOLS: readonly { key: string; name: ToolName }[] = [
  { key: 'push', name: 'push-install' },
  { key: 'ansible', name: 'ansible-playbook' },
  { key: 'ansible-pipelined', name: 'ansible (pipelined)' },
  { key: 'ssh', name: 'OpenSSH loop' },
];

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const sizes = option('sizes', '8,32')
  .split(',')
  .map((text) => Number(text.trim()));
const roundsOption = args.includes('--rounds') ? Number(option('rounds', '1')) : undefined;
/** Default: 3 rounds under 32 servers (a median that one disturbed round cannot move), 1 at 32 and above (each round boots a fleet per tool). */
const roundsFor = (n: number): number => roundsOption ?? (n >= 32 ? 1 : 3);
const toolKeys = option('tools', 'push,ansible,ansible-pipelined,ssh').split(',');
const tools = TOOLS.filter((tool) => toolKeys.includes(tool.key));
const runTimeoutMs = Number(option('timeout', '1200')) * 1000;
/** Keep the root ~/.bashrc the test machines inherit from this host (see stockBashrc). */
const keepBashrc = args.includes('--keep-bashrc');

const top = path.resolve(__dirname, '..', '..');
const pushCli = path.join(top, 'dist', 'cli', 'push-install.cjs');
const packAgentCli = path.join(top, 'dist', 'cli', 'pack-agent.cjs');
const sampleAgent = path.join(top, 'assets', 'sample-agent');
const TIME = '/usr/bin/time';
const haveTime = fs.existsSync(TIME);
const INSTALL_ARGS = '-d /usr/local/ASR -r MS -v VmWare -q --json';
const CONFIGURATOR = '/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh';
const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
const RSS_TARGET_MB = 200;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const s = (ms: number): string => (ms / 1000).toFixed(1);
const verdict = (ok: boolean): string => (ok ? 'meets target' : 'MISSES target');

// ---- measured processes -----------------------------------------------------------------------------------

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
  /** user + system CPU seconds of the process and every descendant it waited for. */
  readonly cpuS: number | undefined;
  /** Peak RSS of the process (or of its largest waited-for descendant), from wait4. */
  readonly maxRssMb: number | undefined;
}

interface RunOptions {
  readonly stdin?: string | number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly timeoutMs: number;
  readonly keepStdout?: boolean;
  readonly onStdoutLine?: (line: string, at: number) => void;
  readonly onSpawn?: (pid: number) => void;
}

let statCounter = 0;
let statDir = os.tmpdir();

function readChildren(pid: number): number[] {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return []; // gone already
  }
}

/** Kills a process and everything under it, by pid, deepest first. */
function killTree(pid: number): void {
  for (const child of readChildren(pid)) killTree(child);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** The ssh ControlMaster processes whose sockets are in `controlDir`. */
function sshMasters(controlDir: string): number[] {
  const pids: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.startsWith('ssh') && argv.some((arg) => arg.includes(controlDir))) pids.push(Number(pid));
    } catch {
      // gone
    }
  }
  return pids;
}

function readVmHwmKb(pid: number): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return hwm ? Number(hwm[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs argv, timing it; under /usr/bin/time when installed (exact peak RSS and CPU from wait4), otherwise
 * sampling VmHWM every 50 ms.
 */
function runMeasured(argv: readonly string[], options: RunOptions): Promise<Finished> {
  const statFile = path.join(statDir, `time-${++statCounter}.txt`);
  const full = haveTime ? [TIME, '-f', '%M %U %S', '-o', statFile, ...argv] : [...argv];
  const [file, ...rest] = full as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, rest, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: [typeof options.stdin === 'number' ? options.stdin : 'pipe', 'pipe', 'pipe'],
    });
    if (child.pid) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let carry = '';
    let timedOut = false;
    let peakKb = 0;
    // Without /usr/bin/time the child is the measured process itself.
    const sampler = haveTime
      ? undefined
      : setInterval(() => (peakKb = Math.max(peakKb, readVmHwmKb(child.pid ?? 0))), 50);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) killTree(child.pid);
    }, options.timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (options.keepStdout !== false && stdout.length < 16 * 1024 * 1024) stdout += text;
      if (!options.onStdoutLine) return;
      const at = Date.now();
      const lines = (carry + text).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) options.onStdoutLine(line, at);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 1024 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      reject(error);
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - start;
      clearTimeout(timer);
      if (sampler) clearInterval(sampler);
      if (carry && options.onStdoutLine) options.onStdoutLine(carry, Date.now());
      let cpuS: number | undefined;
      let maxRssMb: number | undefined = peakKb > 0 ? peakKb / 1024 : undefined;
      if (haveTime) {
        try {
          // "Command exited with non-zero status N" may come first; the format line is the last.
          const lines = fs.readFileSync(statFile, 'utf8').trim().split('\n');
          const [rssKb, user, system] = (lines[lines.length - 1] ?? '').trim().split(/\s+/).map(Number);
          if (rssKb !== undefined && Number.isFinite(rssKb)) maxRssMb = rssKb / 1024;
          if (user !== undefined && system !== undefined && Number.isFinite(user + system)) cpuS = user + system;
          fs.rmSync(statFile, { force: true });
        } catch {
          // killed before it wrote
        }
        // /usr/bin/time exits with the command's status; a signal shows as 128 + N.
      }
      resolve({ code, signal, stdout, stderr, ms, timedOut, cpuS, maxRssMb });
    });
    if (typeof options.stdin !== 'number') {
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(options.stdin ?? '');
    }
  });
}

// ---- host CPU ---------------------------------------------------------------------------------------------

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

interface CpuTicks {
  readonly busy: number;
  readonly total: number;
}

function cpuTicks(): CpuTicks {
  const first = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal (guest time is already in user)
  const v = first.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((sum, x) => sum + x, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: total - idle, total };
}

/** The file holding the CPU a process's cgroup has used (a test machine: its systemd and all under it). */
function cgroupCpuFile(pid: number): { file: string; unit: 'ns' | 'stat' } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  } catch {
    return undefined;
  }
  for (const line of lines) {
    const [, controllers, where] = line.split(':');
    if (where === undefined || !controllers?.split(',').includes('cpuacct')) continue;
    for (const file of [
      `/sys/fs/cgroup/cpuacct${where}/cpuacct.usage`,
      `/sys/fs/cgroup/cpu,cpuacct${where}/cpuacct.usage`,
    ])
      if (fs.existsSync(file)) return { file, unit: 'ns' };
  }
  const unified = lines.find((line) => line.startsWith('0::'))?.slice(3);
  for (const dir of unified === undefined ? [] : [`/sys/fs/cgroup${unified}`, `/sys/fs/cgroup/unified${unified}`]) {
    const file = path.join(dir, 'cpu.stat');
    if (fs.existsSync(file)) return { file, unit: 'stat' };
  }
  return undefined;
}

/** Reads the CPU seconds all machines of the fleet have used so far (undefined when a cgroup cannot be read). */
function fleetCpuReader(fleet: Fleet): () => number | undefined {
  const files = fleet.machines.map((machine) => cgroupCpuFile(machine.initPid));
  return () => {
    let ns = 0;
    for (const found of files) {
      if (!found) return undefined;
      try {
        const text = fs.readFileSync(found.file, 'utf8');
        ns += found.unit === 'ns' ? Number(text.trim()) : Number(/usage_usec (\d+)/.exec(text)?.[1]) * 1000;
      } catch {
        return undefined;
      }
    }
    return Number.isFinite(ns) ? ns / 1e9 : undefined;
  };
}

/** user + system CPU seconds of one process (all its threads) so far. */
function processCpuS(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return undefined;
  }
}

interface CpuSample {
  readonly at: number;
  readonly host: CpuTicks;
  readonly machinesS: number | undefined;
  readonly controllerS: number | undefined;
}

/** The host's, the test machines' and the controller's CPU, sampled every 250 ms through a run. */
class CpuTimeline {
  private readonly samples: CpuSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The controller process to sample, once known. */
  controllerPid: () => number | undefined = () => undefined;

  constructor(private readonly machines: () => number | undefined) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    const pid = this.controllerPid();
    this.samples.push({
      at: Date.now(),
      host: cpuTicks(),
      machinesS: this.machines(),
      controllerS: pid === undefined ? undefined : processCpuS(pid),
    });
  }

  /** CPU use from `from` to `to` (epoch ms), over the samples that enclose them. */
  between(from: number, to: number): { busy: number; machineCores?: number; controllerCores?: number } {
    const before = this.samples.filter((x) => x.at <= from);
    const a = before[before.length - 1] ?? this.samples[0];
    const b = this.samples.find((x) => x.at >= to) ?? this.samples[this.samples.length - 1];
    if (!a || !b || b.at <= a.at) return { busy: 0 };
    const seconds = (b.at - a.at) / 1000;
    const result: { busy: number; machineCores?: number; controllerCores?: number } = {
      busy: (b.host.busy - a.host.busy) / Math.max(1, b.host.total - a.host.total),
    };
    if (a.machinesS !== undefined && b.machinesS !== undefined)
      result.machineCores = (b.machinesS - a.machinesS) / seconds;
    // The controller may have exited by `to`: its last sample in the window stands for its end.
    const last = [...this.samples].reverse().find((x) => x.at <= b.at && x.at > a.at && x.controllerS !== undefined);
    // Not yet started at `from` (the launch): its CPU so far is all in the window.
    if (last?.controllerS !== undefined) result.controllerCores = (last.controllerS - (a.controllerS ?? 0)) / seconds;
    return result;
  }
}

/** "0.0 - 4.6 s  connect   host 98% busy, test machines 1.80 cores, push-install 0.12 cores" lines. */
function cpuByWindow(
  timeline: CpuTimeline,
  launched: number,
  windows: readonly (readonly [string, number])[],
  controller: string,
): string[] {
  const lines: string[] = [];
  let from = launched;
  for (const [label, to] of windows) {
    const use = timeline.between(from, to);
    lines.push(
      `  ${s(from - launched).padStart(5)} -${s(to - launched).padStart(5)} s  ${label.padEnd(34)} host ${(use.busy * 100).toFixed(0).padStart(3)}% busy` +
        (use.machineCores === undefined
          ? ''
          : `, test machines ${use.machineCores.toFixed(2)} cores (${(use.machineCores * ((to - from) / 1000)).toFixed(1)} core-s)`) +
        (use.controllerCores === undefined ? '' : `, ${controller} ${use.controllerCores.toFixed(2)} cores`),
    );
    from = to;
  }
  return lines;
}

/**
 * Why `n` test machines cannot boot here, if they cannot: every machine's systemd, journald, logind and dbus take
 * up to 8 inotify instances of root's fs.inotify.max_user_instances (128 by default), and a machine that gets
 * none dies during boot or never starts sshd.
 */
function inotifyShortfall(n: number): string | undefined {
  let limit: number;
  try {
    limit = Number(fs.readFileSync('/proc/sys/fs/inotify/max_user_instances', 'utf8').trim());
  } catch {
    return undefined;
  }
  let used = 0;
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (fs.statSync(`/proc/${pid}`).uid !== 0) continue;
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`))
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:inotify') used++;
    } catch {
      // gone, or not ours to read
    }
  }
  const need = used + 8 * n;
  if (need <= limit) return undefined;
  return (
    `fs.inotify.max_user_instances is ${limit}, ${used} are in use, and ${n} test machines need up to ${8 * n} more: ` +
    `raise it (sysctl -w fs.inotify.max_user_instances=1024) and run again`
  );
}

/** Waits until the host is quiet (freshly booted machines finish starting their units), at most maxMs. */
async function settle(maxMs = 45_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const a = cpuTicks();
    await sleep(1000);
    const b = cpuTicks();
    const busy = (b.busy - a.busy) / Math.max(1, b.total - a.total);
    if (busy < 0.1 || Date.now() - start > maxMs) return busy;
  }
}

// ---- runs -------------------------------------------------------------------------------------------------

interface Setup {
  readonly work: string;
  /** A copy of dist/cli/push-install.cjs taken at the start, so a rebuild during the bench changes nothing. */
  readonly pushCli: string;
  readonly repository: string;
  readonly release: string;
  readonly releaseBytes: number;
  readonly topFolder: string;
  readonly key: string;
  readonly publicKey: string;
  readonly passphrase: string;
  readonly passphraseFile: string;
}

interface RunResult {
  readonly tool: ToolName;
  readonly n: number;
  readonly round: number;
  readonly ok: boolean;
  readonly failure?: string;
  readonly ms: number;
  readonly bootMs: number;
  /** CPU of the tool's own processes on this machine (the controller). */
  readonly controllerCpuS: number | undefined;
  readonly peakRssMb: number | undefined;
  /** Busy CPU of the whole host during the run (controller, CS, every test machine), in core-seconds. */
  readonly hostBusyS: number;
  /** CPU of this process during the run: the reference CS's side of the logins, and this bench's bookkeeping. */
  readonly benchCpuS: number;
  /** CPU of the test machines (their cgroups) during the run: sshd, tar, ./install, the configurator. */
  readonly serversCpuS: number | undefined;
  /** The host's busy share just before the run (other work on this machine shows here). */
  readonly busyBefore: number;
  readonly details: readonly string[];
}

interface ToolOutcome {
  readonly ok: boolean;
  readonly failure?: string;
  readonly ms: number;
  readonly controllerCpuS: number | undefined;
  readonly peakRssMb: number | undefined;
  readonly details: readonly string[];
}

function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function spread(values: readonly number[]): string {
  if (values.length === 0) return '   n/a';
  return `${s(median(values)).padStart(6)} / ${s(Math.max(...values)).padStart(6)}`;
}

// -- 1. push-install

interface HostTimes {
  steps: Map<string, number>;
  sentAt?: number;
}

async function runPushInstall(
  setup: Setup,
  fleet: Fleet,
  cs: ReferenceConfigServer,
  runDir: string,
  timeline: CpuTimeline,
): Promise<ToolOutcome> {
  const n = fleet.machines.length;
  const hosts = new Map<string, HostTimes>();
  const timesOf = (host: string): HostTimes => {
    let times = hosts.get(host);
    if (!times) hosts.set(host, (times = { steps: new Map() }));
    return times;
  };
  let results: readonly HostResult[] | undefined;
  let startedAt: number | undefined;
  const argv = [
    process.execPath,
    setup.pushCli,
    ...fleet.machines.flatMap((machine) => ['--host', machine.address]),
    '--identity',
    setup.key,
    '--known-hosts',
    path.join(runDir, 'known_hosts'),
    '--accept-new-host-keys',
    '--repository',
    setup.repository,
    '--role',
    'MS',
    '--platform',
    'VmWare',
    '--cs-endpoint',
    `${cs.host}:${cs.port}`,
    '--passphrase-file',
    '-',
    '--parallel',
    String(n),
    '--log-dir',
    runDir,
    '--json',
  ];
  const launched = Date.now();
  const run = await runMeasured(argv, {
    stdin: `${setup.passphrase}\n`,
    timeoutMs: runTimeoutMs,
    // The copy resolves its optional native helper (cpu-features) from the project, as dist/cli/ would.
    env: { ...process.env, NODE_PATH: path.join(top, 'node_modules') },
    keepStdout: false,
    onSpawn: (pid) => {
      // Under /usr/bin/time the Node process is its only child.
      let node: number | undefined = haveTime ? undefined : pid;
      timeline.controllerPid = () => {
        if (node === undefined) {
          const children = readChildren(pid);
          if (children[0] !== undefined) node = children[0];
        }
        return node;
      };
    },
    onStdoutLine: (line, at) => {
      if (!line.startsWith('{')) return;
      let event: PushEvent;
      try {
        event = JSON.parse(line) as PushEvent;
      } catch {
        return;
      }
      if (event.type === 'push-started') startedAt = Date.parse(event.time);
      else if (event.type === 'host-step')
        timesOf(event.host).steps.set(
          `${event.step}:${event.status === 'started' ? 'start' : 'end'}`,
          Date.parse(event.time),
        );
      else if (event.type === 'host-progress' && event.bytesDone === event.bytesTotal) timesOf(event.host).sentAt = at;
      else if (event.type === 'result') results = event.hosts;
    },
  });
  const base = { ms: run.ms, controllerCpuS: run.cpuS, peakRssMb: run.maxRssMb };
  const failed = (why: string): ToolOutcome => ({ ...base, ok: false, failure: why, details: [] });
  if (run.timedOut) return failed(`timed out after ${s(runTimeoutMs)} s`);
  if (!results) return failed(`no result line (exit ${run.code ?? run.signal}): ${tail(run.stderr)}`);
  const bad = results.filter((host) => host.status !== 'Succeeded');
  if (run.code !== 0 || results.length !== n || bad.length > 0)
    return failed(
      `exit ${run.code}, ${results.length - bad.length}/${n} Succeeded; ${bad
        .slice(0, 3)
        .map((h) => `${h.host}: ${h.status} at ${h.stoppedAt}: ${h.error?.code} ${h.error?.message}`)
        .join('; ')}`,
    );

  // Where the time went, from the --json host-step timestamps (and when the last release byte left).
  const phase = (from: (t: HostTimes) => number | undefined, to: (t: HostTimes) => number | undefined) => {
    const durations: number[] = [];
    let lastEnd = 0;
    for (const t of hosts.values()) {
      const a = from(t);
      const b = to(t);
      if (a === undefined || b === undefined) continue;
      durations.push(b - a);
      lastEnd = Math.max(lastEnd, b);
    }
    return { durations, lastEnd };
  };
  const at = (key: string) => (t: HostTimes) => t.steps.get(key);
  const sent = (t: HostTimes) => t.sentAt;
  const rows: [string, ReturnType<typeof phase>][] = [
    ['connect + auth + sudo check', phase(at('connect:start'), at('connect:end'))],
    ['detect OS and agent', phase(at('detect:start'), at('detect:end'))],
    ['send release (ssh2)', phase(at('copy:start'), sent)],
    ['unpack tail after last byte', phase(sent, at('copy:end'))],
    ['./install', phase(at('install:start'), at('install:end'))],
    ['register (configurator)', phase(at('register:start'), at('register:end'))],
    ['whole server', phase(at('connect:start'), at('register:end'))],
  ];
  const copyStarts = [...hosts.values()].map((t) => t.steps.get('copy:start')).filter((x) => x !== undefined);
  const sentEnds = [...hosts.values()].map((t) => t.sentAt).filter((x) => x !== undefined);
  const details = [
    `push-install phases, per server median / max s, and when the last server finished it (s after launch):`,
    `  process start to push-started event: ${startedAt ? s(startedAt - launched) : '?'} s`,
    ...rows.map(
      ([label, p]) =>
        `  ${label.padEnd(30)} ${spread(p.durations)}   all done at ${s(p.lastEnd - launched).padStart(6)}`,
    ),
  ];
  if (copyStarts.length && sentEnds.length) {
    const windowMs = Math.max(...sentEnds) - Math.min(...copyStarts);
    details.push(
      `  aggregate send rate ${((n * setup.releaseBytes) / 1e6 / (windowMs / 1000)).toFixed(1)} MB/s ` +
        `(${n} x ${(setup.releaseBytes / 1e6).toFixed(1)} MB in ${s(windowMs)} s); per server ${(setup.releaseBytes / 1e6 / (median(phase(at('copy:start'), sent).durations) / 1000)).toFixed(1)} MB/s median`,
    );
  }
  details.push(
    'CPU while the phases ran (a window ends when the last server finished that phase; 2 cores = 100%):',
    ...cpuByWindow(
      timeline,
      launched,
      [
        ['connect', rows[0]?.[1].lastEnd ?? launched],
        ['detect', rows[1]?.[1].lastEnd ?? launched],
        ['send release (+ unpack, installs)', rows[3]?.[1].lastEnd ?? launched],
        ['./install (the rest of them)', rows[4]?.[1].lastEnd ?? launched],
        ['register', rows[5]?.[1].lastEnd ?? launched],
      ],
      'push-install process',
    ),
  );
  return { ...base, ok: true, details };
}

// -- 2. ansible-playbook

function ansiblePlaybook(setup: Setup, csEndpoint: string): string {
  const q = (text: string): string => JSON.stringify(text); // a JSON string is a YAML string
  return [
    '- name: install and register the agent',
    '  hosts: bench',
    '  gather_facts: false',
    '  tasks:',
    '    - name: private temp folder',
    '      ansible.builtin.tempfile:',
    '        state: directory',
    '      register: work',
    '    - name: copy and unpack the release',
    '      ansible.builtin.unarchive:',
    `        src: ${q(setup.release)}`,
    `        dest: "{{ work.path }}"`,
    '        remote_src: false # i.e. copy: yes, from the controller',
    '    - name: install',
    '      ansible.builtin.command:',
    `        cmd: ${q(`./install ${INSTALL_ARGS}`)}`,
    `        chdir: "{{ work.path }}/${setup.topFolder}"`,
    '    - name: register',
    '      ansible.builtin.command:',
    `        cmd: ${q(`${CONFIGURATOR} -i ${csEndpoint} -P - --json`)}`,
    '        stdin: "{{ passphrase }}"',
    '      no_log: true',
    '',
  ].join('\n');
}

async function runAnsible(
  setup: Setup,
  fleet: Fleet,
  cs: ReferenceConfigServer,
  runDir: string,
  pipelining: boolean,
): Promise<ToolOutcome> {
  const n = fleet.machines.length;
  const inventory = path.join(runDir, 'inventory.ini');
  fs.writeFileSync(
    inventory,
    [
      '[bench]',
      ...fleet.machines.map((machine) => machine.address),
      '',
      '[bench:vars]',
      'ansible_user=root',
      `ansible_ssh_private_key_file=${setup.key}`,
      "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'",
      'ansible_python_interpreter=/usr/bin/python3',
      '',
    ].join('\n'),
  );
  const playbook = path.join(runDir, 'playbook.yml');
  fs.writeFileSync(playbook, ansiblePlaybook(setup, `${cs.host}:${cs.port}`));
  // The passphrase goes in an extra-vars file (0600), not on the command line.
  const vars = path.join(runDir, 'vars.json');
  fs.writeFileSync(vars, JSON.stringify({ passphrase: setup.passphrase }), { mode: 0o600 });
  const localTemp = path.join(runDir, 'ansible-local');
  const controlDir = path.join(runDir, 'cp');
  fs.mkdirSync(localTemp);
  fs.mkdirSync(controlDir);
  const run = await runMeasured(['ansible-playbook', '-i', inventory, '-f', String(n), '-e', `@${vars}`, playbook], {
    cwd: runDir,
    timeoutMs: runTimeoutMs,
    env: {
      ...process.env,
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_FORKS: String(n),
      // Pipelining: modules run through the SSH session's stdin, with no temp-file upload per task. It makes
      // Ansible faster; the release is still uploaded by unarchive's action plugin (sftp) before it unpacks.
      ANSIBLE_PIPELINING: pipelining ? '1' : '0',
      ANSIBLE_LOCAL_TEMP: localTemp,
      ANSIBLE_REMOTE_TMP: '/tmp/.ansible-bench',
      ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
      ANSIBLE_TIMEOUT: '60',
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_DEPRECATION_WARNINGS: 'False',
      // Per-task wall times at the end of the output (ansible.posix ships with Debian's ansible).
      ANSIBLE_CALLBACKS_ENABLED: 'ansible.posix.profile_tasks',
    },
  });
  // Ansible's SSH connections live on in ControlPersist masters, which it does not wait for, so their CPU
  // (the encryption of every byte sent) is not in its rusage: add it, and end them.
  const masters = sshMasters(controlDir);
  const mastersCpuS = masters.reduce((sum, pid) => sum + (processCpuS(pid) ?? 0), 0);
  for (const pid of masters) killTree(pid);
  const base = {
    ms: run.ms,
    controllerCpuS: run.cpuS === undefined ? undefined : run.cpuS + mastersCpuS,
    peakRssMb: run.maxRssMb,
  };
  const failed = (why: string): ToolOutcome => ({ ...base, ok: false, failure: why, details: [] });
  if (run.timedOut) return failed(`timed out after ${s(runTimeoutMs)} s`);
  const recap = run.stdout.slice(run.stdout.lastIndexOf('PLAY RECAP'));
  const problems: string[] = [];
  for (const machine of fleet.machines) {
    const line = recap.split('\n').find((l) => l.startsWith(`${machine.address} `));
    if (!line) problems.push(`${machine.address}: not in the recap`);
    else if (!/\bunreachable=0\b/.test(line) || !/\bfailed=0\b/.test(line)) problems.push(line.replace(/\s+/g, ' '));
  }
  if (run.code !== 0 || problems.length > 0)
    return failed(`exit ${run.code}; ${problems.slice(0, 3).join('; ')}\n${tail(run.stdout, 30)}\n${tail(run.stderr)}`);
  // profile_tasks: "task name ------ 12.34s", slowest first.
  const timings = run.stdout
    .slice(run.stdout.lastIndexOf('==============================================================================='))
    .split('\n')
    .filter((line) => /-{3,}\s+\d+\.\d+s$/.test(line))
    .map((line) => `  ${line.replace(/\s*-{3,}\s*/, '  ').trim()}`);
  return {
    ...base,
    ok: true,
    details: ['ansible-playbook tasks (wall time over all servers, profile_tasks):', ...timings],
  };
}

// -- 3. the bare OpenSSH loop

async function runSshLoop(
  setup: Setup,
  fleet: Fleet,
  cs: ReferenceConfigServer,
  timeline: CpuTimeline,
): Promise<ToolOutcome> {
  const ssh = (address: string, command: string): string[] => [
    'ssh',
    '-i',
    setup.key,
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'LogLevel=ERROR',
    `root@${address}`,
    command,
  ];
  const install = `d=$(mktemp -d) && tar -xzf - -C "$d" && "$d"/${setup.topFolder}/install ${INSTALL_ARGS}`;
  const register = `${CONFIGURATOR} -i ${cs.host}:${cs.port} -P - --json`;
  const launched = Date.now();
  const start = performance.now();
  const perServer = await Promise.all(
    fleet.machines.map(async (machine) => {
      // The release as ssh's stdin, as `ssh ... < release.tar.gz` gives it.
      const fd = fs.openSync(setup.release, 'r');
      let first: Finished;
      try {
        first = await runMeasured(ssh(machine.address, install), { stdin: fd, timeoutMs: runTimeoutMs });
      } finally {
        fs.closeSync(fd);
      }
      const installedAt = performance.now() - start;
      if (first.code !== 0)
        return { machine, installedAt, first, second: undefined, registeredAt: undefined as number | undefined };
      const second = await runMeasured(ssh(machine.address, register), {
        stdin: `${setup.passphrase}\n`,
        timeoutMs: runTimeoutMs,
      });
      return { machine, installedAt, first, second, registeredAt: performance.now() - start };
    }),
  );
  const ms = performance.now() - start;
  const cpu = perServer.flatMap((r) => [r.first.cpuS, r.second?.cpuS]).filter((x) => x !== undefined);
  const base = {
    ms,
    controllerCpuS: cpu.length ? cpu.reduce((a, b) => a + b, 0) : undefined,
    peakRssMb: undefined,
  };
  const problems = perServer.flatMap((r) => {
    if (r.first.code !== 0)
      return [`${r.machine.address}: copy+install ssh exited ${r.first.code}: ${tail(r.first.stderr, 3)}`];
    if (r.second?.code !== 0)
      return [`${r.machine.address}: configurator ssh exited ${r.second?.code}: ${tail(r.second?.stderr ?? '', 3)}`];
    return [];
  });
  if (problems.length > 0) return { ...base, ok: false, failure: problems.slice(0, 3).join('; '), details: [] };
  const step1 = perServer.map((r) => r.first.ms);
  const step2 = perServer.map((r) => r.second?.ms ?? 0);
  const installed = Math.max(...perServer.map((r) => r.installedAt));
  const registered = Math.max(...perServer.map((r) => r.registeredAt ?? 0));
  const sshCpu = (which: 'first' | 'second'): string => {
    const cpus = perServer.map((r) => r[which]?.cpuS).filter((x) => x !== undefined);
    return cpus.length ? `, ssh clients ${cpus.reduce((a, b) => a + b, 0).toFixed(1)} core-s in all` : '';
  };
  return {
    ...base,
    ok: true,
    details: [
      'OpenSSH loop, per server median / max s, and when the last server finished it (s after launch):',
      `  ssh 1: copy + tar -xzf + ./install ${spread(step1)}   all done at ${s(installed).padStart(6)}${sshCpu('first')}`,
      `  ssh 2: configurator            ${spread(step2)}   all done at ${s(registered).padStart(6)}${sshCpu('second')}`,
      'CPU while the steps ran (2 cores = 100%):',
      ...cpuByWindow(
        timeline,
        launched,
        [
          ['ssh 1: copy, unpack, ./install', launched + installed],
          ['ssh 2: configurator', launched + registered],
        ],
        'ssh',
      ),
    ],
  };
}

/**
 * The test machines are overlays of this host's root, so root's ~/.bashrc is this host's, and Debian's bash reads
 * it for every command sshd runs (not only interactive logins). A developer's .bashrc (pyenv init, say) then adds
 * ~0.1 s of CPU to each SSH command, which no fleet server has; the machines get Debian's stock one instead.
 */
async function stockBashrc(fleet: Fleet): Promise<void> {
  const script = 'cp /usr/share/base-files/dot.bashrc /root/.bashrc 2>/dev/null || : > /root/.bashrc';
  await Promise.all(
    fleet.machines.map(async (machine) => {
      const done = await machine.exec(['sh', '-c', script]);
      if (done.code !== 0) throw new Error(`${machine.id}: could not reset /root/.bashrc: ${done.stderr.trim()}`);
    }),
  );
}

// -- one run: a fresh fleet, a fresh CS, one tool

/**
 * Every run starts from the same memory: the runs before it leave gigabytes of freed tmpfs and page cache, and
 * reclaiming them is CPU charged to whatever allocates next (the next run's machines), which made the first run
 * after a heavy one ~30% dearer whichever tool it was. As root, the page cache is dropped before the fleet boots.
 */
function dropPageCache(): void {
  try {
    execFileSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
  } catch {
    // Not root, or no /proc/sys: runs keep whatever memory the previous left.
  }
}

async function measureOnce(setup: Setup, tool: ToolName, n: number, round: number): Promise<RunResult> {
  const runDir = fs.mkdtempSync(path.join(setup.work, `${tool.split(' ')[0]}-${n}-${round}-`));
  dropPageCache();
  const bootStart = Date.now();
  const fleet = await startFleet(
    Array.from({ length: n }, () => ({ authorizedKeys: [setup.publicKey], osRelease: OS_RELEASE })),
    { bootTimeoutMs: 300_000 },
  );
  let cs: ReferenceConfigServer | undefined;
  try {
    const bootMs = Date.now() - bootStart;
    if (!keepBashrc) await stockBashrc(fleet);
    cs = await startReferenceConfigServer({ host: fleet.gateway, port: 0, passphraseFile: setup.passphraseFile });
    const busyBefore = await settle();
    const cpuBefore = cpuTicks();
    const benchBefore = process.cpuUsage();
    const fleetCpuS = fleetCpuReader(fleet);
    const serversBefore = fleetCpuS();
    const timeline = new CpuTimeline(fleetCpuS);
    timeline.start();
    let outcome: ToolOutcome;
    try {
      outcome =
        tool === 'push-install'
          ? await runPushInstall(setup, fleet, cs, runDir, timeline)
          : tool === 'ansible-playbook' || tool === 'ansible (pipelined)'
            ? await runAnsible(setup, fleet, cs, runDir, tool === 'ansible (pipelined)')
            : await runSshLoop(setup, fleet, cs, timeline);
    } finally {
      timeline.stop();
    }
    const cpuAfter = cpuTicks();
    const bench = process.cpuUsage(benchBefore);
    const serversAfter = fleetCpuS();
    let failure = outcome.failure;
    const registered = cs.registeredHosts();
    const names = new Set(registered.map((host) => host.hostName));
    if (!failure && (registered.length !== n || names.size !== n))
      failure = `the CS registered ${registered.length} hosts (${names.size} distinct names), expected ${n}`;
    return {
      tool,
      n,
      round,
      ok: failure === undefined,
      failure,
      ms: outcome.ms,
      bootMs,
      controllerCpuS: outcome.controllerCpuS,
      peakRssMb: outcome.peakRssMb,
      hostBusyS: (cpuAfter.busy - cpuBefore.busy) / CLK_TCK,
      benchCpuS: (bench.user + bench.system) / 1e6,
      serversCpuS: serversBefore === undefined || serversAfter === undefined ? undefined : serversAfter - serversBefore,
      busyBefore,
      details: outcome.details,
    };
  } finally {
    await cs?.close().catch(() => undefined);
    await fleet.teardown().catch((error: unknown) => out(`  (teardown of fleet ${fleet.id}: ${String(error)})`));
  }
}

// ---- main -------------------------------------------------------------------------------------------------

function prepare(): Setup {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-bench-push-'));
  statDir = work;
  const repository = path.join(work, 'releases');
  execFileSync(
    process.execPath,
    [
      packAgentCli,
      '--from',
      sampleAgent,
      '--os',
      'DEBIAN12-64',
      '--agent-version',
      '9.61.0.0',
      '--out',
      repository,
      '--with-installer',
      '--level',
      '1',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const file = fs.readdirSync(repository).find((name) => name.endsWith('.tar.gz'));
  if (!file) throw new Error(`pack-agent wrote no release into ${repository}`);
  const topFolder = file.replace(/\.tar\.gz$/, '');
  if (!/^[A-Za-z0-9._-]+$/.test(topFolder)) throw new Error(`unexpected release name ${file}`);
  const key = path.join(work, 'ssh', 'id_ed25519');
  fs.mkdirSync(path.dirname(key), { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const passphrase = `bench-${randomBytes(12).toString('hex')}`;
  const passphraseFile = path.join(work, 'cs-passphrase');
  fs.writeFileSync(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
  const release = path.join(repository, file);
  // The release must install before anything is timed: its ./install against a scratch --root here.
  const check = path.join(work, 'check');
  fs.mkdirSync(path.join(check, 'root', 'etc'), { recursive: true });
  fs.writeFileSync(path.join(check, 'root', 'etc', 'os-release'), OS_RELEASE);
  execFileSync('tar', ['-xzf', release, '-C', check]);
  const checked = spawnSync(
    path.join(check, topFolder, 'install'),
    [...INSTALL_ARGS.split(' '), '--root', path.join(check, 'root')],
    { encoding: 'utf8' },
  );
  if (checked.status !== 0)
    throw new Error(`the release does not install (exit ${checked.status}): ${tail(checked.stdout + checked.stderr)}`);
  fs.rmSync(check, { recursive: true, force: true });
  const pushCopy = path.join(work, 'push-install.cjs');
  fs.copyFileSync(pushCli, pushCopy);
  return {
    work,
    pushCli: pushCopy,
    repository,
    release,
    releaseBytes: fs.statSync(release).size,
    topFolder,
    key,
    publicKey: fs.readFileSync(`${key}.pub`, 'utf8').trim(),
    passphrase,
    passphraseFile,
  };
}

function versionOf(argv: readonly string[]): string {
  const [file, ...rest] = argv as [string, ...string[]];
  // ssh -V prints on stderr.
  const result = spawnSync(file, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) return `${file} missing`;
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim() ?? '?';
}

/** Other work on this host (not the tool, the test machines or the CS) took over 10% of the run's CPU. */
function noisy(r: RunResult): boolean {
  if (r.serversCpuS === undefined) return false;
  const other = r.hostBusyS - (r.controllerCpuS ?? 0) - r.benchCpuS - r.serversCpuS;
  return other > 0.1 * os.cpus().length * (r.ms / 1000);
}

function describeRun(r: RunResult): string {
  const head = `  (${r.n}) round ${r.round} ${r.tool.padEnd(16)}`;
  if (!r.ok) return `${head} FAILED after ${s(r.ms)} s: ${r.failure}`;
  const cores = os.cpus().length;
  const controller = r.controllerCpuS ?? 0;
  const servers = r.serversCpuS;
  const other = r.hostBusyS - controller - r.benchCpuS - (servers ?? 0);
  return (
    `${head} ${s(r.ms).padStart(6)} s` +
    (r.tool === 'push-install' && r.peakRssMb !== undefined ? `  peak RSS ${r.peakRssMb.toFixed(0)} MB` : '') +
    `\n      CPU: host ${((r.hostBusyS / cores / (r.ms / 1000)) * 100).toFixed(0)}% busy = ${r.hostBusyS.toFixed(1)} core-s:` +
    ` controller ${r.controllerCpuS === undefined ? '?' : controller.toFixed(1)},` +
    ` test machines ${servers === undefined ? '?' : servers.toFixed(1)},` +
    ` CS + bench ${r.benchCpuS.toFixed(1)},` +
    ` other ${servers === undefined ? '?' : Math.max(0, other).toFixed(1)}` +
    `  [fleet booted in ${s(r.bootMs)} s; host ${(r.busyBefore * 100).toFixed(0)}% busy just before]` +
    (noisy(r) ? `\n      NOISY: work outside this benchmark took ${other.toFixed(1)} core-s of the run's CPU` : '')
  );
}

function notRun(tool: ToolName, n: number, round: number): RunResult {
  return {
    tool,
    n,
    round,
    ok: false,
    ms: 0,
    bootMs: 0,
    controllerCpuS: undefined,
    peakRssMb: undefined,
    hostBusyS: 0,
    benchCpuS: 0,
    serversCpuS: undefined,
    busyBefore: 0,
    details: [],
  };
}

async function main(): Promise<void> {
  const unavailable = testMachinesUnavailable();
  if (unavailable) throw new Error(`test machines cannot run here: ${unavailable}`);
  for (const file of [pushCli, packAgentCli])
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 200)) throw new Error('--sizes takes numbers 1 to 200');
  if (tools.length === 0) throw new Error('--tools takes push, ansible and/or ssh');
  const ansibleVersion = versionOf(['ansible-playbook', '--version']);
  if (tools.some((t) => t.name.startsWith('ansible')) && !ansibleVersion.startsWith('ansible-playbook'))
    throw new Error(`ansible-playbook is not usable: ${ansibleVersion}`);
  const setup = prepare();
  const results: RunResult[] = [];
  try {
    out(
      `push-install: N servers each on freshly booted test machines sharing this host's ${os.cpus().length} cores ` +
        `(${os.cpus()[0]?.model.trim() ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB), Node ${process.versions.node}, ` +
        `${ansibleVersion}, ${versionOf(['ssh', '-V'])}; release ${(setup.releaseBytes / 1e6).toFixed(1)} MB (gzip level 1)`,
    );
    out(`  peak RSS and controller CPU from ${haveTime ? '/usr/bin/time (wait4)' : 'VmHWM sampled every 50 ms'}`);
    out(
      keepBashrc
        ? "  the test machines keep this host's /root/.bashrc (--keep-bashrc): bash reads it for every SSH command"
        : "  the test machines' /root/.bashrc is Debian's stock one, not this host's (bash reads it for every SSH command)",
    );
    for (const n of sizes) {
      const rounds = roundsFor(n);
      const shortfall = inotifyShortfall(n);
      if (shortfall) {
        out(`  (${n}) FAILED, not measured: ${shortfall}`);
        for (const tool of tools) results.push({ ...notRun(tool.name, n, 1), failure: shortfall });
        continue;
      }
      for (let round = 1; round <= rounds; round++) {
        // Rotated each round, so no tool always runs first.
        const order = tools.map((_, i) => tools[(i + round - 1) % tools.length] as (typeof tools)[number]);
        for (const tool of order) {
          let result: RunResult;
          try {
            result = await measureOnce(setup, tool.name, n, round);
          } catch (error) {
            const errors = error instanceof AggregateError ? error.errors : [error];
            const why = errors.map((e: unknown) => (e instanceof Error ? e.message : String(e)).trim());
            result = {
              ...notRun(tool.name, n, round),
              failure: `could not run: ${(error as Error).message}: ${why.slice(0, 3).join('; ')}`,
            };
          }
          results.push(result);
          out(describeRun(result));
          for (const line of result.details) out(`      ${line}`);
        }
      }
    }
  } finally {
    fs.rmSync(setup.work, { recursive: true, force: true });
  }
  summarize(results);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

function summarize(results: readonly RunResult[]): void {
  const timeOf = (tool: ToolName, n: number): number | undefined => {
    const runs = results.filter((r) => r.tool === tool && r.n === n && r.ok).map((r) => r.ms);
    return runs.length ? median(runs) : undefined;
  };
  const ownCpuOf = (tool: ToolName, n: number): number | undefined => {
    const runs = results.filter((r) => r.tool === tool && r.n === n && r.ok && r.serversCpuS !== undefined);
    return runs.length
      ? median(runs.map((r) => (r.controllerCpuS ?? 0) + (r.serversCpuS ?? 0) + r.benchCpuS))
      : undefined;
  };
  out();
  for (const n of sizes) {
    const rounds = results.filter((r) => r.n === n && r.tool === tools[0]?.name).length;
    const noisyRuns = results.filter((r) => r.n === n && r.ok && noisy(r)).length;
    out(
      `(${n} servers, parallelism ${n}, ${rounds} round${rounds === 1 ? '' : 's'}, median wall time` +
        `${noisyRuns ? `; ${noisyRuns} run(s) NOISY, see above` : ''})`,
    );
    for (const tool of tools) {
      const t = timeOf(tool.name, n);
      const runs = results.filter((r) => r.tool === tool.name && r.n === n && r.ok);
      const servers = runs.map((r) => r.serversCpuS).filter((x) => x !== undefined);
      const controller = runs.map((r) => r.controllerCpuS).filter((x) => x !== undefined);
      out(
        `    ${tool.name.padEnd(18)} ${t === undefined ? '   failed' : `${s(t).padStart(7)} s   ${(t / 1000 / n).toFixed(2)} s per server`}` +
          (servers.length ? `;  CPU per server: on the server ${(median(servers) / n).toFixed(2)} core-s` : '') +
          (controller.length ? `, on this controller ${(median(controller) / n).toFixed(2)} core-s` : ''),
      );
    }
    const push = timeOf('push-install', n);
    for (const [other, target] of [
      ['ansible-playbook', 0.35],
      ['ansible (pipelined)', 0.35],
      ['OpenSSH loop', 1.3],
    ] as const) {
      if (!tools.some((tool) => tool.name === other) || !tools.some((tool) => tool.name === 'push-install')) continue;
      const base = timeOf(other, n);
      if (push === undefined || base === undefined) out(`    ratio push-install/${other}: n/a (a run failed)`);
      else {
        const ratio = push / base;
        out(`    ratio push-install/${other} ${ratio.toFixed(2)}x (target <= ${target}x: ${verdict(ratio <= target)})`);
      }
      // The host is saturated, so wall time follows CPU: the ratio of the runs' own CPU is the same comparison
      // without the other work that ran on this host meanwhile.
      const [mine, theirs] = [ownCpuOf('push-install', n), ownCpuOf(other, n)];
      if (mine !== undefined && theirs !== undefined)
        out(
          `      cross-check by own CPU (tool + test machines + CS; blind to other work here, valid while the host is saturated): ${(mine / theirs).toFixed(2)}x`,
        );
    }
    const rss = results.filter((r) => r.tool === 'push-install' && r.n === n && r.peakRssMb !== undefined);
    if (rss.length) {
      const peak = Math.max(...rss.map((r) => r.peakRssMb as number));
      out(
        `    push-install peak RSS ${peak.toFixed(0)} MB` +
          (n >= 32
            ? ` (target < ${RSS_TARGET_MB} MB at 32: ${verdict(peak < RSS_TARGET_MB)})`
            : ' (target applies at 32)'),
      );
    }
  }
  if (sizes.length > 1) {
    const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
    out(`(growth from ${small} to ${large} servers: x${(large / small).toFixed(1)} the servers)`);
    for (const tool of tools) {
      const a = timeOf(tool.name, small);
      const b = timeOf(tool.name, large);
      if (a === undefined || b === undefined) out(`    ${tool.name.padEnd(18)} n/a`);
      else
        out(
          `    ${tool.name.padEnd(18)} x${(b / a).toFixed(2)} the time; ${(a / 1000 / small).toFixed(2)} -> ${(b / 1000 / large).toFixed(2)} s per server`,
        );
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
