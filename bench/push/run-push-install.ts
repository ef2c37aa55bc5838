import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Fleet } from '../../e2e/test-machines/test-machines';
import type { HostResult, PushEvent } from '../../shared/push-events';
import { median } from '../bench-stats';
import { CONNECT_TIMEOUT_S, haveTime, parallelismFor, runTimeoutMs, s, spread, tail, top } from './bench-options';
import { cpuByWindow, type CpuTimeline } from './cpu-accounting';
import { readChildren, type RunMeasured } from './measured-process';
import type { Setup, ToolOutcome } from './run-types';
import type { BenchCs } from './cs-process';

// -- 1. push-install

interface HostTimes {
  steps: Map<string, number>;
  sentAt?: number;
}

export async function runPushInstall(
  setup: Setup,
  fleet: Fleet,
  cs: BenchCs,
  runDir: string,
  timeline: CpuTimeline,
  measure: RunMeasured,
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
  /** When the first host-result line arrived: the first server finished (arrival time, as sentAt). */
  let firstDoneAt: number | undefined;
  // The same connection timeout as Ansible's run (its ANSIBLE_TIMEOUT), as an admin's ssh_config would say.
  const sshConfig = path.join(runDir, 'ssh_config');
  fs.writeFileSync(sshConfig, `Host *\n  ConnectTimeout ${CONNECT_TIMEOUT_S}\n`);
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
    String(parallelismFor(n)),
    '--ssh-config',
    sshConfig,
    '--log-dir',
    runDir,
    '--json',
  ];
  const launched = Date.now();
  const run = await measure(argv, {
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
      else if (event.type === 'host-result') firstDoneAt ??= at;
      else if (event.type === 'result') results = event.hosts;
    },
  });
  const firstServerMs = firstDoneAt === undefined ? undefined : firstDoneAt - launched;
  const base = { ms: run.ms, controllerCpuS: run.cpuS, peakRssMb: run.maxRssMb, firstServerMs };
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
    `  first server finished after ${firstServerMs === undefined ? '?' : s(firstServerMs)} s (its host-result event)`,
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
