import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startFleet, type Fleet } from '../../e2e/test-machines/test-machines';
import { keepBashrc, OS_RELEASE, out, type ToolName } from './bench-options';
import { createSideCgroups, type SideCgroups } from './controller-cgroups';
import { CLK_TCK, CpuTimeline, cpuTicks, fleetCpuReader, settle } from './cpu-accounting';
import { startCsProcess, type BenchCs } from './cs-process';
import { measuredRunner } from './measured-process';
import { runAnsible } from './run-ansible';
import { runPushInstall } from './run-push-install';
import { runSshLoop } from './run-ssh-loop';
import type { RunResult, Setup, ToolOutcome } from './run-types';

// One measured run of bench/push-install: freshly booted test machines, a fresh reference CS (a process of its
// own), one tool, the CPU weights of the controller and the CS (controller-cgroups.ts), and the host's CPU around it.

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

export async function measureOnce(setup: Setup, tool: ToolName, n: number, round: number): Promise<RunResult> {
  const runDir = fs.mkdtempSync(path.join(setup.work, `${tool.split(' ')[0]}-${n}-${round}-`));
  dropPageCache();
  const bootStart = Date.now();
  const fleet = await startFleet(
    Array.from({ length: n }, () => ({ authorizedKeys: [setup.publicKey], osRelease: OS_RELEASE })),
    { bootTimeoutMs: 300_000 },
  );
  let cs: BenchCs | undefined;
  let sides: SideCgroups | undefined;
  try {
    const bootMs = Date.now() - bootStart;
    if (!keepBashrc) await stockBashrc(fleet);
    sides = createSideCgroups(`asr-bench-${path.basename(runDir)}`, n);
    cs = await startCsProcess({
      host: fleet.gateway,
      passphraseFile: setup.passphraseFile,
      work: runDir,
      cgroupProcs: sides.cs,
    });
    const measure = measuredRunner(runDir, sides.controller);
    // A fresh fleet of 100 systemd machines on 2 cores takes minutes to finish starting its units (load ~650
    // right after boot): timing a tool before then measures the boot, and sshd drops logins it cannot serve.
    const busyBefore = await settle(Math.max(45_000, n * 2_000));
    const cpuBefore = cpuTicks();
    const benchBefore = process.cpuUsage();
    const csBefore = cs.cpuS();
    const fleetCpuS = fleetCpuReader(fleet);
    const serversBefore = fleetCpuS();
    const timeline = new CpuTimeline(fleetCpuS);
    timeline.start();
    let outcome: ToolOutcome;
    try {
      outcome =
        tool === 'push-install'
          ? await runPushInstall(setup, fleet, cs, runDir, timeline, measure)
          : tool === 'ansible-playbook' || tool === 'ansible (pipelined)'
            ? await runAnsible(setup, fleet, cs, runDir, tool === 'ansible (pipelined)', measure)
            : await runSshLoop(setup, fleet, cs, timeline, measure);
    } finally {
      timeline.stop();
    }
    const cpuAfter = cpuTicks();
    const bench = process.cpuUsage(benchBefore);
    const csCpuS = cs.cpuS() - csBefore;
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
      firstServerMs: outcome.firstServerMs,
      hostBusyS: (cpuAfter.busy - cpuBefore.busy) / CLK_TCK,
      benchCpuS: (bench.user + bench.system) / 1e6 + csCpuS,
      serversCpuS: serversBefore === undefined || serversAfter === undefined ? undefined : serversAfter - serversBefore,
      busyBefore,
      details: outcome.details,
    };
  } finally {
    await cs?.close().catch(() => undefined);
    await sides?.remove().catch((error: unknown) => out(`  (${String(error)})`));
    await fleet.teardown().catch((error: unknown) => out(`  (teardown of fleet ${fleet.id}: ${String(error)})`));
  }
}

export function notRun(tool: ToolName, n: number, round: number): RunResult {
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
