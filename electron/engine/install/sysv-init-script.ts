import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ServiceSpec } from '../package/package-setup';
import type { SystemLayout } from '../system/system-layout';
import { lstatOrUndefined } from '../system/atomic-file';
import { shellQuote } from './configurator-launcher';

// The agent's service where PID 1 is not systemd (RHEL/CentOS/OL 6, SLES 11, Debian 7; Ubuntu 14.04's Upstart
// runs these too): an LSB init script in /etc/init.d, and its runlevel links. The script needs nothing of the
// distribution (no /etc/init.d/functions, no start-stop-daemon): POSIX sh and the oldest tools of the seed's
// systems. It keeps "pid start-time" in its pid file, so a pid the kernel has since given to another process
// is never taken for the agent, and a zombie counts as dead.

/** Runlevels the agent starts in, and where it is stopped; its start and stop priority (chkconfig's). */
const START_LEVELS = ['2', '3', '4', '5'];
const STOP_LEVELS = ['0', '1', '6'];
const START_PRIORITY = '90';
const STOP_PRIORITY = '10';
/** The first line after the shebang of every script setup writes: how a script of setup's is told apart. */
export const SCRIPT_MARKER = '# Written by Mobility Service Setup; reinstalling the agent rewrites it.';

/** RHEL keeps its scripts in /etc/rc.d/init.d (/etc/init.d is a link there); everyone else in /etc/init.d. */
export function initScriptDir(layout: SystemLayout): string {
  const redHat = path.join(layout.etcDir, 'rc.d', 'init.d');
  return lstatOrUndefined(redHat)?.isDirectory() ? redHat : path.join(layout.etcDir, 'init.d');
}

export function initScriptPath(layout: SystemLayout, name: string): string {
  return path.join(initScriptDir(layout), name);
}

/** The runlevel folders of this system, one per runlevel: RHEL's rc.d/rcN.d, SUSE's init.d/rcN.d, Debian's rcN.d. */
export function runlevelDirs(layout: SystemLayout): Map<string, string> {
  const layouts = [
    (level: string) => path.join(layout.etcDir, 'rc.d', `rc${level}.d`),
    (level: string) => path.join(layout.etcDir, 'init.d', `rc${level}.d`),
    (level: string) => path.join(layout.etcDir, `rc${level}.d`),
  ];
  // Only real folders: RHEL's /etc/rcN.d are links to rc.d/rcN.d, which would count every link twice.
  const found = layouts.find((dirOf) => lstatOrUndefined(dirOf('3'))?.isDirectory());
  const dirs = new Map<string, string>();
  if (!found) return dirs;
  for (const level of [...STOP_LEVELS, ...START_LEVELS]) dirs.set(level, found(level));
  return dirs;
}

export interface RunlevelLink {
  /** The link itself, e.g. /etc/rc3.d/S90asr-mobility. */
  readonly path: string;
  readonly target: string;
}

const linkName = (name: string) => new RegExp(`^[SK]\\d\\d${name.replace(/[.+-]/g, '\\$&')}$`);

export function runlevelLinks(layout: SystemLayout, name: string): RunlevelLink[] {
  const links: RunlevelLink[] = [];
  const pattern = linkName(name);
  for (const dir of runlevelDirs(layout).values()) {
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const entry of entries.filter((e) => pattern.test(e)).sort()) {
      const file = path.join(dir, entry);
      if (lstatOrUndefined(file)?.isSymbolicLink()) links.push({ path: file, target: fs.readlinkSync(file) });
    }
  }
  return links;
}

/** Started at boot: a start link in a multi-user runlevel. */
export function startsAtBoot(links: readonly RunlevelLink[]): boolean {
  return links.some((link) => /\/rc[2-5]\.d\/S\d\d[^/]*$/.test(link.path));
}

export function removeRunlevelLinks(layout: SystemLayout, name: string): void {
  for (const link of runlevelLinks(layout, name)) fs.rmSync(link.path, { force: true });
}

/** Puts links back exactly as they were (a rollback), after removing whatever is there now. */
export function restoreRunlevelLinks(layout: SystemLayout, name: string, links: readonly RunlevelLink[]): void {
  removeRunlevelLinks(layout, name);
  for (const link of links) {
    fs.mkdirSync(path.dirname(link.path), { recursive: true, mode: 0o755 });
    fs.symlinkSync(link.target, link.path);
  }
}

/**
 * The links chkconfig --add, insserv or update-rc.d would make from the script's header, for a system that
 * has none of them (or an image under --root). Undefined when the system has no runlevel folders at all.
 */
export function writeRunlevelLinks(layout: SystemLayout, name: string): RunlevelLink[] | undefined {
  const dirs = runlevelDirs(layout);
  if (dirs.size === 0) return undefined;
  removeRunlevelLinks(layout, name);
  const script = initScriptPath(layout, name);
  const links: RunlevelLink[] = [];
  for (const [level, dir] of dirs) {
    const start = START_LEVELS.includes(level);
    const link = path.join(dir, `${start ? 'S' : 'K'}${start ? START_PRIORITY : STOP_PRIORITY}${name}`);
    // Relative, as the tools make them, so the links stay right inside an image mounted elsewhere.
    const target = path.relative(dir, script);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    fs.symlinkSync(target, link);
    links.push({ path: link, target });
  }
  return links;
}

/** The init script's text. Every value from the package or the location is one single-quoted sh word. */
export function initScriptText(spec: ServiceSpec, installLocation: string): string {
  const exec = [path.posix.join(installLocation, spec.exec), ...spec.args].map(shellQuote).join(' ');
  // Header values are read line by line by chkconfig and insserv; the package's description has no control
  // characters (package-setup refuses them), so it cannot end the header early.
  const description = spec.description;
  return [
    '#!/bin/sh',
    SCRIPT_MARKER,
    `# chkconfig: ${START_LEVELS.join('')} ${START_PRIORITY} ${STOP_PRIORITY}`,
    `# description: ${description}`,
    '### BEGIN INIT INFO',
    `# Provides:          ${spec.name}`,
    '# Required-Start:    $network $remote_fs',
    '# Required-Stop:     $network $remote_fs',
    `# Default-Start:     ${START_LEVELS.join(' ')}`,
    `# Default-Stop:      ${STOP_LEVELS.join(' ')}`,
    `# Short-Description: ${description}`,
    `# Description:       ${description}`,
    '### END INIT INFO',
    'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    'export PATH',
    `name=${shellQuote(spec.name)}`,
    `dir=${shellQuote(installLocation)}`,
    'pidfile="/var/run/$name.pid"',
    'logfile="/var/log/$name.log"',
    '',
    '# The start time (jiffies since boot) of a process, from /proc: with the pid, it names one process for good.',
    'started_at() {',
    '  [ -r "/proc/$1/stat" ] || { echo unknown; return; }',
    '  read -r stat < "/proc/$1/stat" || { echo gone; return; }',
    '  rest=${stat##*) }',
    '  # shellcheck disable=SC2086 # the fields of /proc/PID/stat after the name, split on purpose',
    '  set -- $rest',
    '  [ "$1" = Z ] && { echo zombie; return; }',
    '  shift 19',
    '  echo "$1"',
    '}',
    '',
    '# LSB status codes: 0 running, 1 dead but the pid file exists, 3 not running.',
    'check() {',
    '  [ -f "$pidfile" ] || return 3',
    '  read -r pid since < "$pidfile" || return 1',
    '  case "$pid" in ""|*[!0-9]*) return 1 ;; esac',
    '  kill -0 "$pid" 2>/dev/null || return 1',
    '  now=$(started_at "$pid")',
    '  [ "$now" = zombie ] && return 1',
    '  [ -z "$since" ] || [ "$now" = unknown ] || [ "$now" = "$since" ] || return 1',
    '  return 0',
    '}',
    '',
    'start() {',
    '  if check; then echo "$name is running (pid $pid)"; return 0; fi',
    '  cd "$dir" || return 1',
    "  # In a session of its own: a signal to the caller's process group or terminal does not reach it.",
    '  if command -v setsid >/dev/null 2>&1; then',
    `    setsid ${exec} </dev/null >>"$logfile" 2>&1 &`,
    '  else',
    `    ${exec} </dev/null >>"$logfile" 2>&1 &`,
    '  fi',
    '  pid=$!',
    '  echo "$pid $(started_at "$pid")" > "$pidfile"',
    '  echo "Started $name (pid $pid)"',
    '}',
    '',
    '# Fractions of a second where sleep takes them (coreutils, busybox); whole seconds otherwise.',
    'if sleep 0.01 2>/dev/null; then step=0.2 tries=150; else step=1 tries=30; fi',
    '',
    'stop() {',
    '  if ! check; then rm -f "$pidfile"; echo "$name is not running"; return 0; fi',
    '  # The agent leads its own process group when setsid started it: the group goes with it.',
    '  kill -TERM -"$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null',
    '  i=0',
    '  while [ "$i" -lt "$tries" ]; do',
    '    check || { rm -f "$pidfile"; echo "Stopped $name"; return 0; }',
    '    sleep "$step"',
    '    i=$((i + 1))',
    '  done',
    '  kill -KILL -"$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null',
    '  rm -f "$pidfile"',
    '  echo "Stopped $name (killed: it did not stop within 30 s)"',
    '}',
    '',
    'case "$1" in',
    '  start) start ;;',
    '  stop) stop ;;',
    '  restart|force-reload) stop && start ;;',
    '  status)',
    '    check; code=$?',
    '    case $code in',
    '      0) echo "$name is running (pid $pid)" ;;',
    '      1) echo "$name is dead, but $pidfile exists" ;;',
    '      *) echo "$name is not running" ;;',
    '    esac',
    '    exit $code ;;',
    '  *) echo "Usage: $0 {start|stop|restart|status}" >&2; exit 2 ;;',
    'esac',
    '',
  ].join('\n');
}
