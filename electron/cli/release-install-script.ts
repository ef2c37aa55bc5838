import { RELEASE_ENGINE, RELEASE_LIB_DIR } from '../engine/package/package-manifest';
import { runtimeShellCommand } from '../engine/system/runtime-command';

// The release's ./install, as text. It is what root runs first, from a folder that may sit in /tmp, so before
// it executes anything it checks that nobody but root (or the caller) can have changed what it will run: the
// script, its folder, runtime/, runtime/lib/ and every file it will run must be theirs and not writable by
// group or others, and each must have the sha256 sum written into the script here. Then the machine: 64-bit
// x86 and a kernel no older than the oldest one the release is proven on. Only then does it start the runtime,
// through the loader it ships, so no library of the system is loaded. It must run with the oldest tools of the
// seed's systems: POSIX sh (dash, bash 3.2, busybox ash), coreutils 8.4 or busybox, OpenSSL 1.0.1.

/** The oldest kernel the release is proven to run on (RHEL/CentOS/OL 6's 2.6.32; see README, Supported systems). */
export const KERNEL_FLOOR = '2.6.32';

export interface ReleaseFileSum {
  /** Path inside the release, e.g. runtime/lib/libc.so.6. */
  readonly path: string;
  readonly sha256: string;
}

export interface InstallScriptPlan {
  /** Every file the script runs or has the runtime load, with its sum: node, the engine, the libraries. */
  readonly sums: readonly ReleaseFileSum[];
  /** Whether the runtime is started through the shipped loader (false only for a statically linked runtime). */
  readonly loader: boolean;
}

export function installScript(plan: InstallScriptPlan): string {
  const [major, minor, patch] = KERNEL_FLOOR.split('.');
  const checked = [
    '"$here/${0##*/}"',
    '"$here"',
    '"$here/runtime"',
    ...(plan.loader ? [`"$here/${RELEASE_LIB_DIR}"`] : []),
    ...plan.sums.map((file) => `"$here/${file.path}"`),
  ];
  return [
    '#!/bin/sh',
    '# Mobility service installer (self-contained release). As the seed has it, from the release folder:',
    '#   tar -xvf Microsoft-ASR_UA*release.tar.gz && cd Microsoft-ASR_UA*release && sudo ./install -d <Install Location> -r MS -v VmWare -q',
    '# It needs no system Node and no system C library: it runs the runtime shipped beside it, through the loader',
    '# shipped with it, and installs from this folder.',
    'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    // glibc gives each thread (the engine has writer threads) its own malloc arena; two are enough and keep
    // ~5 MB of the peak memory on 100,000-file packages.
    'MALLOC_ARENA_MAX=2',
    'export PATH MALLOC_ARENA_MAX',
    'refuse() { echo "Error $1: $2" >&2; echo "Remedy: $3" >&2; exit 1; }',
    'again="Extract the release again, as root, into a folder of its own (sudo tar -xf <release>.tar.gz), then run ./install there."',
    'case "$0" in */*) ;; *) refuse INSTALL_FAILED "install was found through PATH, so it cannot tell which folder it is in" "Run it as ./install from the release folder." ;; esac',
    'here=$(cd "${0%/*}" && pwd -P) || exit 1',
    // The loader reads --library-path as a list, split at : and ;.
    'case "$here" in *:*|*\\;*) refuse INSTALL_FAILED "the release folder $here has a : or ; in its path, which the runtime\'s loader reads as a list separator" "Extract the release into a folder whose path has neither, then run ./install there." ;; esac',
    'me=$(id -u) || exit 1',
    "nl='",
    "'",
    // One stat for every path (a line "uid mode" each, in order) and, below, one hash command for every file:
    // a process per file was a third of ./install's CPU on each server of a push.
    'check_all() {',
    '  for path; do',
    '    [ -L "$path" ] && refuse INSTALL_FAILED "$path is a symbolic link" "$again"',
    '    [ -e "$path" ] || refuse INSTALL_FAILED "$path is missing" "$again"',
    '  done',
    '  infos=$(stat -c "%u %a" "$@") || refuse INSTALL_FAILED "cannot read the owners and modes of the files in $here" "$again"',
    '  for path; do',
    '    info=${infos%%"$nl"*}; infos=${infos#*"$nl"}',
    '    owner=${info% *}; mode=${info#* }',
    '    [ "$owner" = 0 ] || [ "$owner" = "$me" ] || refuse INSTALL_FAILED "$path belongs to uid $owner, neither root nor you: someone else could have changed it" "$again"',
    '    [ $(( 0$mode & 022 )) -eq 0 ] || refuse INSTALL_FAILED "$path can be written by group or others (mode $mode)" "$again"',
    '  done',
    '}',
    `check_all ${checked.join(' ')}`,
    'machine=$(uname -m)',
    '[ "$machine" = x86_64 ] || refuse UNSUPPORTED_OS "this machine is ${machine:-of an unknown kind}; the release runs on 64-bit x86 (x86_64) only" "Install on a 64-bit x86 server of the support matrix (README, Supported systems)."',
    // A function has positional parameters of its own, so splitting the version here leaves "$@" alone.
    'below_floor() {',
    '  v=${1%%[!0-9.]*}',
    '  [ -n "$v" ] || return 0',
    '  saved=$IFS; IFS=.',
    '  # shellcheck disable=SC2086 # split at the dots on purpose; $v holds only digits and dots',
    '  set -- $v',
    '  IFS=$saved',
    `  [ "\${1:-0}" -ne ${major} ] && { [ "\${1:-0}" -lt ${major} ]; return; }`,
    `  [ "\${2:-0}" -ne ${minor} ] && { [ "\${2:-0}" -lt ${minor} ]; return; }`,
    `  [ "\${3:-0}" -lt ${patch} ]`,
    '}',
    'kernel=$(uname -r)',
    `below_floor "$kernel" && refuse UNSUPPORTED_OS "this system's kernel \${kernel:-(unknown)} is older than ${KERNEL_FLOOR}, the oldest kernel this release is proven to run on" "Install on a system of the support matrix (RHEL/CentOS/Oracle Linux 6 and every later row run ${KERNEL_FLOOR} or newer), or update the kernel."`,
    // OpenSSL's sha256 uses the CPU's SHA instructions where coreutils' may not (0.05 s instead of 0.2 s for
    // the 86 MB runtime, on every server of a push); coreutils (or busybox) is the fallback. The files are named
    // relative to the release folder, so each output line is "<sum> <fixed name>" whatever that folder is called.
    'command -v openssl >/dev/null 2>&1 || command -v sha256sum >/dev/null 2>&1 || refuse INSTALL_FAILED "neither openssl nor sha256sum is installed, so the runtime cannot be verified" "Install coreutils, then run ./install again."',
    'sums_of() { if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r "$@"; else sha256sum "$@"; fi; }',
    // $1: the expected sums, a line each, in the order of the files after it.
    'verify_all() {',
    '  want=$1; shift',
    '  got=$(cd "$here" && sums_of "$@") || refuse INSTALL_FAILED "the runtime in $here could not be read to verify it" "$again"',
    '  for file; do',
    '    line=${got%%"$nl"*}; got=${got#*"$nl"}',
    '    expected=${want%%"$nl"*}; want=${want#*"$nl"}',
    '    [ "${line%% *}" = "$expected" ] || refuse INSTALL_FAILED "$file in $here is not the file this release was built with" "$again"',
    '  done',
    '}',
    `verify_all "${plan.sums.map((file) => file.sha256).join('${nl}')}" ${plan.sums.map((file) => file.path).join(' ')}`,
    `exec ${runtimeShellCommand('$here/runtime', plan.loader)} --max-semi-space-size=1 "$here/${RELEASE_ENGINE}" install --package-dir "$here" "$@"`,
    '',
  ].join('\n');
}
