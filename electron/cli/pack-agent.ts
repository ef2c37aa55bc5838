import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { setupError } from '../../shared/error-catalog';
import { PACKAGE_LABELS, supportRowByLabel } from '../../shared/support-matrix';
import { parseAgentVersion } from '../../shared/package-name';
import { buildPackage, PackError, type ExtraFile } from '../engine/package/package-builder';
import { RELEASE_ENGINE, RELEASE_INSTALLER, RELEASE_NODE } from '../engine/package/package-manifest';
import { formatFailure } from './cli-output';
import { resultCodes } from '../../shared/exit-codes';
import { formatHelp, parseCommandLine, wantsHelp, type OptionSpec } from './command-line';
import { runEntry } from './run-entry';
import type { CliEnvironment } from './unified-agent-cli';

// pack-agent: builds an agent package (manifest + payload, .tar.gz) from a payload folder.

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'from',
    windows: [],
    posix: ['--from'],
    value: 'PAYLOAD_DIR',
    required: true,
    description: 'Folder whose tree is installed at the install location',
  },
  {
    key: 'os',
    windows: [],
    posix: ['--os'],
    value: 'LABEL',
    required: true,
    description: `Support-matrix label: ${PACKAGE_LABELS.join(', ')}`,
  },
  {
    key: 'agentVersion',
    windows: [],
    posix: ['--agent-version'],
    value: 'X.Y.Z.W',
    required: true,
    description: 'Agent version, e.g. 9.60.0.0',
  },
  {
    key: 'out',
    windows: [],
    posix: ['--out'],
    value: 'DIR',
    required: true,
    description: 'Output folder (created when missing)',
  },
  {
    key: 'date',
    windows: [],
    posix: ['--date'],
    value: 'YYYY-MM-DD',
    description: 'Release date in the file name (default: today, UTC)',
  },
  { key: 'level', windows: [], posix: ['--level'], value: '1-9', description: 'gzip level (default 6)' },
  {
    key: 'withInstaller',
    windows: [],
    posix: ['--with-installer'],
    description: 'Make the self-contained Linux release (install, Node runtime, bundled engine)',
  },
  {
    key: 'node',
    windows: [],
    posix: ['--node'],
    value: 'FILE',
    description: 'With --with-installer: the Node binary to ship (default: the one running pack-agent)',
  },
];

/**
 * The release's ./install. It is what root runs first, from a folder that may sit in /tmp, so before it
 * executes anything it checks that nobody but root (or the caller) can have changed what it will run: the
 * script, its folder, runtime/ and the files in it must be theirs and not writable by group or others, and
 * the runtime and the engine must have the sha256 sums written into the script here. Its own PATH, not the
 * caller's, finds stat, id and openssl or sha256sum.
 */
export function installScript(sums: { readonly node: string; readonly engine: string }): string {
  return [
    '#!/bin/sh',
    '# Mobility service installer (self-contained release). As the seed has it, from the release folder:',
    '#   tar -xvf Microsoft-ASR_UA*release.tar.gz && cd Microsoft-ASR_UA*release && sudo ./install -d <Install Location> -r MS -v VmWare -q',
    '# It needs no system Node: it runs the runtime shipped beside it, and installs from this folder.',
    'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
    // glibc gives each thread (the engine has writer threads) its own malloc arena; two are enough and keep
    // ~5 MB of the peak memory on 100,000-file packages.
    'MALLOC_ARENA_MAX=2',
    'export PATH MALLOC_ARENA_MAX',
    'refuse() { echo "Error INSTALL_FAILED: $1" >&2; echo "Remedy: $2" >&2; exit 1; }',
    'again="Extract the release again, as root, into a folder of its own (sudo tar -xf <release>.tar.gz), then run ./install there."',
    'case "$0" in */*) ;; *) refuse "install was found through PATH, so it cannot tell which folder it is in" "Run it as ./install from the release folder." ;; esac',
    'here=$(cd "${0%/*}" && pwd -P) || exit 1',
    'me=$(id -u) || exit 1',
    'check() {',
    '  [ -L "$1" ] && refuse "$1 is a symbolic link" "$again"',
    '  [ -e "$1" ] || refuse "$1 is missing" "$again"',
    '  info=$(stat -c "%u %a" "$1") || refuse "cannot read the owner and mode of $1" "$again"',
    '  owner=${info% *}; mode=${info#* }',
    '  [ "$owner" = 0 ] || [ "$owner" = "$me" ] || refuse "$1 belongs to uid $owner, neither root nor you: someone else could have changed it" "$again"',
    '  [ $(( 0$mode & 022 )) -eq 0 ] || refuse "$1 can be written by group or others (mode $mode)" "$again"',
    '}',
    'for path in "$here/${0##*/}" "$here" "$here/runtime" "$here/runtime/node" "$here/runtime/asr-setup.cjs"; do check "$path"; done',
    // OpenSSL's sha256 uses the CPU's SHA instructions where coreutils' may not (0.05 s instead of 0.2 s for
    // the 95 MB runtime, on every server of a push); coreutils is the fallback.
    'sum_of() { if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r "$1" | cut -d " " -f 1; else sha256sum "$1" | cut -d " " -f 1; fi; }',
    'command -v openssl >/dev/null 2>&1 || command -v sha256sum >/dev/null 2>&1 || refuse "neither openssl nor sha256sum is installed, so the runtime cannot be verified" "Install coreutils, then run ./install again."',
    `[ "$(sum_of "$here/runtime/node")" = ${sums.node} ] && [ "$(sum_of "$here/runtime/asr-setup.cjs")" = ${sums.engine} ] ||`,
    '  refuse "runtime/node or runtime/asr-setup.cjs in $here is not the file this release was built with" "$again"',
    'node="$here/runtime/node"',
    // Whether the runtime can run here: asking the dynamic loader to resolve its libraries and symbol versions
    // costs a millisecond; starting Node to find out costs 0.09 core-s on every server of a push. Where there is
    // no x86-64 glibc loader, or it names a problem, Node is started once to be sure, and refused if it fails.
    'loader=/lib64/ld-linux-x86-64.so.2',
    'if [ -x "$loader" ] && problems=$("$loader" --list "$node" 2>&1 >/dev/null) && [ -z "$problems" ]; then',
    '  :',
    'elif ! "$node" -e 0 >/dev/null 2>&1; then',
    '  echo "Error INSTALL_FAILED: the bundled Node runtime ($node) cannot run on this system." >&2',
    '  echo "Remedy: it needs 64-bit x86 Linux with glibc 2.28 or later (RHEL/OL 8+, SLES 15, Ubuntu 18.04+, Debian 10+); see README, Distribution." >&2',
    '  exit 1',
    'fi',
    'exec "$node" --max-semi-space-size=1 "$here/runtime/asr-setup.cjs" install --package-dir "$here" "$@"',
    '',
  ].join('\n');
}

/**
 * The runtime as the release ships it: without its static symbol table and debug sections where binutils'
 * strip is here (Debian's node: 99 MB to 86 MB, so every server of a push receives, unpacks, verifies and
 * copies 13% less; the dynamic symbols native modules link against stay). Kept as it is when strip is
 * missing or its result does not run.
 */
function shippedRuntime(node: string, scratch: string): string {
  const stripped = path.join(scratch, 'node');
  const strip = spawnSync('strip', ['--strip-all', '-o', stripped, node], { stdio: 'ignore' });
  if (strip.status !== 0 || !fs.existsSync(stripped)) return node;
  const runs = spawnSync(
    stripped,
    ['-e', 'process.exit(typeof require("node:crypto").createHash === "function" ? 0 : 1)'],
    {
      stdio: 'ignore',
    },
  );
  return runs.status === 0 ? stripped : node;
}

async function packAgentMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  if (wantsHelp(args)) {
    cli.streams.stdout.write(
      formatHelp(
        ['pack-agent --from PAYLOAD_DIR --os LABEL --agent-version X.Y.Z.W --out DIR [--with-installer]'],
        OPTIONS,
        [],
      ),
    );
    return 0;
  }
  const fail = (message: string, code: 'INVALID_ARGUMENT' | 'PACKAGE_INVALID' = 'INVALID_ARGUMENT'): number => {
    const error = setupError(
      code,
      message,
      code === 'INVALID_ARGUMENT'
        ? 'Run pack-agent --help for the expected options.'
        : 'Fix the payload as described, then run pack-agent again.',
    );
    cli.streams.stderr.write(formatFailure(error, undefined));
    return resultCodes('Failed', error, process.platform).exitCode;
  };
  const parsed = parseCommandLine(args, OPTIONS);
  if (!parsed.ok) return fail(parsed.message);
  const o = parsed.options;
  let date: Date | undefined;
  if (typeof o.date === 'string') {
    date = new Date(`${o.date}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.date) || Number.isNaN(date.getTime()))
      return fail(`--date "${o.date}" is not a date of the form YYYY-MM-DD`);
  }
  let level: number | undefined;
  if (typeof o.level === 'string') {
    level = Number(o.level);
    if (!Number.isInteger(level) || level < 1 || level > 9)
      return fail(`--level "${o.level}" is not a whole number from 1 to 9`);
  }
  if (!supportRowByLabel(o.os as string))
    return fail(`--os "${o.os}" is not a label of the support matrix; use one of ${PACKAGE_LABELS.join(', ')}`);
  if (!parseAgentVersion(o.agentVersion as string))
    return fail(`--agent-version "${o.agentVersion}" is not of the form X.Y.Z.W (for example 9.60.0.0)`);
  let extras: ExtraFile[] = [];
  let scratch: string | undefined;
  if (o.withInstaller === true) {
    const engine = path.join(path.dirname(cli.scriptPath), 'asr-setup.cjs');
    let node = path.resolve(typeof o.node === 'string' ? o.node : process.execPath);
    if (!fs.existsSync(engine)) return fail(`the bundled engine ${engine} is missing; run npm run build first`);
    if (!fs.existsSync(node)) return fail(`--node "${node}" does not exist`);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-agent-'));
    node = shippedRuntime(node, scratch);
    const install = path.join(scratch, 'install');
    const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    fs.writeFileSync(install, installScript({ node: sha256(node), engine: sha256(engine) }), { mode: 0o755 });
    extras = [
      { archivePath: RELEASE_INSTALLER, sourcePath: install, mode: 0o755 },
      { archivePath: RELEASE_NODE, sourcePath: node, mode: 0o755 },
      { archivePath: RELEASE_ENGINE, sourcePath: engine, mode: 0o644 },
    ];
  }
  try {
    const built = await buildPackage({
      from: path.resolve(o.from as string),
      osLabel: o.os as string,
      agentVersion: o.agentVersion as string,
      outDir: path.resolve(o.out as string),
      date,
      level,
      extras,
      topFolder: o.withInstaller === true,
    });
    cli.streams.stdout.write(`${built.file}\n`);
    return 0;
  } catch (error) {
    if (error instanceof PackError) return fail(error.message, 'PACKAGE_INVALID');
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail(`${(error as Error).message}`);
    throw error;
  } finally {
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

runEntry(packAgentMain);
