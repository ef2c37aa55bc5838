import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Fleet } from '../../e2e/test-machines/test-machines';
import { s, sleep } from './bench-options';

// Where the host's CPU went during a run: the host's busy share (/proc/stat), the test machines' CPU (their
// cgroups), the controller's (/proc/PID/stat), sampled through the run; and whether the host can boot N machines.

export const CLK_TCK = (() => {
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

export function cpuTicks(): CpuTicks {
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
export function fleetCpuReader(fleet: Fleet): () => number | undefined {
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
export function processCpuS(pid: number): number | undefined {
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
export class CpuTimeline {
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
export function cpuByWindow(
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
export function inotifyShortfall(n: number): string | undefined {
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
export async function settle(maxMs = 45_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    const a = cpuTicks();
    await sleep(1000);
    const b = cpuTicks();
    const busy = (b.busy - a.busy) / Math.max(1, b.total - a.total);
    if (busy < 0.1 || Date.now() - start > maxMs) return busy;
  }
}
