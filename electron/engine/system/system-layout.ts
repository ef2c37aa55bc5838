import * as path from 'node:path';

// Where everything lives, relative to a root as `rpm --root` / `dpkg --root` do: with --root DIR every
// system path (release files, install location, logs, units, lock, journal, record) is taken inside DIR,
// so tests and benchmarks run as root without touching the machine.

import { DEFAULT_INSTALL_LOCATION } from '../../../shared/install-location';

export { DEFAULT_INSTALL_LOCATION };
export const INSTALLER_LOG_NAME = 'ASRUnifiedAgentInstaller.log';
export const CONFIGURATOR_LOG_NAME = 'ASRUnifiedAgentConfigurator.log';
/** Inside the install location: what setup keeps beside the payload (agent config, transaction marker, registration, a release's runtime). */
export const SETUP_DIR_NAME = '.asrsetup';
export const AGENT_CONFIG_FILE = path.join(SETUP_DIR_NAME, 'agent-config.json');
/** The configuration server registration (mode 0600); carried over by upgrades and repairs. */
export const REGISTRATION_FILE = path.join(SETUP_DIR_NAME, 'registration.json');
/** The registration's public part (endpoint, host id, fingerprint, time) for the unprivileged wizard. */
export const REGISTRATION_STATUS_FILE = path.join(SETUP_DIR_NAME, 'registration-status.json');

export interface SystemLayout {
  readonly platform: 'linux' | 'win32';
  /** The root all system paths are taken in; "/" (or the system drive) on a live system. */
  readonly root: string;
  readonly liveRoot: boolean;
  /** Maps a path as the installed system sees it to where it is on this machine. */
  hostPath(systemPath: string): string;
  readonly stateDir: string;
  readonly lockFile: string;
  readonly journalFile: string;
  readonly recordFile: string;
  readonly defaultLogDir: string;
  readonly unitDir: string;
  /** The system's /etc: SysV init scripts and their runlevel links live under it. */
  readonly etcDir: string;
  readonly defaultInstallLocation: string;
}

function windowsProgramData(): string {
  return process.env.ProgramData ?? 'C:\\ProgramData';
}

export function systemLayout(platform: 'linux' | 'win32', root: string | undefined): SystemLayout {
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const liveRoot = root === undefined || pathApi.resolve(root) === pathApi.parse(pathApi.resolve(root)).root;
  const base = root === undefined ? undefined : pathApi.resolve(root);
  const hostPath = (systemPath: string): string => {
    if (!base || liveRoot) return systemPath;
    // Drop the drive (Windows) or leading slash so the path lands inside the root.
    const parsed = pathApi.parse(systemPath);
    return pathApi.join(base, systemPath.slice(parsed.root.length));
  };
  const stateDir = platform === 'win32' ? pathApi.join(windowsProgramData(), 'ASRSetup') : '/var/lib/ASRSetup';
  const logDir = platform === 'win32' ? pathApi.join(windowsProgramData(), 'ASRSetupLogs') : '/var/log/ASRSetupLogs';
  return {
    platform,
    root: base ?? (platform === 'win32' ? 'C:\\' : '/'),
    liveRoot,
    hostPath,
    stateDir: hostPath(stateDir),
    lockFile: hostPath(pathApi.join(stateDir, 'lock', 'install.lock')),
    journalFile: hostPath(pathApi.join(stateDir, 'install-journal.json')),
    recordFile: hostPath(pathApi.join(stateDir, 'install-record.json')),
    defaultLogDir: hostPath(logDir),
    unitDir: hostPath('/etc/systemd/system'),
    etcDir: hostPath('/etc'),
    defaultInstallLocation: DEFAULT_INSTALL_LOCATION[platform],
  };
}

export function installerLogFile(layout: SystemLayout, logDir: string | undefined): string {
  return path.join(logDir ? layout.hostPath(logDir) : layout.defaultLogDir, INSTALLER_LOG_NAME);
}

export function configuratorLogFile(layout: SystemLayout, logDir: string | undefined): string {
  return path.join(logDir ? layout.hostPath(logDir) : layout.defaultLogDir, CONFIGURATOR_LOG_NAME);
}
