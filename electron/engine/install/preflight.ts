import { setupError, type SetupError } from '../../../shared/error-catalog';
import { checkInstallLocationText, locationRemedy } from '../../../shared/install-location';
import { readInstallRecord, RecordError, type InstallRecord } from './install-record';
import type { DetectedOs } from '../system/os-detect';
import type { LocatedPackage } from '../package/package-locate';
import type { PackageManifest } from '../package/package-manifest';
import type { SystemLayout } from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import {
  checkArchitecture,
  checkDisk,
  checkElevation,
  checkLocation,
  checkOs,
  checkPackage,
  checkInstalledKind,
  checkVersion,
  failed,
  notEvaluated,
  passed,
  type DiskCheck,
} from './preflight-checks';
import type { InstallMode, PreflightCheck } from './preflight-types';
import type { AgentPlatform, Role } from '../../../shared/agent-kinds';

export type { InstallMode, PreflightCheck, PreflightCheckId } from './preflight-types';

// Preflight: every check runs and every failure is reported, before anything on the system changes. The
// wizard shows the same report as its summary on the Installation Option page.

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
  /** What this run would install; a role or platform other than the installed agent's is refused. */
  readonly role?: Role;
  readonly platform?: AgentPlatform;
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
  const checks: PreflightCheck[] = [checkElevation(layout, probe), checkArchitecture(probe)];
  const os = checkOs(layout, probe);
  checks.push(os.check);
  const pkg = await checkPackage(os.detection, input.repository, input.packageDir);
  checks.push(pkg.check);
  const { installed, recordProblem } = readRecord(layout);

  const requested = input.installLocation ?? installed?.installLocation ?? layout.defaultInstallLocation;
  const text = checkInstallLocationText(requested, layout.platform);
  let installLocation = requested;
  let mode: InstallMode = 'fresh';
  if (!text.ok) {
    checks.push(
      failed('location', setupError('INSTALL_LOCATION_INVALID', text.reason, locationRemedy(layout.platform))),
    );
  } else {
    installLocation = text.path;
    const location = checkLocation(layout, installLocation, installed);
    mode = location.mode;
    checks.push(location.error ? failed('location', location.error) : passed('location', location.message));
  }

  const disk: DiskCheck =
    pkg.manifest && text.ok
      ? checkDisk(layout, installLocation, pkg.manifest)
      : { check: notEvaluated('disk', 'not measured: the package or the install location is not usable') };
  checks.push(disk.check);

  const otherKind = installed && checkInstalledKind(installed, input);
  if (recordProblem) {
    checks.push(failed('version', recordProblem));
  } else if (!installed) {
    checks.push(passed('version', 'no agent installed yet'));
  } else if (otherKind) {
    checks.push(otherKind);
  } else if (!pkg.manifest) {
    checks.push(notEvaluated('version', `${installed.agentVersion} is installed; the package version is unknown`));
  } else {
    const version = checkVersion(installed, pkg.manifest);
    checks.push(version.check);
    if (version.check.ok && mode !== 'fresh') mode = version.order === 0 ? 'repair' : 'upgrade';
  }

  const problems = checks.flatMap((check) => (check.error ? [check.error] : []));
  return {
    checks,
    problems,
    os: os.detection.os,
    osLabel: os.detection.ok ? os.detection.row.label : undefined,
    located: pkg.located,
    manifest: pkg.manifest,
    installed,
    installLocation,
    mode,
    freeBytes: disk.freeBytes,
    requiredBytes: disk.requiredBytes,
  };
}

function readRecord(layout: SystemLayout): { installed?: InstallRecord; recordProblem?: SetupError } {
  try {
    return { installed: readInstallRecord(layout.recordFile) };
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    const remedy = `Move ${layout.recordFile} aside and run setup again to reinstall.`;
    return { recordProblem: setupError('INSTALL_FAILED', error.message, remedy) };
  }
}
