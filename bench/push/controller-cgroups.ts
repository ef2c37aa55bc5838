import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverHierarchies, removeCgroups } from '../../e2e/test-machines/host-cgroups';

// The CPU weight of the run's two machines that are not servers: the controller (the tool under test) and the
// configuration server. Each test machine is a cpu cgroup beside this process's own (e2e/test-machines), and the
// scheduler shares the host between those cgroups and the processes left in ours by weight, one share each: a
// tool that works in one process (push-install: one Node thread) then got 1/(N+1) of the host while N servers
// were busy, and the in-process CS as little (39 of 100 registrations waited past the client's 15 s for it),
// while a tool of N processes (ansible-playbook with N forks, the OpenSSH loop) got about half. On a network
// both are machines of their own. So each run puts the tool's processes in a cgroup of their own and the CS in
// another, each weighing as much as the whole fleet: whichever tool it is, its controller can have half the
// host when it wants it (Ansible's N forks had that already), and whatever it leaves goes to the servers.

export interface SideCgroups {
  /** cgroup.procs files to join: the tool's processes and the CS; undefined where no cpu cgroup could be made. */
  readonly controller: string | undefined;
  readonly cs: string | undefined;
  remove(): Promise<void>;
}

interface CpuHierarchy {
  readonly dir: string;
  readonly weightFile: 'cpu.shares' | 'cpu.weight';
  /** The weight one machine's cgroup has (the default), and the most the file takes. */
  readonly unit: number;
  readonly max: number;
}

function cpuHierarchy(): CpuHierarchy | string {
  const hierarchies = discoverHierarchies();
  const v1 = hierarchies.find((h) => h.version === 1 && h.options.includes('cpu'));
  if (v1) return { dir: v1.dir, weightFile: 'cpu.shares', unit: 1024, max: 262_144 };
  const v2 = hierarchies.find((h) => h.version === 2);
  if (!v2) return 'this process is in no cpu cgroup hierarchy';
  const enabled = (file: string): boolean => {
    try {
      return fs.readFileSync(path.join(v2.dir, file), 'utf8').split(/\s+/).includes('cpu');
    } catch {
      return false;
    }
  };
  if (!enabled('cgroup.subtree_control'))
    return `the cgroup2 controller cpu is not enabled below ${v2.dir} (cgroup.subtree_control)`;
  return { dir: v2.dir, weightFile: 'cpu.weight', unit: 100, max: 10_000 };
}

/** The bench's header line: how the controller and the CS are weighted against the servers, or why they are not. */
export function describeSideWeighting(): string {
  const hierarchy = cpuHierarchy();
  return typeof hierarchy === 'string'
    ? `controller and CS not weighted (${hierarchy}): they compete with the servers process by process`
    : `controller and CS each in a cpu cgroup weighing as much as all N servers together (${hierarchy.weightFile} ` +
        `N x ${hierarchy.unit}, as each server's)`;
}

/** Makes the two cgroups for a run on `servers` machines; `name` makes them this run's own. */
export function createSideCgroups(name: string, servers: number): SideCgroups {
  const hierarchy = cpuHierarchy();
  if (typeof hierarchy === 'string')
    return {
      controller: undefined,
      cs: undefined,
      remove: () => Promise.resolve(),
    };
  const weight = Math.min(hierarchy.max, hierarchy.unit * servers);
  const made: string[] = [];
  const make = (side: string): string => {
    const dir = path.join(hierarchy.dir, `${name}-${side}`);
    fs.mkdirSync(dir);
    made.push(dir);
    fs.writeFileSync(path.join(dir, hierarchy.weightFile), String(weight));
    return path.join(dir, 'cgroup.procs');
  };
  try {
    const controller = make('controller');
    const cs = make('cs');
    return {
      controller,
      cs,
      remove: () => removeCgroups(made),
    };
  } catch (error) {
    void removeCgroups(made).catch(() => undefined);
    throw new Error(`cannot make the controller's cgroups in ${hierarchy.dir}: ${(error as Error).message}`);
  }
}

/** argv that joins the cgroup whose cgroup.procs is `procs` (when there is one), then execs `argv` in place. */
export function inCgroup(procs: string | undefined, argv: readonly string[]): string[] {
  if (procs === undefined) return [...argv];
  // $0 is the procs file; exec keeps the pid, so a caller watching the pid still sees the tool.
  return ['sh', '-c', 'echo $$ > "$0" && exec "$@"', procs, ...argv];
}
