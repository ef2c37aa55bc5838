import * as os from 'node:os';
import { median } from '../bench-stats';
import { out, parallelismFor, RSS_TARGETS, s, sizes, tools, verdict, type ToolName } from './bench-options';
import type { RunResult } from './run-types';

// What bench/push-install prints about each run as it ends, and the summary after the last.

/** Other work on this host (not the tool, the test machines or the CS) took over 10% of the run's CPU. */
export function noisy(r: RunResult): boolean {
  if (r.serversCpuS === undefined) return false;
  const other = r.hostBusyS - (r.controllerCpuS ?? 0) - r.benchCpuS - r.serversCpuS;
  return other > 0.1 * os.cpus().length * (r.ms / 1000);
}

export function describeRun(r: RunResult): string {
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

export function summarize(results: readonly RunResult[]): void {
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
      `(${n} servers, parallelism ${parallelismFor(n)} (the OpenSSH loop: all), ${rounds} round${rounds === 1 ? '' : 's'}, median wall time` +
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
      out(`    push-install peak RSS ${peak.toFixed(0)} MB (${rssVerdict(n, peak)})`);
    }
    const firsts = results
      .filter((r) => r.tool === 'push-install' && r.n === n && r.ok && r.firstServerMs !== undefined)
      .map((r) => r.firstServerMs as number);
    if (firsts.length)
      out(
        `    push-install first server finished after ${s(median(firsts))} s` +
          (firsts.length > 1 ? ` (median of ${firsts.length} runs)` : ''),
      );
  }
  growthTable(sizes, (tool, n) => timeOf(tool, n));
}

/** The peak RSS target that applies at `n` servers (that of the largest size with one, at or below `n`), judged. */
function rssVerdict(n: number, peakMb: number): string {
  const target = [...RSS_TARGETS].reverse().find((t) => t.servers <= n);
  if (!target)
    return `no target at ${n}; targets: ${RSS_TARGETS.map((t) => `< ${t.mb} MB at ${t.servers}`).join(', ')}`;
  const where = target.servers === n ? `at ${n} servers` : `at ${target.servers} servers, applied at ${n}`;
  return `target < ${target.mb} MB ${where}: ${verdict(peakMb < target.mb)}`;
}

/**
 * Each tool's seconds per server (median wall time / servers) at every size measured, and how that grows from the
 * smallest size to each larger one (x1.00: the time grows in proportion to the servers).
 */
function growthTable(measured: readonly number[], timeOf: (tool: ToolName, n: number) => number | undefined): void {
  const ns = [...new Set(measured)].sort((a, b) => a - b);
  const smallest = ns[0];
  if (smallest === undefined) return;
  out(
    ns.length > 1
      ? `(time per server by size, median wall time / servers; growth of the time per server from ${smallest} servers)`
      : `(time per server by size, median wall time / servers; one size, so no growth)`,
  );
  for (const tool of tools) {
    const perServer = ns.map((n) => {
      const t = timeOf(tool.name, n);
      return t === undefined ? undefined : t / 1000 / n;
    });
    const cells = ns.map((n, i) => `${n}: ${(perServer[i]?.toFixed(2) ?? 'n/a').padStart(4)}`).join('  ');
    const base = perServer[0];
    const growth = ns.slice(1).map((n, i) => {
      const at = perServer[i + 1];
      return `${smallest} -> ${n} ${base === undefined || at === undefined ? 'n/a' : `x${(at / base).toFixed(2)}`}`;
    });
    out(`    ${tool.name.padEnd(18)} ${cells} s per server${growth.length ? `;  growth ${growth.join(', ')}` : ''}`);
  }
}
