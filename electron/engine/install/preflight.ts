import * as fs from 'node:fs';
import * as path from 'node:path';
import { lstatOrUndefined } from '../system/atomic-file';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import { formatBytes } from '../../../shared/format';
import { checkInstallLocationText } from '../../../shared/install-location';
import { compareAgentVersions, parseAgentVersion } from '../../../shared/package-name';
import { readInstallRecord, RecordError, type InstallRecord } from './install-record';
import { detectOs, type DetectedOs } from '../system/os-detect';
import { locatePackage, type LocatedPackage } from '../package/package-locate';
import type { PackageManifest } from '../package/package-manifest';
import { ExtractError, readPackageManifest } from '../package/safe-extract';
import { readDirectoryManifest } from '../package/directory-package';
import { SETUP_DIR_NAME, type SystemLayout } from '../system/system-layout';
import { isSupportedArch, type SystemProbe } from '../system/system-probe';

// Preflight: every check runs and every failure is reported, before anything on the system changes. The
// wizard shows the same report as its summary on the Installation Option page.

export type PreflightCheckId = 'elevation' | 'architecture' | 'os' | 'package' | 'location' | 'disk' | 'version';

export interface PreflightCheck {
  readonly id: PreflightCheckId;
  readonly title: string;
  /** null when the check could not be evaluated because an earlier one failed. */
  readonly ok: boolean | null;
  readonly message: string;
  readonly error?: SetupError;
}

export type InstallMode = 'fresh' | 'upgrade' | 'repair';

export interface PreflightReport {
  readonly checks: readonly PreflightCheck[];
  readonly problems: readonly SetupError[];
  readonly os: DetectedOs | undefined;
  readonly osLabel: string | undefined;
  readonly located: LocatedPackage | undefined;
  readonly manifest: PackageManifest | undefined;
  readonly installed: InstallRecord | undefined;
  /** As the installed system sees it. */
  readonly installLocation: string;
  readonly mode: InstallMode;
  readonly freeBytes: number | undefined;
  readonly requiredBytes: number | undefined;
}

export interface PreflightInput {
  readonly layout: SystemLayout;
  readonly probe: SystemProbe;
  readonly repository: string;
  /** As given by the admin; undefined for the default. */
  readonly installLocation: string | undefined;
  /** An extracted self-contained release to install from, instead of a package in the repository. */
  readonly packageDir?: string;
}

/** Mount points as the kernel lists them (/proc/self/mountinfo, field 5, with octal escapes). */
function mountPoints(): Set<string> | undefined {
  try {
    const points = new Set<string>();
    for (const line of fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const field = line.split(' ')[4];
      if (field)
        points.add(field.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8))));
    }
    return points;
  } catch {
    return undefined;
  }
}

/**
 * Whether a folder is a mount point. The mount table says so exactly (same-file-system bind mounts
 * included, btrfs subvolumes, which can be renamed, excluded); without one, a device change from the parent.
 */
export function isMountPoint(folder: string, stat: fs.Stats): boolean {
  const points = process.platform === 'linux' ? mountPoints() : undefined;
  if (points) {
    let real = folder;
    try {
      real = fs.realpathSync(folder);
    } catch {
      // Keep the path as given.
    }
    return points.has(real);
  }
  const parent = lstatOrUndefined(path.dirname(folder));
  return parent !== undefined && parent.dev !== stat.dev;
}

/** The closest folder that exists at or above p (where the space will be taken from). */
export function nearestExisting(p: string): string {
  let current = p;
  for (;;) {
    const stat = lstatOrUndefined(current);
    if (stat) return current;
    const parent = path.dirname(current);
    if (parent === current) return current;
    current = parent;
  }
}

/** Space the payload takes on disk: whole blocks per file, one block per folder and link, plus slack for setup's own files. */
export function requiredSpace(manifest: PackageManifest, blockSize: number): number {
  let bytes = 1024 * 1024;
  for (let i = 0; i < manifest.size; i++) {
    const size = manifest.sizeAt(i);
    bytes += manifest.typeAt(i) === 'file' ? Math.ceil(size / blockSize) * blockSize : blockSize;
  }
  return bytes;
}

function checkLocation(
  input: PreflightInput,
  location: string,
  installed: InstallRecord | undefined,
): { error?: SetupError; message: string; mode: InstallMode } {
  const { layout } = input;
  const hostLocation = layout.hostPath(location);
  const invalid = (message: string, remedy?: string) => ({
    error: setupError('INSTALL_LOCATION_INVALID', message, remedy),
    message,
    mode: 'fresh' as InstallMode,
  });
  if (
    installed &&
    installed.installLocation !== location &&
    lstatOrUndefined(layout.hostPath(installed.installLocation))
  ) {
    return invalid(
      `the Mobility service ${installed.agentVersion} is already installed at ${installed.installLocation}; it cannot also be installed at ${location}`,
      `Upgrade or repair it where it is (give ${installed.installLocation}, or leave the install location out).`,
    );
  }
  // Every existing folder on the way must be a folder.
  let ancestor = path.dirname(hostLocation);
  while (ancestor !== path.dirname(ancestor)) {
    const stat = lstatOrUndefined(ancestor);
    if (stat && !stat.isDirectory() && !stat.isSymbolicLink())
      return invalid(`${ancestor} is a file, so ${location} cannot be created`);
    ancestor = path.dirname(ancestor);
  }
  const stat = lstatOrUndefined(hostLocation);
  if (!stat) return { message: `${location} will be created`, mode: 'fresh' };
  if (stat.isSymbolicLink()) return invalid(`${location} is a symbolic link; give the real folder it points to`);
  if (!stat.isDirectory()) return invalid(`${location} is a file, not a folder`);
  // The install swaps whole trees by renaming the install folder, which a mount point cannot be.
  if (isMountPoint(hostLocation, stat)) {
    return invalid(
      `${location} is a mount point; setup replaces the install folder as a whole, which a mount point cannot be`,
      `Install into a folder on that volume instead, for example ${location}${layout.platform === 'win32' ? '\\' : '/'}agent.`,
    );
  }
  const ours =
    installed?.installLocation === location || lstatOrUndefined(path.join(hostLocation, SETUP_DIR_NAME))?.isDirectory();
  if (ours) {
    return { message: `${location} holds the installed agent`, mode: 'upgrade' };
  }
  if (fs.readdirSync(hostLocation).length > 0) {
    return invalid(
      `${location} is not empty and holds no Mobility service installation; setup will not mix the agent into it`,
      'Choose a new or empty folder for the agent.',
    );
  }
  return { message: `${location} exists and is empty`, mode: 'fresh' };
}

/** One error for a failed preflight: the first problem's code, every problem (with its remedy) in the details. */
export function preflightError(problems: readonly SetupError[]): SetupError | null {
  const first = problems[0];
  if (!first) return null;
  if (problems.length === 1) return first;
  return {
    ...first,
    message: `${problems.length} prerequisites are not met; first: ${first.message}`,
    remedy: 'Fix each problem listed; each names its own remedy.',
    details: problems.map((p) => `${p.code}: ${p.message}. Remedy: ${p.remedy}`),
  };
}

export async function runPreflight(input: PreflightInput): Promise<PreflightReport> {
  const { layout, probe } = input;
  const checks: PreflightCheck[] = [];
  const add = (check: PreflightCheck): void => {
    checks.push(check);
  };
  const fail = (id: PreflightCheckId, title: string, error: SetupError): void =>
    add({ id, title, ok: false, message: error.message, error });
  const notEvaluated = (id: PreflightCheckId, title: string, why: string): void =>
    add({ id, title, ok: null, message: why });

  if (probe.isElevated())
    add({
      id: 'elevation',
      title: 'Administrator rights',
      ok: true,
      message: layout.platform === 'win32' ? 'running as administrator' : 'running as root',
    });
  else
    fail(
      'elevation',
      'Administrator rights',
      setupError(
        'NOT_ELEVATED',
        layout.platform === 'win32'
          ? 'setup is not running as administrator'
          : `setup is running as uid ${process.getuid?.() ?? '?'}, not root`,
      ),
    );

  const arch = probe.machineArch();
  if (isSupportedArch(arch)) add({ id: 'architecture', title: '64-bit system', ok: true, message: `${arch}` });
  else
    fail(
      'architecture',
      '64-bit system',
      setupError('UNSUPPORTED_OS', `this machine is ${arch}; agent packages are built for 64-bit x86 (x86_64) only`),
    );

  const detection = detectOs(layout, probe);
  const osLabel = detection.ok ? detection.row.label : undefined;
  if (detection.ok)
    add({
      id: 'os',
      title: 'Supported operating system',
      ok: true,
      message: `${detection.os.description} (package label ${detection.row.label})`,
    });
  else fail('os', 'Supported operating system', setupError('UNSUPPORTED_OS', detection.reason));

  let located: LocatedPackage | undefined;
  let manifest: PackageManifest | undefined;
  if (!osLabel) {
    notEvaluated('package', 'Agent package', 'not looked for: the operating system is not supported');
  } else if (input.packageDir) {
    try {
      const dirManifest = readDirectoryManifest(input.packageDir);
      if (dirManifest.osLabel !== osLabel) {
        fail(
          'package',
          'Agent package',
          setupError(
            'PACKAGE_NOT_FOUND',
            `this release is for ${dirManifest.osLabel}, but this machine is ${detection.ok ? detection.os.description : osLabel} (${osLabel})`,
            `Use the Microsoft-ASR_UA_*_${osLabel}_*_release.tar.gz release for this system.`,
          ),
        );
      } else {
        manifest = dirManifest;
        const name = {
          fileName: path.basename(input.packageDir),
          version: parseAgentVersion(dirManifest.agentVersion) ?? [0, 0, 0, 0],
          versionText: dirManifest.agentVersion,
          label: dirManifest.osLabel,
          releaseDate: '',
          extension: 'tar.gz',
        } as const;
        located = { file: input.packageDir, name };
        add({
          id: 'package',
          title: 'Agent package',
          ok: true,
          message: `release ${dirManifest.agentVersion} for ${dirManifest.osLabel} in ${input.packageDir} (${dirManifest.payloadFiles} files, ${formatBytes(dirManifest.payloadBytes)})`,
        });
      }
    } catch (error) {
      fail('package', 'Agent package', setupError('PACKAGE_INVALID', (error as Error).message));
    }
  } else {
    const result = locatePackage(input.repository, osLabel);
    if (!result.ok) {
      fail('package', 'Agent package', result.error);
    } else {
      try {
        manifest = await readPackageManifest(result.located.file, {
          osLabel: result.located.name.label,
          agentVersion: result.located.name.versionText,
        });
        located = result.located;
        add({
          id: 'package',
          title: 'Agent package',
          ok: true,
          message: `${result.located.name.fileName} (version ${manifest.agentVersion}, ${manifest.payloadFiles} files, ${formatBytes(manifest.payloadBytes)})`,
        });
      } catch (error) {
        const message = error instanceof ExtractError ? error.message : (error as Error).message;
        fail('package', 'Agent package', setupError('PACKAGE_INVALID', `${result.located.file}: ${message}`));
      }
    }
  }

  let installed: InstallRecord | undefined;
  let recordProblem: SetupError | undefined;
  try {
    installed = readInstallRecord(layout.recordFile);
  } catch (error) {
    if (error instanceof RecordError)
      recordProblem = setupError(
        'INSTALL_FAILED',
        error.message,
        `Move ${layout.recordFile} aside and run setup again to reinstall.`,
      );
    else throw error;
  }

  const requested = input.installLocation ?? installed?.installLocation ?? layout.defaultInstallLocation;
  const text = checkInstallLocationText(requested, layout.platform);
  let installLocation = requested;
  let mode: InstallMode = 'fresh';
  if (!text.ok) {
    fail('location', 'Install location', setupError('INSTALL_LOCATION_INVALID', text.reason));
  } else {
    installLocation = text.path;
    const location = checkLocation(input, installLocation, installed);
    mode = location.mode;
    if (location.error) fail('location', 'Install location', location.error);
    else add({ id: 'location', title: 'Install location', ok: true, message: location.message });
  }

  let freeBytes: number | undefined;
  let requiredBytes: number | undefined;
  if (!manifest || !text.ok) {
    notEvaluated('disk', 'Free disk space', 'not measured: the package or the install location is not usable');
  } else {
    const where = nearestExisting(layout.hostPath(installLocation));
    try {
      const stats = fs.statfsSync(where);
      freeBytes = stats.bavail * stats.bsize;
      requiredBytes = requiredSpace(manifest, stats.bsize);
      if (freeBytes >= requiredBytes)
        add({
          id: 'disk',
          title: 'Free disk space',
          ok: true,
          message: `${formatBytes(freeBytes)} free at ${where}; ${formatBytes(requiredBytes)} needed`,
        });
      else
        fail(
          'disk',
          'Free disk space',
          setupError(
            'INSUFFICIENT_DISK_SPACE',
            `${formatBytes(requiredBytes)} is needed at ${where} but only ${formatBytes(freeBytes)} is free (${formatBytes(requiredBytes - freeBytes)} short)`,
          ),
        );
    } catch (error) {
      fail(
        'disk',
        'Free disk space',
        setupError('INSTALL_LOCATION_INVALID', `cannot measure free space at ${where}: ${(error as Error).message}`),
      );
    }
  }

  if (recordProblem) {
    fail('version', 'Installed version', recordProblem);
  } else if (!installed) {
    add({ id: 'version', title: 'Installed version', ok: true, message: 'no agent installed yet' });
  } else if (!manifest) {
    notEvaluated(
      'version',
      'Installed version',
      `${installed.agentVersion} is installed; the package version is unknown`,
    );
  } else {
    const have = parseAgentVersion(installed.agentVersion);
    const want = parseAgentVersion(manifest.agentVersion);
    const order = have && want ? compareAgentVersions(have, want) : 0;
    if (order > 0) {
      fail(
        'version',
        'Installed version',
        setupError(
          'NEWER_VERSION_INSTALLED',
          `version ${installed.agentVersion} is installed at ${installed.installLocation}; this package is the older ${manifest.agentVersion}`,
        ),
      );
    } else {
      if (mode !== 'fresh') mode = order === 0 ? 'repair' : 'upgrade';
      add({
        id: 'version',
        title: 'Installed version',
        ok: true,
        message:
          order === 0
            ? `${installed.agentVersion} is installed: this run repairs it`
            : `${installed.agentVersion} is installed: this run upgrades it to ${manifest.agentVersion}`,
      });
    }
  }

  const problems = checks.flatMap((check) => (check.error ? [check.error] : []));
  return {
    checks,
    problems,
    os: detection.os,
    osLabel,
    located,
    manifest,
    installed,
    installLocation,
    mode,
    freeBytes,
    requiredBytes,
  };
}
