import * as fs from 'node:fs';
import * as path from 'node:path';
import { setupError } from '../../shared/error-catalog';
import { collectDiagnostics } from '../engine/install/diagnostics';
import { liveProcessRunner } from '../engine/system/process-runner';
import { systemLayout } from '../engine/system/system-layout';
import { liveSystemProbe } from '../engine/system/system-probe';
import { emitResult } from './cli-output';
import { parseSubcommand } from './subcommand';
import { RELEASE_PACKAGE_DIR_OPTION, type OptionSpec } from './command-line';
import { untrustedArgument } from './trusted-arguments';
import { defaultRepository, type CliEnvironment } from './cli-environment';

// `UnifiedAgent --collect-diagnostics FILE` (/CollectDiagnostics FILE): the bundle support asks for.

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'file',
    windows: ['/CollectDiagnostics'],
    posix: ['--collect-diagnostics'],
    value: 'FILE',
    description: 'Write the diagnostics bundle (a gzip tar, mode 0600) to FILE',
  },
  { key: 'json', windows: ['/Json'], posix: ['--json'], description: 'One JSON event per line' },
  { key: 'silent', windows: ['/Silent'], posix: ['-q', '--silent'], description: 'Print only the outcome' },
  { key: 'root', windows: ['/Root'], posix: ['--root'], value: 'DIR', description: 'Treat DIR as the system root' },
  { key: 'logDir', windows: ['/LogDir'], posix: ['--log-dir'], value: 'DIR', description: 'The setup log folder' },
  { key: 'repository', windows: ['/Repository'], posix: ['--repository'], value: 'DIR', description: 'The repository' },
  RELEASE_PACKAGE_DIR_OPTION,
];

export function wantsDiagnostics(args: readonly string[]): boolean {
  return args.some((arg) => ['--collect-diagnostics', '/collectdiagnostics'].includes(arg.toLowerCase()));
}

export async function diagnosticsMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  const parsed = parseSubcommand(args, OPTIONS, cli);
  if (!parsed.ok) return parsed.exitCode;
  const { str, renderer } = parsed.command;
  const file = path.resolve(str('file') as string);
  const probe = liveSystemProbe();
  const root = str('root') === undefined ? undefined : path.resolve(str('root') as string);
  const layout = systemLayout(probe.platform, root);
  const logDir = str('logDir') === undefined ? layout.defaultLogDir : layout.hostPath(str('logDir') as string);
  const repository = path.resolve(str('repository') ?? defaultRepository(cli.scriptPath));
  const untrusted = untrustedArgument({
    '--collect-diagnostics': path.dirname(file),
    '--root': root,
    '--log-dir': logDir,
    // Its packages are opened by root (the preflight in the bundle), as --preflight's are.
    '--repository': str('repository') === undefined ? undefined : repository,
  });
  if (untrusted) return emitResult(renderer, 'Failed', untrusted);
  if (fs.existsSync(file))
    return emitResult(
      renderer,
      'Failed',
      setupError(
        'INVALID_ARGUMENT',
        `${file} exists already; the bundle is never written over a file`,
        'Give a new file name.',
      ),
    );
  try {
    const files = await collectDiagnostics({
      file,
      layout,
      logDir,
      repository,
      probe,
      runner: liveProcessRunner,
    });
    return emitResult(renderer, 'Succeeded', null, { file, files: String(files.length) });
  } catch (error) {
    return emitResult(
      renderer,
      'Failed',
      setupError('INSTALL_FAILED', `cannot write the diagnostics bundle ${file}: ${(error as Error).message}`),
    );
  }
}
