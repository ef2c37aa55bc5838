import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  RELEASE_ENGINE,
  RELEASE_LOADER,
  RELEASE_WINDOWS_LAUNCHER,
  RUNTIME_ROOT,
  type PackageManifest,
} from '../package/package-manifest';
import { runtimeShellCommand } from '../system/runtime-command';
import { SETUP_DIR_NAME } from '../system/system-layout';

/** Windows: the seed runs UnifiedAgentConfigurator.exe from the install location's agent folder. */
export const WINDOWS_CONFIGURATOR_DIR = 'agent';
export const WINDOWS_CONFIGURATOR = `${WINDOWS_CONFIGURATOR_DIR}/UnifiedAgentConfigurator.exe`;

/**
 * Where a release's file outside its payload goes at the install location, or undefined for one that stays in
 * the release: the runtime and engine into .asrsetup/runtime (so the configurator needs no checkout), and on
 * Windows the launcher, as agent\UnifiedAgentConfigurator.exe (it runs that kept runtime when so named).
 */
export function releaseFileTarget(stagingDir: string, archivePath: string): string | undefined {
  if (archivePath === RUNTIME_ROOT || archivePath.startsWith(`${RUNTIME_ROOT}/`))
    return path.join(stagingDir, SETUP_DIR_NAME, archivePath);
  if (archivePath !== RELEASE_WINDOWS_LAUNCHER) return undefined;
  fs.mkdirSync(path.join(stagingDir, WINDOWS_CONFIGURATOR_DIR), { recursive: true, mode: 0o755 });
  return path.join(stagingDir, ...WINDOWS_CONFIGURATOR.split('/'));
}

/** Where the seed's registration step looks for the configurator: <install location>/Vx/bin. */
export const CONFIGURATOR_LAUNCHER = path.join('Vx', 'bin', 'UnifiedAgentConfigurator.sh');

/** How a script starts the kept runtime: through its own loader where the release ships one. */
export interface KeptRuntime {
  readonly throughLoader: boolean;
}

function keptRuntimeCommand(runtime: KeptRuntime): string {
  return `${runtimeShellCommand(`$top/${SETUP_DIR_NAME}/${RUNTIME_ROOT}`, runtime.throughLoader)} --max-semi-space-size=1 "$top/${SETUP_DIR_NAME}/${RELEASE_ENGINE}"`;
}

/** A word for sh: single-quoted, with each ' written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * Writes Vx/bin/UnifiedAgentConfigurator.sh for a self-contained release: it runs the release's own
 * runtime, kept in .asrsetup/runtime, so registering needs neither a checkout nor a system Node. The install
 * location is written into it as an absolute path: found from how the script was invoked ($0), a copy or a
 * relative call from another folder could make root run that folder's runtime. Under --root it names the
 * tree where it was laid down on this machine (`installedAt`).
 */
export function writeConfiguratorLauncher(tree: string, installedAt: string, runtime: KeptRuntime): void {
  const launcher = path.join(tree, CONFIGURATOR_LAUNCHER);
  if (fs.existsSync(launcher)) return;
  fs.mkdirSync(path.dirname(launcher), { recursive: true, mode: 0o755 });
  fs.chmodSync(path.dirname(launcher), 0o755);
  fs.chmodSync(path.dirname(path.dirname(launcher)), 0o755);
  const top = path.resolve(installedAt);
  const script = [
    '#!/bin/sh',
    '# UnifiedAgentConfigurator.sh -i <CS IP[:port]> -P <passphrase file>: registers this agent with a configuration',
    '# server. Written by Mobility Service Setup; it runs the Node runtime installed with the agent.',
    `top=${shellQuote(top)}`,
    `exec ${keptRuntimeCommand(runtime)} configure "$@"`,
    '',
  ].join('\n');
  writeExecutable(launcher, script);
}

/** The mode a file is created with passes through the caller's umask (077 under some deployment tools): set it. */
function writeExecutable(file: string, script: string): void {
  fs.writeFileSync(file, script, { mode: 0o755 });
  fs.chmodSync(file, 0o755);
}

/** Where the install puts the seed's uninstall script: <install location>/uninstall.sh [-Y] [-P FILE|-]. */
export const UNINSTALL_SCRIPT = 'uninstall.sh';

/**
 * Writes <install location>/uninstall.sh for a self-contained release: it runs the kept runtime's
 * `install --uninstall`; -Y answers yes, and on a terminal without -Y it asks first.
 */
export function writeUninstallScript(tree: string, installedAt: string, runtime: KeptRuntime): void {
  const file = path.join(tree, UNINSTALL_SCRIPT);
  if (fs.existsSync(file)) return;
  const top = path.resolve(installedAt);
  const script = [
    '#!/bin/sh',
    '# uninstall.sh [-Y] [-P <passphrase file>|-]: removes the Mobility service agent installed here (and, with -P,',
    '# its registration with the configuration server). Written by Mobility Service Setup.',
    `top=${shellQuote(top)}`,
    'yes=',
    'for arg in "$@"; do [ "$arg" = "-Y" ] && yes=1; done',
    'if [ -z "$yes" ]; then',
    '  if [ -t 0 ]; then',
    '    printf "Remove the Mobility service agent from %s? [y/N] " "$top"',
    '    read -r answer || exit 1',
    '    case "$answer" in y|Y|yes|YES) ;; *) echo "Nothing was removed."; exit 0 ;; esac',
    '  else',
    '    echo "Error INVALID_ARGUMENT: not on a terminal; give -Y to confirm the removal." >&2',
    '    exit 2',
    '  fi',
    'fi',
    '# Drop -Y, keeping every other argument whole (spaces included).',
    'n=$#',
    'while [ "$n" -gt 0 ]; do a=$1; shift; n=$((n - 1)); [ "$a" = "-Y" ] || set -- "$@" "$a"; done',
    `exec ${keptRuntimeCommand(runtime)} install --uninstall "$@"`,
    '',
  ].join('\n');
  writeExecutable(file, script);
}

/**
 * Both scripts of a self-contained release (a package with the engine beside its payload; none for a plain
 * package); returns what setup wrote, relative to the install location.
 */
export function writeReleaseScripts(
  tree: string,
  installedAt: string,
  manifest: Pick<PackageManifest, 'indexOf'>,
): string[] {
  if (manifest.indexOf(RELEASE_ENGINE) === -1) return [];
  // Windows: the release's own launcher, placed during extraction (releaseFileTarget), is the configurator.
  if (manifest.indexOf(RELEASE_WINDOWS_LAUNCHER) !== -1) return [WINDOWS_CONFIGURATOR_DIR, WINDOWS_CONFIGURATOR];
  const runtime = { throughLoader: manifest.indexOf(RELEASE_LOADER) !== -1 };
  writeConfiguratorLauncher(tree, installedAt, runtime);
  writeUninstallScript(tree, installedAt, runtime);
  return ['Vx', 'Vx/bin', CONFIGURATOR_LAUNCHER, UNINSTALL_SCRIPT];
}
