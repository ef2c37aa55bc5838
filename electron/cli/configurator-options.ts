import type { ConfiguratorDeps } from '../engine/registration/registration-job';
import { liveSystemProbe } from '../engine/system/system-probe';
import { systemLayout } from '../engine/system/system-layout';
import type { SetupError } from '../../shared/error-catalog';
import { untrustedArgument } from './trusted-arguments';
import type { ConsoleRenderer } from './cli-output';
import type { CliEnvironment } from './cli-environment';
import type { OptionSpec } from './command-line';

// The configurator's switches and what its jobs run with, apart from configurator-cli.ts so that unregister
// (one of its modes) reads them without importing the configurator back.

export const CONFIGURATOR_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'csEndpoint',
    windows: ['/CSEndPoint'],
    posix: ['-i', '--cs-endpoint'],
    value: 'IP[:PORT]',
    required: true,
    description: 'Configuration server IP address, optionally with a port (10.0.0.5, 10.0.0.5:443, [fd00::5]:443)',
  },
  {
    key: 'passphraseFile',
    windows: ['/PassphraseFilePath'],
    posix: ['-P', '--passphrase-file'],
    value: 'FILE',
    required: true,
    description: 'File holding the configuration server passphrase ("-" reads it from standard input)',
  },
  {
    key: 'installLocation',
    windows: ['/InstallLocation'],
    posix: ['-d', '--install-location'],
    value: 'DIR',
    description: 'Where the agent is installed (default: as recorded by setup)',
  },
  {
    key: 'logDir',
    windows: ['/LogDir'],
    posix: ['--log-dir'],
    value: 'DIR',
    description: 'Folder for ASRUnifiedAgentConfigurator.log',
  },
  {
    key: 'root',
    windows: ['/Root'],
    posix: ['--root'],
    value: 'DIR',
    description: 'Treat DIR as the system root, as rpm --root does',
  },
  {
    key: 'json',
    windows: ['/Json'],
    posix: ['--json'],
    description: 'Print one JSON event per line; the last line is the result',
  },
  { key: 'silent', windows: ['/Silent'], posix: ['-q', '--silent'], description: 'Print only the outcome' },
  {
    key: 'proceedOnStdin',
    windows: ['/ProceedOnStdin'],
    posix: ['--proceed-on-stdin'],
    description:
      'With -P -: log in at once, but check the agent and register only after a line "proceed" follows the passphrase on standard input (stdin closed without it: Cancelled, nothing registered); push-install overlaps the login with the install this way',
  },
  {
    key: 'cancelOnStdinEof',
    windows: ['/CancelOnStdinEof'],
    posix: ['--cancel-on-stdin-eof'],
    description:
      'With -P -: the passphrase is the first line of standard input, and standard input closing after it cancels the registration; the wizard uses it so a registration running as root can still be cancelled',
  },
];

/** What the configurator's jobs (register, unregister) run with: this system, the console, Ctrl-C, the CS timeout. */
export function configuratorDeps(cli: CliEnvironment, renderer: ConsoleRenderer): ConfiguratorDeps {
  return {
    probe: liveSystemProbe(),
    emit: (event) => renderer.event(event),
    signal: cli.signal,
    timeoutMs: cli.env.ASRSETUP_CS_TIMEOUT_MS ? Number(cli.env.ASRSETUP_CS_TIMEOUT_MS) : undefined,
  };
}

/**
 * The folders the configurator's command line hands root (--root, --log-dir, -d), held to the install's
 * trusted-path rules. -d matters most: root writes the registration there, and .vx_version then names it as the
 * agent's folder, whose scripts deployment tools run as root.
 */
export function untrustedConfiguratorFolders(str: (key: string) => string | undefined): SetupError | undefined {
  const layout = systemLayout(liveSystemProbe().platform, str('root'));
  const logDir = str('logDir');
  const installLocation = str('installLocation');
  return untrustedArgument({
    '--root': str('root'),
    '--log-dir': logDir === undefined ? undefined : layout.hostPath(logDir),
    '-d': installLocation === undefined ? undefined : layout.hostPath(installLocation),
  });
}
