import { untrustedArgument } from './trusted-arguments';
import { systemLayout } from '../engine/system/system-layout';
import * as path from 'node:path';
import { failpointsFromEnv } from '../engine/failpoints';
import { runUninstall } from '../engine/install/uninstall-job';
import { liveProcessRunner } from '../engine/system/process-runner';
import { liveSystemProbe } from '../engine/system/system-probe';
import { emitOutcome, emitResult } from './cli-output';
import { RELEASE_PACKAGE_DIR_OPTION, type OptionSpec } from './command-line';
import { parseSubcommand, passphraseOption } from './subcommand';
import type { CliEnvironment } from './cli-environment';

// UnifiedAgent --uninstall [-P FILE|-] [-q] [--json] [--root DIR] and /Uninstall [/PassphraseFilePath FILE]
// [/Silent] [/Json] [/Root DIR]; also what <install location>/uninstall.sh and the release's
// `./install --uninstall` run. It never prompts (uninstall.sh asks on a terminal).

const UNINSTALL_OPTIONS: readonly OptionSpec[] = [
  { key: 'uninstall', windows: ['/Uninstall'], posix: ['--uninstall'], description: 'Remove the agent' },
  {
    key: 'passphraseFile',
    windows: ['/PassphraseFilePath'],
    posix: ['-P', '--passphrase-file'],
    value: 'FILE',
    description: 'Also remove this server from its configuration server ("-" reads the passphrase from standard input)',
  },
  { key: 'silent', windows: ['/Silent'], posix: ['-q', '--silent'], description: 'Print only the outcome' },
  { key: 'json', windows: ['/Json'], posix: ['--json'], description: 'One JSON event per line' },
  { key: 'root', windows: ['/Root'], posix: ['--root'], value: 'DIR', description: 'Treat DIR as the system root' },
  { key: 'logDir', windows: ['/LogDir'], posix: ['--log-dir'], value: 'DIR', description: 'Folder for the log' },
  RELEASE_PACKAGE_DIR_OPTION,
];

export function wantsUninstall(args: readonly string[]): boolean {
  return args.some((arg) => ['--uninstall', '/uninstall'].includes(arg.toLowerCase()));
}

export async function uninstallMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  const parsed = parseSubcommand(args, UNINSTALL_OPTIONS, cli);
  if (!parsed.ok) return parsed.exitCode;
  const { str, renderer } = parsed.command;
  const file = str('passphraseFile');
  const passphrase = file === undefined ? undefined : await passphraseOption(file);
  if (passphrase && !passphrase.ok) return emitResult(renderer, 'Failed', passphrase.error);
  const root = str('root');
  const logDir = str('logDir');
  // As the install and diagnostics do: root must not act on a root or log folder another user can change.
  const untrusted = untrustedArgument({
    '--root': root,
    '--log-dir': logDir === undefined ? undefined : systemLayout(liveSystemProbe().platform, root).hostPath(logDir),
  });
  if (untrusted) return emitResult(renderer, 'Failed', untrusted);
  const outcome = await runUninstall(
    {
      passphrase: passphrase?.ok ? passphrase.source : undefined,
      logDir: str('logDir'),
      root: root === undefined ? undefined : path.resolve(root),
      argv: ['UnifiedAgent', ...args],
    },
    {
      probe: liveSystemProbe(),
      runner: liveProcessRunner,
      failpoints: failpointsFromEnv(cli.env),
      emit: (event) => renderer.event(event),
      signal: cli.signal,
    },
  );
  return emitOutcome(renderer, outcome);
}
