import * as path from 'node:path';
import { setupError } from '../../shared/error-catalog';
import { runUnregistration } from '../engine/registration/unregistration-job';
import { liveSystemProbe } from '../engine/system/system-probe';
import { chooseOutputMode, ConsoleRenderer, emitResult } from './cli-output';
import { parseCommandLine, wantsJson, type OptionSpec } from './command-line';
import { CONFIGURATOR_OPTIONS, readStdin, whyUnreadable } from './configurator-cli';
import type { CliEnvironment } from './unified-agent-cli';
import { untrustedArgument } from './trusted-arguments';
import { systemLayout } from '../engine/system/system-layout';

// UnifiedAgentConfigurator /Unregister /PassphraseFilePath F, and UnifiedAgentConfigurator.sh -u -P F: the
// stored endpoint and host id say which server and which host; the passphrase proves it is the admin.

// A function, not a constant: configurator-cli.ts imports this module, so its options are read only once
// both modules have loaded.
const unregisterOptions = (): readonly OptionSpec[] => [
  {
    key: 'unregister',
    windows: ['/Unregister'],
    posix: ['-u', '--unregister'],
    description: 'Remove the registration',
  },
  ...CONFIGURATOR_OPTIONS.filter((spec) => spec.key !== 'csEndpoint'),
];

export function wantsUnregister(args: readonly string[]): boolean {
  return args.some((arg) => ['/unregister', '-u', '--unregister'].includes(arg.toLowerCase()));
}

export async function unregisterMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  const parsed = parseCommandLine(args, unregisterOptions());
  if (!parsed.ok)
    return emitResult(
      new ConsoleRenderer(wantsJson(args) ? 'json' : 'plain', cli.streams),
      'Failed',
      setupError('INVALID_ARGUMENT', parsed.message),
    );
  const options = parsed.options;
  const str = (key: string): string | undefined =>
    typeof options[key] === 'string' ? (options[key] as string) : undefined;
  const renderer = new ConsoleRenderer(
    chooseOutputMode(options.json === true, options.silent === true, cli.streams.stdout.isTTY === true),
    cli.streams,
  );
  const logDir = str('logDir');
  const untrusted = untrustedArgument({
    '--root': str('root'),
    '--log-dir':
      logDir === undefined ? undefined : systemLayout(liveSystemProbe().platform, str('root')).hostPath(logDir),
  });
  if (untrusted) return emitResult(renderer, 'Failed', untrusted);
  const file = str('passphraseFile') as string;
  const unreadable = file === '-' ? undefined : whyUnreadable(file);
  if (unreadable)
    return emitResult(
      renderer,
      'Failed',
      setupError(
        'PASSPHRASE_FILE_UNREADABLE',
        `the passphrase file given with -P (/PassphraseFilePath) ${unreadable}; its name is not shown, in case it is the passphrase itself`,
      ),
    );
  const outcome = await runUnregistration(
    {
      passphrase: file === '-' ? { stdin: await readStdin(4096) } : { file: path.resolve(file) },
      installLocation: str('installLocation'),
      logDir: str('logDir'),
      root: str('root'),
      argv: ['UnifiedAgentConfigurator', ...args],
    },
    {
      probe: liveSystemProbe(),
      emit: (event) => renderer.event(event),
      signal: cli.signal,
      timeoutMs: cli.env.ASRSETUP_CS_TIMEOUT_MS ? Number(cli.env.ASRSETUP_CS_TIMEOUT_MS) : undefined,
    },
  );
  return emitResult(
    renderer,
    outcome.status,
    outcome.error,
    outcome.error ? undefined : { ...outcome.summary, logFile: outcome.logFile },
  );
}
