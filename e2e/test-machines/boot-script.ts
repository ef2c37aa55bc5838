import type { CgroupMode } from './host-cgroups';

// The command line that boots one machine. The launcher shell joins the machine's cgroups first (`ip netns exec`
// mounts a fresh /sys, which hides the host's cgroup trees), then enters the network namespace and new PID, mount,
// UTS and cgroup namespaces, where the boot shell mounts the machine's file systems and execs its init as PID 1
// (systemd, or /sbin/init: SysV init, or busybox's).

export interface TmpfsMount {
  /** Absolute path inside the machine, e.g. '/opt'. */
  path: string;
  sizeMb: number;
}

export interface BootPlan {
  netns: string;
  hostname: string;
  /** Holds upper/, work/, merged/ and console.log (systemd's console). */
  machineDir: string;
  /** cgroup.procs files of the machine's own cgroups on the host, one per hierarchy. */
  cgroupProcs: readonly string[];
  cgroupMode: CgroupMode;
  tmpfs: readonly TmpfsMount[];
  /** The overlay's lower layers, topmost first, ':'-separated: '/' (this host's root) unless the machine has its own. */
  lowerDirs: string;
  init: 'systemd' | 'sbin-init';
}

export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// Positional parameters: merged folder, machine folder, host name, cgroup mode, lower layers, init, then (path,
// size) pairs.
const BOOT = `set -eu
R=$1; M=$2; H=$3; MODE=$4; LOWER=$5; INIT=$6; shift 6
mount -t overlay overlay -o "lowerdir=$LOWER,upperdir=$M/upper,workdir=$M/work" "$R"
mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
if [ "$MODE" = hybrid ]; then
  mount -t tmpfs -o mode=755,nosuid,nodev,noexec tmpfs "$R/sys/fs/cgroup"
  mkdir "$R/sys/fs/cgroup/systemd" "$R/sys/fs/cgroup/unified"
  mount -t cgroup -o none,name=systemd,nosuid,nodev,noexec cgroup "$R/sys/fs/cgroup/systemd"
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup/unified"
else
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"
fi
mount --rbind /dev "$R/dev"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
mount --bind "$M/console.log" "$R/dev/console"
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$R/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp"
while [ $# -ge 2 ]; do
  mkdir -p "$R$1"
  mount -t tmpfs -o "mode=755,size=$2" tmpfs "$R$1"
  shift 2
done
hostname "$H"
export container=mobility-test
if [ "$INIT" = systemd ]; then
  exec chroot "$R" /lib/systemd/systemd --system --show-status=0 --log-target=console </dev/null
fi
exec chroot "$R" /sbin/init </dev/null`;

export function launcherArgv(plan: BootPlan): string[] {
  const merged = `${plan.machineDir}/merged`;
  const bootArgs = [merged, plan.machineDir, plan.hostname, plan.cgroupMode, plan.lowerDirs, plan.init];
  for (const mount of plan.tmpfs) {
    if (!mount.path.startsWith('/') || mount.path.split('/').includes('..')) {
      throw new Error(`tmpfs path must be absolute: ${mount.path}`);
    }
    if (!Number.isInteger(mount.sizeMb) || mount.sizeMb <= 0) throw new Error(`bad tmpfs size: ${mount.sizeMb}`);
    bootArgs.push(mount.path, `${mount.sizeMb}m`);
  }
  const join = plan.cgroupProcs.map((file) => `echo $$ > ${shellQuote(file)}`).join(' && ');
  const enter = [
    'ip',
    'netns',
    'exec',
    plan.netns,
    'unshare',
    '--pid',
    '--fork',
    '--mount',
    '--uts',
    '--cgroup',
    '--propagation',
    'private',
    '/bin/sh',
    '-c',
    BOOT,
    'boot',
    ...bootArgs,
  ]
    .map(shellQuote)
    .join(' ');
  const launcher = `set -e\n${join ? `${join}\n` : ''}exec ${enter}`;
  return ['/bin/sh', '-c', launcher, 'test-machine-launcher'];
}
