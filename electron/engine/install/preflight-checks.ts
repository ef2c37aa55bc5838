import { locationRemedy } from '../../../shared/install-location';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lstatOrUndefined } from '../system/atomic-file';
import { untrustedComponent } from '../system/trusted-path';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import { formatBytes } from '../../../shared/format';
import { compareAgentVersions, parseAgentVersion } from '../../../shared/package-name';
import type { InstallRecord } from './install-record';
import type { AgentPlatform, Role } from '../../../shared/agent-kinds';
import { detectOs, type OsDetection } from '../system/os-detect';
import { locatePackage, type LocatedPackage } from '../package/package-locate';
import type { PackageManifest } from '../package/package-manifest';
import { ExtractError } from '../package/extract-error';
import { readPackageManifest } from '../package/safe-extract';
import { readDirectoryManifest } from '../package/directory-package';
import { SETUP_DIR_NAME, type SystemLayout } from '../system/system-layout';
import { isSupportedArch, type SystemProbe } from '../system/system-probe';
import type { InstallMode, PreflightCheck, PreflightCheckId } from './preflight-types';

// The preflight checks, one function each. A check never throws for a failing system: it returns its
// PreflightCheck (passed, failed with a catalog error, or not evaluated) and what it learned.

const TITLES: Readonly<Record<PreflightCheckId, string>> = {
  elevation: 'Administrator rights',
  architecture: '64-bit system',
  os: 'Supported operating system',
  package: 'Agent package',
  location: 'Install location',
  disk: 'Free disk space',
  version: 'Installed version',
};

export const passed = (id: PreflightCheckId, message: string): PreflightCheck => ({
  id,
  title: TITLES[id],
  ok: true,
  message,
});
export const failed = (id: PreflightCheckId, error: SetupError): PreflightCheck => ({
  id,
  title: TITLES[id],
  ok: false,
  message: error.message,
  error,
});
export const notEvaluated = (id: PreflightCheckId, why: string): PreflightCheck => ({
  id,
  title: TITLES[id],
  ok: null,
  message: why,
});

export function checkElevation(layout: SystemLayout, probe: SystemProbe): PreflightCheck {
  if (probe.isElevated())
    return passed('elevation', layout.platform === 'win32' ? 'running as administrator' : 'running as root');
  return failed(
    'elevation',
    setupError(
      'NOT_ELEVATED',
      layout.platform === 'win32'
        ? 'setup is not running as administrator'
        : `setup is running as uid ${process.getuid?.() ?? '?'}, not root`,
    ),
  );
}

export function checkArchitecture(probe: SystemProbe): PreflightCheck {
  const arch = probe.machineArch();
  if (isSupportedArch(arch)) return passed('architecture', `${arch}`);
  return failed(
    'architecture',
    setupError('UNSUPPORTED_OS', `this machine is ${arch}; agent packages are built for 64-bit x86 (x86_64) only`),
  );
}

export function checkOs(layout: SystemLayout, probe: SystemProbe): { check: PreflightCheck; detection: OsDetection } {
  const detection = detectOs(layout, probe);
  const check = detection.ok
    ? passed('os', `${detection.os.description} (package label ${detection.row.label})`)
    : failed('os', setupError('UNSUPPORTED_OS', detection.reason));
  return { check, detection };
}

export interface PackageCheck {
  readonly check: PreflightCheck;
  readonly located?: LocatedPackage;
  readonly manifest?: PackageManifest;
}

/** The package for this OS: an extracted release (its own manifest), or the highest version in the repository. */
export async function checkPackage(
  detection: OsDetection,
  repository: string,
  packageDir: string | undefined,
): Promise<PackageCheck> {
  if (!detection.ok) return { check: notEvaluated('package', 'not looked for: the operating system is not supported') };
  const osLabel = detection.row.label;
  if (packageDir) return checkReleaseDir(packageDir, osLabel, detection.os.description);
  const result = locatePackage(repository, osLabel);
  if (!result.ok) return { check: failed('package', result.error) };
  try {
    const manifest = await readPackageManifest(result.located.file, {
      osLabel: result.located.name.label,
      agentVersion: result.located.name.versionText,
    });
    const message = `${result.located.name.fileName} (version ${manifest.agentVersion}, ${manifest.payloadFiles} files, ${formatBytes(manifest.payloadBytes)})`;
    return { check: passed('package', message), located: result.located, manifest };
  } catch (error) {
    const message = error instanceof ExtractError ? error.message : (error as Error).message;
    return { check: failed('package', setupError('PACKAGE_INVALID', `${result.located.file}: ${message}`)) };
  }
}

function checkReleaseDir(packageDir: string, osLabel: string, osDescription: string): PackageCheck {
  try {
    const manifest = readDirectoryManifest(packageDir);
    if (manifest.osLabel !== osLabel) {
      return {
        check: failed(
          'package',
          setupError(
            'PACKAGE_NOT_FOUND',
            `this release is for ${manifest.osLabel}, but this machine is ${osDescription} (${osLabel})`,
            `Use the Microsoft-ASR_UA_*_${osLabel}_*_release.tar.gz release for this system.`,
          ),
        ),
      };
    }
    const name = {
      fileName: path.basename(packageDir),
      version: parseAgentVersion(manifest.agentVersion) ?? [0, 0, 0, 0],
      versionText: manifest.agentVersion,
      label: manifest.osLabel,
      releaseDate: '',
      extension: 'tar.gz',
    } as const;
    const message = `release ${manifest.agentVersion} for ${manifest.osLabel} in ${packageDir} (${manifest.payloadFiles} files, ${formatBytes(manifest.payloadBytes)})`;
    return { check: passed('package', message), located: { file: packageDir, name }, manifest };
  } catch (error) {
    return { check: failed('package', setupError('PACKAGE_INVALID', (error as Error).message)) };
  }
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

/** The install location: a new or empty folder, or the installed agent's own; never a file, link or mount point. */
export function checkLocation(
  layout: SystemLayout,
  location: string,
  installed: InstallRecord | undefined,
): { error?: SetupError; message: string; mode: InstallMode } {
  const hostLocation = layout.hostPath(location);
  const invalid = (message: string, remedy = locationRemedy(layout.platform)) => ({
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
  // A root service runs from here: nobody else may be able to swap any folder on the way (security finding 2).
  const untrusted = untrustedComponent(hostLocation, 'the agent root runs');
  if (untrusted)
    return invalid(
      untrusted,
      "Choose an install location whose every folder is root's and not writable by others, with no symbolic link on the way (the default /usr/local/ASR is).",
    );
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
  // Only the install record says a folder is ours: a .asrsetup/ anyone could create proves nothing.
  if (installed?.installLocation === location) {
    return { message: `${location} holds the installed agent`, mode: 'upgrade' };
  }
  if (fs.readdirSync(hostLocation).length > 0) {
    if (lstatOrUndefined(path.join(hostLocation, SETUP_DIR_NAME)))
      return invalid(
        `${location} looks like an agent installation (it has ${SETUP_DIR_NAME}/), but the install record (${layout.recordFile}) does not name it; setup will not take it over`,
        'If it is a copy or a leftover, move it aside and install again; if the install record was lost, move the folder aside, install, then register again.',
      );
    return invalid(
      `${location} is not empty and holds no Mobility service installation; setup will not mix the agent into it`,
      'Choose a new or empty folder for the agent.',
    );
  }
  return { message: `${location} exists and is empty`, mode: 'fresh' };
}

export interface DiskCheck {
  readonly check: PreflightCheck;
  readonly freeBytes?: number;
  readonly requiredBytes?: number;
}

export function checkDisk(layout: SystemLayout, installLocation: string, manifest: PackageManifest): DiskCheck {
  const where = nearestExisting(layout.hostPath(installLocation));
  try {
    // A file where the folder should be: its volume's free space says nothing (the location check says why).
    if (!fs.statSync(where).isDirectory())
      return { check: notEvaluated('disk', `not measured: ${where} is a file, not a folder`) };
    const stats = fs.statfsSync(where);
    const freeBytes = stats.bavail * stats.bsize;
    const requiredBytes = requiredSpace(manifest, stats.bsize);
    const check =
      freeBytes >= requiredBytes
        ? passed('disk', `${formatBytes(freeBytes)} free at ${where}; ${formatBytes(requiredBytes)} needed`)
        : failed(
            'disk',
            setupError(
              'INSUFFICIENT_DISK_SPACE',
              `${formatBytes(requiredBytes)} is needed at ${where} but only ${formatBytes(freeBytes)} is free (${formatBytes(requiredBytes - freeBytes)} short)`,
            ),
          );
    return { check, freeBytes, requiredBytes };
  } catch (error) {
    return {
      check: failed(
        'disk',
        setupError(
          'INSTALL_LOCATION_INVALID',
          `cannot measure free space at ${where}: ${(error as Error).message}`,
          locationRemedy(layout.platform),
        ),
      ),
    };
  }
}

const ROLE_NAMES = { MS: 'Mobility service (MS)', MT: 'master target (MT)' } as const;
const PLATFORM_NAMES = { VmWare: 'VMware or physical (VmWare)', Azure: 'Azure' } as const;

/**
 * A run for another role or platform than the installed agent's is refused: an "upgrade" would keep the old
 * registration and replication settings under a different kind of agent.
 */
export function checkInstalledKind(
  installed: InstallRecord,
  wanted: { readonly role?: Role; readonly platform?: AgentPlatform },
): PreflightCheck | undefined {
  const differs: string[] = [];
  if (wanted.role !== undefined && wanted.role !== installed.role)
    differs.push(`the role ${ROLE_NAMES[installed.role]}, not ${ROLE_NAMES[wanted.role]}`);
  if (wanted.platform !== undefined && wanted.platform !== installed.platform)
    differs.push(`the platform ${PLATFORM_NAMES[installed.platform]}, not ${PLATFORM_NAMES[wanted.platform]}`);
  if (differs.length === 0) return undefined;
  const error = setupError(
    'INSTALLED_AGENT_DIFFERS',
    `the agent ${installed.agentVersion} at ${installed.installLocation} is installed with ${differs.join(' and ')}`,
    `Install with role ${installed.role} and platform ${installed.platform} to repair or upgrade it, or uninstall it first (its registration goes with it) and then install the other kind.`,
  );
  return failed('version', error);
}

/** An installed version newer than the package is refused; the same one is repaired, an older one upgraded. */
export function checkVersion(
  installed: InstallRecord,
  manifest: PackageManifest,
): { check: PreflightCheck; order: number } {
  const have = parseAgentVersion(installed.agentVersion);
  const want = parseAgentVersion(manifest.agentVersion);
  const order = have && want ? compareAgentVersions(have, want) : 0;
  if (order > 0) {
    const error = setupError(
      'NEWER_VERSION_INSTALLED',
      `version ${installed.agentVersion} is installed at ${installed.installLocation}; this package is the older ${manifest.agentVersion}`,
    );
    return { check: failed('version', error), order };
  }
  const message =
    order === 0
      ? `${installed.agentVersion} is installed: this run repairs it`
      : `${installed.agentVersion} is installed: this run upgrades it to ${manifest.agentVersion}`;
  return { check: passed('version', message), order };
}
