// One catalog of error codes for every process (engine, CLIs, wizard), as Etcher shares lib/shared/errors.ts.
// An error is a value: a code from here, a message naming the bad value, and a remedy an admin can act on.

/** How an error ends a run; the exit code is derived from this at the CLI edge only. */
export type Outcome = 'failed' | 'invalid-input' | 'busy' | 'cancelled';

export interface ErrorInfo {
  readonly outcome: Outcome;
  readonly title: string;
  readonly remedy: string;
}

export const ERROR_CATALOG = {
  INVALID_ARGUMENT: {
    outcome: 'invalid-input',
    title: 'Invalid command line or input',
    remedy:
      'Correct the value named above; run the command with --help (or /?) to see every option and its expected form.',
  },
  NOT_ELEVATED: {
    outcome: 'failed',
    title: 'Administrator rights are required',
    remedy:
      'Run setup as root (for example with sudo) on Linux, or from an elevated (Run as administrator) prompt on Windows.',
  },
  UNSUPPORTED_OS: {
    outcome: 'failed',
    title: 'This operating system is not supported',
    remedy:
      'Install the agent on a 64-bit operating system listed in the support matrix (see README, "Supported systems").',
  },
  PACKAGE_NOT_FOUND: {
    outcome: 'failed',
    title: 'No agent package for this operating system',
    remedy:
      'Copy the Microsoft-ASR_UA_*_<OS label>_*_release.tar.gz for this system from the configuration server repository into the repository folder, or point --repository at the folder that holds it.',
  },
  PACKAGE_INVALID: {
    outcome: 'failed',
    title: 'The agent package is damaged or unsafe',
    remedy:
      'Copy the package again from the configuration server repository (the copy may be truncated or tampered with); nothing was installed from it.',
  },
  INSUFFICIENT_DISK_SPACE: {
    outcome: 'failed',
    title: 'Not enough free disk space',
    remedy: 'Free the space named above on that file system, or choose an install location on another file system.',
  },
  INSTALL_LOCATION_INVALID: {
    outcome: 'invalid-input',
    title: 'The install location cannot be used',
    remedy: 'Choose an absolute path to a new or empty folder outside the system folders, for example /usr/local/ASR.',
  },
  NEWER_VERSION_INSTALLED: {
    outcome: 'failed',
    title: 'A newer agent version is already installed',
    remedy:
      'Keep the installed version, or use a package of the same or a newer version; downgrades are refused so replication settings are not lost.',
  },
  INSTALLED_AGENT_DIFFERS: {
    outcome: 'failed',
    title: 'The installed agent has another role or platform',
    remedy:
      'Keep the installed role and platform to repair or upgrade it, or uninstall the agent first and then install the other kind.',
  },
  ANOTHER_INSTALL_RUNNING: {
    outcome: 'busy',
    title: 'Another installation is in progress',
    remedy: 'Wait for the other setup run to finish, then run this one again.',
  },
  INSTALL_FAILED: {
    outcome: 'failed',
    title: 'The installation failed and was rolled back',
    remedy: 'Read the setup log named above for the failing step; the machine was left as it was before this run.',
  },
  COMPONENT_FAILED: {
    outcome: 'failed',
    title: 'A required component failed to install',
    remedy:
      'Read the component output in the setup log; the installation was rolled back, so fix the cause and run setup again.',
  },
  CANCELLED: {
    outcome: 'cancelled',
    title: 'Setup was cancelled',
    remedy: 'Nothing was changed. Run setup again when ready.',
  },
  NOT_INSTALLED: {
    outcome: 'failed',
    title: 'The Mobility service is not installed here',
    remedy:
      'Install the agent first (UnifiedAgent /Role MS ... or ./install -r MS ...), or give the install location with /InstallLocation or -d.',
  },
  PASSPHRASE_FILE_UNREADABLE: {
    outcome: 'invalid-input',
    title: 'The passphrase file cannot be read',
    remedy:
      'Give the full path of a readable, non-empty file holding the configuration server passphrase (on the CS: genpassphrase.exe -v > passphrase.txt).',
  },
  CS_UNREACHABLE: {
    outcome: 'failed',
    title: 'The configuration server cannot be reached',
    remedy:
      'Check the configuration server IP address and port, that the server is running, and that the firewall allows HTTPS from this machine.',
  },
  CS_AUTH_FAILED: {
    outcome: 'failed',
    title: 'The configuration server rejected the passphrase',
    remedy: 'Check the passphrase on the configuration server (genpassphrase.exe -v) and give that exact passphrase.',
  },
  CS_PROTOCOL_ERROR: {
    outcome: 'failed',
    title: 'The configuration server answered unexpectedly',
    remedy: 'Check that the address is a configuration server running a supported version, then try again.',
  },
  CS_RATE_LIMITED: {
    outcome: 'failed',
    title: 'The configuration server is refusing attempts for now',
    remedy: 'Wait for the time named above, check the passphrase, then try again.',
  },
  // Push installation (many servers over SSH). Each remedy names the configuration server's push error code
  // admins already look up for the same cause.
  PUSH_UNREACHABLE: {
    outcome: 'failed',
    title: 'The server cannot be reached over SSH',
    remedy:
      'Check that the server is running, that its address and SSH port are right and that a firewall lets SSH through from this machine (as ASR push error 95117: the source machine is not reachable).',
  },
  PUSH_TIMEOUT: {
    outcome: 'failed',
    title: 'The server did not finish within the time limit',
    remedy:
      'Check the server (its load, its disk, the network to it); its setup log says how far it got. Give a longer --host-timeout if it is only slow.',
  },
  PUSH_NOT_STARTED: {
    outcome: 'failed',
    title: 'The push stopped before this server',
    remedy:
      'Fix what failed on the servers named above, then run the same command again with --resume RESULTS-FILE to push only to the servers that did not succeed.',
  },
  PUSH_AUTH_FAILED: {
    outcome: 'failed',
    title: 'The server refused the SSH credentials',
    remedy:
      'Check the user name and the key file or password; for a password, the server needs PasswordAuthentication yes in sshd_config (as ASR push error 95108: the credentials are not valid).',
  },
  PUSH_HOST_KEY_UNKNOWN: {
    outcome: 'failed',
    title: "The server's SSH host key is not known",
    remedy:
      'Check the fingerprint named above with the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on its console), then add it to the known hosts file or run again with --accept-new-host-keys.',
  },
  PUSH_HOST_KEY_CHANGED: {
    outcome: 'failed',
    title: "The server's SSH host key has changed",
    remedy:
      'Someone may be intercepting the connection, or the server was reinstalled. Check the new fingerprint with the server; only then remove the old entry (ssh-keygen -R HOST) and run again. No credential was sent.',
  },
  PUSH_NOT_ROOT: {
    outcome: 'failed',
    title: 'The SSH user cannot act as root on the server',
    remedy:
      'Push as root, or as a user allowed to run commands as root with sudo without a password (NOPASSWD in sudoers) (as ASR push error 95108: the account is not root).',
  },
  PUSH_COPY_FAILED: {
    outcome: 'failed',
    title: 'The release could not be copied to the server',
    remedy:
      "Check free space in the server's /tmp and that the connection is stable, then run again; a re-run finishes only what is left (as ASR push error 95103: the push installation could not copy the agent).",
  },
} as const satisfies Record<string, ErrorInfo>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export const ERROR_CODES = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** A failure as it travels between processes: in events, the result line, logs and the wizard. */
export interface SetupError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly remedy: string;
  /** Further problems found in the same pass (preflight reports every failing check). */
  readonly details?: readonly string[];
}

export function setupError(code: ErrorCode, message: string, remedy?: string, details?: readonly string[]): SetupError {
  const error: SetupError = { code, message, remedy: remedy ?? ERROR_CATALOG[code].remedy };
  return details && details.length > 0 ? { ...error, details } : error;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CATALOG, value);
}
