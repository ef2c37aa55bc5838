import * as fs from 'node:fs';
import * as path from 'node:path';

// Each test machine's systemd needs a cgroup tree of its own in every hierarchy it will use: with a shared one, all
// machines' systemds manage the same system.slice, and stopping a unit on one machine kills it on the others. In
// hybrid mode systemd also mounts every v1 controller it finds, so each machine gets a cgroup in all of them; the
// launcher joins these before entering the cgroup namespace, which then roots the machine's view there.

export type CgroupMode = 'hybrid' | 'unified';

export interface CgroupHierarchy {
  version: 1 | 2;
  /** v1: the controllers or `name=...` of the hierarchy; v2: empty. */
  options: string[];
  /** Where this process's own cgroup of the hierarchy is on the host. */
  dir: string;
}

interface MountEntry {
  root: string;
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

function unescapeMountPath(value: string): string {
  return value.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function readMounts(): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const fields = left.split(' ');
    const [fsType, , superOptions] = right.split(' ');
    if (fields[3] === undefined || fields[4] === undefined || fsType === undefined) continue;
    entries.push({
      root: unescapeMountPath(fields[3]),
      mountPoint: unescapeMountPath(fields[4]),
      fsType,
      superOptions: (superOptions ?? '').split(','),
    });
  }
  return entries;
}

/** Mount points of all mounts at or below `dir`, deepest first (the order to unmount them in). */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readMounts()
    .map((entry) => entry.mountPoint)
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(prefix))
    .reverse();
}

/** The cgroup hierarchies this process is in and where its cgroup of each is mounted on the host. */
export function discoverHierarchies(): CgroupHierarchy[] {
  const mounts = readMounts();
  const hierarchies: CgroupHierarchy[] = [];
  for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
    const match = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    const [, id, controllers = '', cgroupPath = '/'] = match;
    const version = id === '0' && controllers === '' ? 2 : 1;
    const options = controllers === '' ? [] : controllers.split(',');
    const mount = mounts.find(
      (entry) =>
        (version === 2
          ? entry.fsType === 'cgroup2'
          : entry.fsType === 'cgroup' && options.every((option) => entry.superOptions.includes(option))) &&
        (entry.root === '/' || cgroupPath === entry.root || cgroupPath.startsWith(`${entry.root}/`)),
    );
    if (!mount) continue;
    const relative = pathBelowRoot(mount.root, cgroupPath);
    hierarchies.push({ version, options, dir: path.join(mount.mountPoint, relative) });
  }
  return hierarchies;
}

function pathBelowRoot(root: string, cgroupPath: string): string {
  return root === '/' ? cgroupPath : cgroupPath.slice(root.length);
}

export function hasNamedSystemd(hierarchies: readonly CgroupHierarchy[]): boolean {
  return hierarchies.some((h) => h.version === 1 && h.options.includes('name=systemd'));
}

export function hasUnified(hierarchies: readonly CgroupHierarchy[]): boolean {
  return hierarchies.some((h) => h.version === 2);
}

/** The hierarchies a machine joins: all in hybrid mode (systemd mounts each v1 controller), else cgroup2 only. */
export function hierarchiesFor(mode: CgroupMode, hierarchies: readonly CgroupHierarchy[]): CgroupHierarchy[] {
  const usable = hierarchies.filter((h) => fs.existsSync(path.join(h.dir, 'cgroup.procs')));
  return mode === 'hybrid' ? usable : usable.filter((h) => h.version === 2);
}

/** A machine's cgroup folder in one hierarchy: `<name>` below this process's cgroup. */
export function machineCgroupDir(hierarchy: CgroupHierarchy, name: string): string {
  return path.join(hierarchy.dir, name);
}

/** Creates `<name>` below this process's cgroup in each hierarchy; returns the new cgroup folders. */
export function createMachineCgroups(name: string, hierarchies: readonly CgroupHierarchy[]): string[] {
  const created: string[] = [];
  try {
    for (const hierarchy of hierarchies) {
      const dir = machineCgroupDir(hierarchy, name);
      fs.mkdirSync(dir);
      created.push(dir);
      if (hierarchy.version === 1 && hierarchy.options.includes('cpuset')) {
        // A v1 cpuset starts with no CPUs and no memory nodes, and nothing can join it until it has some.
        for (const file of ['cpuset.cpus', 'cpuset.mems']) {
          const own = path.join(dir, file);
          if (fs.readFileSync(own, 'utf8').trim() === '') {
            fs.writeFileSync(own, fs.readFileSync(path.join(hierarchy.dir, file), 'utf8').trim());
          }
        }
      }
    }
  } catch (error) {
    removeCgroupsSync(created, 0);
    throw error;
  }
  return created;
}

function descendantsDeepestFirst(dir: string): string[] {
  const result: string[] = [];
  const visit = (current: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) visit(path.join(current, entry.name));
    result.push(current);
  };
  visit(dir);
  return result;
}

function killMembers(dir: string): void {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8');
  } catch {
    return;
  }
  for (const pid of text.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

/** One pass: kills what is left in the trees and removes every cgroup it can. Returns the folders still there. */
function removePass(dirs: readonly string[]): string[] {
  for (const dir of dirs) {
    for (const cgroup of descendantsDeepestFirst(dir)) {
      killMembers(cgroup);
      try {
        fs.rmdirSync(cgroup);
      } catch {
        // busy until its processes are reaped; the next pass retries
      }
    }
  }
  return dirs.filter((dir) => fs.existsSync(dir));
}

export async function removeCgroups(dirs: readonly string[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = removePass(dirs);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    left = removePass(left);
  }
  if (left.length > 0) throw new Error(`could not remove cgroups: ${left.join(', ')}`);
}

export function removeCgroupsSync(dirs: readonly string[], timeoutMs = 3_000): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  let left = removePass(dirs);
  while (left.length > 0 && Date.now() < deadline) {
    Atomics.wait(pause, 0, 0, 50);
    left = removePass(left);
  }
}
