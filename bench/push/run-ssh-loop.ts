import * as fs from 'node:fs';
import type { Fleet } from '../../e2e/test-machines/test-machines';
import { CONFIGURATOR, INSTALL_ARGS, runTimeoutMs, s, spread, tail } from './bench-options';
import { cpuByWindow, type CpuTimeline } from './cpu-accounting';
import type { Finished, RunMeasured } from './measured-process';
import type { Setup, ToolOutcome } from './run-types';
import type { BenchCs } from './cs-process';

// -- 3. the bare OpenSSH loop

export async function runSshLoop(
  setup: Setup,
  fleet: Fleet,
  cs: BenchCs,
  timeline: CpuTimeline,
  measure: RunMeasured,
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
        first = await measure(ssh(machine.address, install), { stdin: fd, timeoutMs: runTimeoutMs });
      } finally {
        fs.closeSync(fd);
      }
      const installedAt = performance.now() - start;
      if (first.code !== 0)
        return { machine, installedAt, first, second: undefined, registeredAt: undefined as number | undefined };
      const second = await measure(ssh(machine.address, register), {
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
