import { runUnregistration } from '../engine/registration/unregistration-job';
import { emitOutcome, emitResult } from './cli-output';
import { type OptionSpec } from './command-line';
import { CONFIGURATOR_OPTIONS, configuratorDeps, untrustedConfiguratorFolders } from './configurator-options';
import { parseSubcommand, passphraseOption } from './subcommand';
import type { CliEnvironment } from './cli-environment';

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
  const parsed = parseSubcommand(args, unregisterOptions(), cli);
  if (!parsed.ok) return parsed.exitCode;
  const { str, renderer } = parsed.command;
  const untrusted = untrustedConfiguratorFolders(str);
  if (untrusted) return emitResult(renderer, 'Failed', untrusted);
  const passphrase = await passphraseOption(str('passphraseFile') as string);
  if (!passphrase.ok) return emitResult(renderer, 'Failed', passphrase.error);
  const outcome = await runUnregistration(
    {
      passphrase: passphrase.source,
      installLocation: str('installLocation'),
      logDir: str('logDir'),
      root: str('root'),
      argv: ['UnifiedAgentConfigurator', ...args],
    },
    configuratorDeps(cli, renderer),
  );
  return emitOutcome(renderer, outcome);
}
