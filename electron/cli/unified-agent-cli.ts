import * as path from 'node:path';
import { setupError } from '../../shared/error-catalog';
import { failpointsFromEnv } from '../engine/failpoints';
import { runInstall } from '../engine/install/install-job';
import type { AgentPlatform, Role } from '../../shared/agent-kinds';
import { SETUP_VERSION } from '../../shared/product';
import { liveProcessRunner } from '../engine/system/process-runner';
import { liveSystemProbe } from '../engine/system/system-probe';
import { preflightError, runPreflight } from '../engine/install/preflight';
import { systemLayout } from '../engine/system/system-layout';
import { untrustedArgument } from './trusted-arguments';
import { defaultRepository, type CliEnvironment } from './cli-environment';

export { defaultRepository, type CliEnvironment } from './cli-environment';
import { statusMain, wantsStatus } from './status-cli';
import { uninstallMain, wantsUninstall } from './uninstall-cli';
import { diagnosticsMain, wantsDiagnostics } from './diagnostics-cli';
import { chooseOutputMode, ConsoleRenderer, emitOutcome, emitResult } from './cli-output';
import { formatHelp, parseCommandLine, wantsHelp, wantsJson, wantsVersion, type OptionSpec } from './command-line';
import { AGENT_PLATFORMS, ROLES } from '../../shared/agent-kinds';

// UnifiedAgent (Windows syntax) and ./install (Linux syntax): one entry point, one engine.

export const INSTALL_OPTIONS: readonly OptionSpec[] = [
  {
    key: 'role',
    windows: ['/Role'],
    posix: ['-r', '--role'],
    value: 'ROLE',
    choices: ROLES,
    required: true,
    description: 'MS installs the Mobility service; MT the master target',
  },
  {
    key: 'installLocation',
    windows: ['/InstallLocation'],
    posix: ['-d', '--install-location'],
    value: 'DIR',
    description:
      'Install location (default /usr/local/ASR; on Windows C:\\Program Files (x86)\\Microsoft Azure Site Recovery)',
  },
  {
    key: 'platform',
    windows: ['/Platform'],
    posix: ['-v', '--platform'],
    value: 'PLATFORM',
    choices: AGENT_PLATFORMS,
    required: true,
    description: 'VmWare for VMware VMs and physical servers; Azure for Azure VMs',
  },
  {
    key: 'silent',
    windows: ['/Silent'],
    posix: ['-q', '--silent'],
    description: 'Print only the outcome; never prompt',
  },
  {
    key: 'repository',
    windows: ['/Repository'],
    posix: ['--repository'],
    value: 'DIR',
    description: 'Folder holding the agent packages (default: the one bundled with setup)',
  },
  {
    key: 'logDir',
    windows: ['/LogDir'],
    posix: ['--log-dir'],
    value: 'DIR',
    description: 'Folder for ASRUnifiedAgentInstaller.log (default /var/log/ASRSetupLogs; %ProgramData%\\ASRSetupLogs)',
  },
  {
    key: 'root',
    windows: ['/Root'],
    posix: ['--root'],
    value: 'DIR',
    description: 'Treat DIR as the system root, as rpm --root does (for tests and image builds)',
  },
  {
    key: 'json',
    windows: ['/Json'],
    posix: ['--json'],
    description: 'Print one JSON event per line; the last line is the result',
  },
  {
    key: 'preflight',
    windows: ['/Preflight'],
    posix: ['--preflight'],
    description: 'Run the prerequisite checks only and change nothing',
  },
  {
    key: 'packageDir',
    windows: ['/PackageDir'],
    posix: ['--package-dir'],
    value: 'DIR',
    description: 'Install from an extracted self-contained release (its ./install passes its own folder)',
  },
  {
    key: 'cancelOnStdinEof',
    windows: ['/CancelOnStdinClose'],
    posix: ['--cancel-on-stdin-eof'],
    description:
      'Cancel (and roll back) when standard input closes; the wizard uses it so an elevated run it cannot signal still stops when asked, or when the wizard dies',
  },
];

const USAGE = [
  'UnifiedAgent /Role MS|MT /InstallLocation DIR /Platform VmWare|Azure /Silent [/Repository DIR] [/LogDir DIR] [/Root DIR] [/Json]',
  'install -r MS|MT -d DIR -v VmWare|Azure -q [--repository DIR] [--log-dir DIR] [--root DIR] [--json]',
];

const FOOTER = [
  'Exit codes: Linux 0 succeeded (also with warnings), 1 failed, 2 invalid command line or input, 3 another installation',
  'in progress, 4 cancelled. Windows uses the Windows Installer codes 0, 1603, 1639, 1618, 1602.',
  'Examples:',
  '  sudo ./install -d /usr/local/ASR -r MS -v VmWare -q',
  '  UnifiedAgent.exe /Role "MS" /InstallLocation "C:\\Program Files (x86)\\Microsoft Azure Site Recovery" /Platform "VmWare" /Silent',
];

export async function unifiedAgentMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  if (wantsHelp(args)) {
    cli.streams.stdout.write(formatHelp(USAGE, INSTALL_OPTIONS, FOOTER));
    return 0;
  }
  if (wantsVersion(args)) {
    cli.streams.stdout.write(`Mobility Service Setup ${SETUP_VERSION}\n`);
    return 0;
  }
  if (wantsStatus(args)) return statusMain(args, cli);
  if (wantsUninstall(args)) return uninstallMain(args, cli);
  if (wantsDiagnostics(args)) return diagnosticsMain(args, cli);
  const parsed = parseCommandLine(args, INSTALL_OPTIONS);
  if (!parsed.ok) {
    const renderer = new ConsoleRenderer(wantsJson(args) ? 'json' : 'plain', cli.streams);
    return emitResult(renderer, 'Failed', setupError('INVALID_ARGUMENT', parsed.message));
  }
  const options = parsed.options;
  const str = (key: string): string | undefined =>
    typeof options[key] === 'string' ? (options[key] as string) : undefined;
  const mode = chooseOutputMode(options.json === true, options.silent === true, cli.streams.stdout.isTTY === true);
  const renderer = new ConsoleRenderer(mode, cli.streams);
  const probe = liveSystemProbe();
  const repository = path.resolve(str('repository') ?? defaultRepository(cli.scriptPath));
  const root = str('root');
  if (root !== undefined && !path.isAbsolute(root)) {
    return emitResult(renderer, 'Failed', setupError('INVALID_ARGUMENT', `--root "${root}" is not an absolute path`));
  }
  for (const key of ['logDir'] as const) {
    const value = str(key);
    if (value !== undefined && !path.isAbsolute(value))
      return emitResult(
        renderer,
        'Failed',
        setupError('INVALID_ARGUMENT', `the log folder "${value}" is not an absolute path`),
      );
  }

  const packageDir = str('packageDir') === undefined ? undefined : path.resolve(str('packageDir') as string);
  const logDir = str('logDir');
  const untrusted = untrustedArgument({
    '--root': root,
    '--repository': str('repository'),
    '--log-dir': logDir === undefined ? undefined : systemLayout(probe.platform, root).hostPath(logDir),
    '--package-dir': packageDir,
  });
  if (untrusted) return emitResult(renderer, 'Failed', untrusted);
  if (options.preflight === true) {
    const report = await runPreflight({
      layout: systemLayout(probe.platform, root),
      probe,
      repository,
      installLocation: str('installLocation'),
      packageDir,
      role: str('role') as Role | undefined,
      platform: str('platform') as AgentPlatform | undefined,
    });
    if (mode === 'json')
      cli.streams.stdout.write(
        `${JSON.stringify({ type: 'preflight', checks: report.checks, installLocation: report.installLocation, mode: report.mode })}\n`,
      );
    else
      for (const check of report.checks)
        cli.streams.stdout.write(
          `${check.ok === null ? '-' : check.ok ? '✔' : '✖'} ${check.title}: ${check.message}\n`,
        );
    const error = preflightError(report.problems);
    return emitResult(renderer, error ? 'Failed' : 'Succeeded', error);
  }

  if (options.cancelOnStdinEof === true) {
    process.stdin.on('end', () => cli.cancel?.());
    process.stdin.on('close', () => cli.cancel?.());
    process.stdin.resume();
  }
  const outcome = await runInstall(
    {
      role: options.role as Role,
      platform: options.platform as AgentPlatform,
      installLocation: str('installLocation'),
      repository,
      logDir: str('logDir'),
      root,
      argv: ['UnifiedAgent', ...args],
      packageDir,
    },
    {
      probe,
      runner: liveProcessRunner,
      failpoints: failpointsFromEnv(cli.env),
      emit: (event) => renderer.event(event),
      signal: cli.signal,
      writerThreads: cli.env.ASRSETUP_WRITER_THREADS ? Number(cli.env.ASRSETUP_WRITER_THREADS) : undefined,
    },
  );
  // Stop listening so the process can exit while the wizard still holds the pipe open.
  if (options.cancelOnStdinEof === true) process.stdin.destroy();
  return emitOutcome(renderer, outcome);
}
