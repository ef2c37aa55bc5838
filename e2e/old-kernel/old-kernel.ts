import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// An older kernel, imitated on this one for the tests of the seed's systems: every x86-64 system call newer
// than that kernel answers ENOSYS (a seccomp filter, old-kernel-filter.py, run by Debian's python3-seccomp), and
// `setarch --uname-2.6` makes whatever reads the kernel's version see a 2.6 one. Both are needed: Node's
// OpenSSL only falls back to /dev/urandom for a kernel that says it is older than 4.8 (getrandom came in 3.17),
// and aborts at start otherwise. What this cannot imitate: flags an old kernel lacks on calls it has (O_TMPFILE,
// say), and behaviour that changed without a new call.

/** x86-64 system calls from 2.6.30 on, with the first kernel that has each (numbers from asm/unistd_64.h). */
const SYSCALLS_SINCE: ReadonlyArray<readonly [number, string, string]> = [
  [295, 'preadv', '2.6.30'],
  [296, 'pwritev', '2.6.30'],
  [297, 'rt_tgsigqueueinfo', '2.6.31'],
  [298, 'perf_event_open', '2.6.31'],
  [299, 'recvmmsg', '2.6.33'],
  [300, 'fanotify_init', '2.6.36'],
  [301, 'fanotify_mark', '2.6.36'],
  [302, 'prlimit64', '2.6.36'],
  [303, 'name_to_handle_at', '2.6.39'],
  [304, 'open_by_handle_at', '2.6.39'],
  [305, 'clock_adjtime', '2.6.39'],
  [306, 'syncfs', '2.6.39'],
  [307, 'sendmmsg', '3.0'],
  [308, 'setns', '3.0'],
  [309, 'getcpu', '3.1'],
  [310, 'process_vm_readv', '3.2'],
  [311, 'process_vm_writev', '3.2'],
  [312, 'kcmp', '3.5'],
  [313, 'finit_module', '3.8'],
  [314, 'sched_setattr', '3.14'],
  [315, 'sched_getattr', '3.14'],
  [316, 'renameat2', '3.15'],
  [317, 'seccomp', '3.17'],
  [318, 'getrandom', '3.17'],
  [319, 'memfd_create', '3.17'],
  [320, 'kexec_file_load', '3.17'],
  [321, 'bpf', '3.18'],
  [322, 'execveat', '3.19'],
  [323, 'userfaultfd', '4.3'],
  [324, 'membarrier', '4.3'],
  [325, 'mlock2', '4.4'],
  [326, 'copy_file_range', '4.5'],
  [327, 'preadv2', '4.6'],
  [328, 'pwritev2', '4.6'],
  [329, 'pkey_mprotect', '4.9'],
  [330, 'pkey_alloc', '4.9'],
  [331, 'pkey_free', '4.9'],
  [332, 'statx', '4.11'],
  [333, 'io_pgetevents', '4.18'],
  [334, 'rseq', '4.18'],
  // 335-423 were never used on x86-64; 424 (pidfd_send_signal) and every call after it came in 5.1 or later.
  [424, 'pidfd_send_signal', '5.1'],
];
/** Below the x32 numbers (512 on), which are another ABI. */
const LAST_NATIVE = 511;

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The system calls a kernel of `version` lacks, as filter arguments (N or FIRST-LAST). */
export function missingSyscalls(version: string): string[] {
  const newer = SYSCALLS_SINCE.filter(([, , since]) => compareVersions(since, version) > 0).map(([nr]) => nr);
  const first = newer[0];
  if (first === undefined) return [];
  // Sorted by number and by version alike: from the first newer call on, every one is newer.
  return [`${first}-${LAST_NATIVE}`];
}

export function syscallName(number: number): string | undefined {
  return SYSCALLS_SINCE.find(([nr]) => nr === number)?.[1];
}

const FILTER = path.join(__dirname, 'old-kernel-filter.py');
const PYTHON = '/usr/bin/python3';

/** argv that runs `argv` as on a kernel of `version`. */
export function onOldKernel(version: string, argv: readonly string[]): string[] {
  return ['setarch', 'x86_64', '--uname-2.6', PYTHON, FILTER, ...missingSyscalls(version), '--', ...argv];
}

/** Why an old kernel cannot be imitated here, or undefined when it can. */
export function oldKernelUnavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'imitating old kernels needs x86-64 Linux';
  const probe = spawnSync(PYTHON, ['-c', 'import seccomp'], { encoding: 'utf8' });
  if (probe.status !== 0) return `Debian's python3-seccomp is missing (${PYTHON}: ${probe.stderr.trim()})`;
  if (spawnSync('setarch', ['x86_64', '--uname-2.6', 'true']).status !== 0) return 'setarch --uname-2.6 does not run';
  return undefined;
}
