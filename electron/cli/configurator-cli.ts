import * as path from 'node:path';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import { setupError } from '../../shared/error-catalog';
import { SETUP_VERSION } from '../../shared/product';
import { runRegistration } from '../engine/registration/registration-job';
import { emitOutcome, emitResult } from './cli-output';
import { formatHelp, wantsHelp, wantsVersion } from './command-line';
import type { CliEnvironment } from './cli-environment';
import { parseSubcommand, passphraseOption, readStdinThenProceed } from './subcommand';
import { unregisterMain, wantsUnregister } from './unregister-cli';
import { CONFIGURATOR_OPTIONS, configuratorDeps, untrustedConfiguratorFolders } from './configurator-options';

export { CONFIGURATOR_OPTIONS, configuratorDeps } from './configurator-options';

// UnifiedAgentConfigurator (Windows syntax) and UnifiedAgentConfigurator.sh (Linux syntax).

const USAGE = [
  'UnifiedAgentConfigurator /CSEndPoint IP[:PORT] /PassphraseFilePath FILE [/InstallLocation DIR] [/LogDir DIR] [/Root DIR] [/Json]',
  'UnifiedAgentConfigurator.sh -i IP[:PORT] -P FILE [-d DIR] [--log-dir DIR] [--root DIR] [--json]',
];

const FOOTER = [
  'The passphrase is read from the file (trailing newlines removed) and never sent: the configurator logs in',
  'with OPAQUE (registration protocol v2), so only the configuration server that holds the record made from it',
  'can answer, and a server that cannot learns nothing to guess from. Exit codes as for UnifiedAgent (Linux 0/1/2/3/4;',
  'Windows 0/1603/1639/1618/1602).',
  'Examples:',
  '  /usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh -i 10.0.0.5 -P /var/passphrase.txt',
  '  UnifiedAgentConfigurator.exe /CSEndPoint 10.0.0.5 /PassphraseFilePath C:\\Temp\\passphrase.txt',
];

export async function configuratorMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  if (wantsHelp(args)) {
    cli.streams.stdout.write(formatHelp(USAGE, CONFIGURATOR_OPTIONS, FOOTER));
    return 0;
  }
  if (wantsVersion(args)) {
    cli.streams.stdout.write(`Mobility Service Setup ${SETUP_VERSION} (configurator)\n`);
    return 0;
  }
  if (wantsUnregister(args)) return unregisterMain(args, cli);
  const parsed = parseSubcommand(args, CONFIGURATOR_OPTIONS, cli);
  if (!parsed.ok) return parsed.exitCode;
  const { str, renderer } = parsed.command;
  // Before any file or network access: a bad endpoint is an invalid argument.
  const endpoint = parseCsEndpoint(str('csEndpoint') ?? '');
  if (!endpoint.ok)
    return emitResult(
      renderer,
      'Failed',
      setupError(
        'INVALID_ARGUMENT',
        endpoint.reason,
        'Give the configuration server IP address, optionally with its port: 10.0.0.5, 10.0.0.5:443 or [fd00::5]:443.',
      ),
    );
  for (const key of ['root', 'logDir'] as const) {
    const value = str(key);
    if (value !== undefined && !path.isAbsolute(value))
      return emitResult(
        renderer,
        'Failed',
        setupError(
          'INVALID_ARGUMENT',
          `"${value}" (${key === 'root' ? '--root' : '--log-dir'}) is not an absolute path`,
        ),
      );
  }
  const untrusted = untrustedConfiguratorFolders(str);
  if (untrusted) return emitResult(renderer, 'Failed', untrusted);
  let proceed: Promise<boolean> | undefined;
  let passphrase: Awaited<ReturnType<typeof passphraseOption>>;
  const proceedOnStdin = parsed.command.options.proceedOnStdin === true;
  const cancelOnEof = parsed.command.options.cancelOnStdinEof === true;
  if (proceedOnStdin || cancelOnEof) {
    const option = proceedOnStdin
      ? '--proceed-on-stdin (/ProceedOnStdin)'
      : '--cancel-on-stdin-eof (/CancelOnStdinEof)';
    if (str('passphraseFile') !== '-' || (proceedOnStdin && cancelOnEof))
      return emitResult(
        renderer,
        'Failed',
        setupError(
          'INVALID_ARGUMENT',
          proceedOnStdin && cancelOnEof
            ? '--proceed-on-stdin and --cancel-on-stdin-eof cannot be used together: give one'
            : `${option} needs -P - (/PassphraseFilePath -): the passphrase comes on standard input`,
        ),
      );
    const stdin = readStdinThenProceed(4096);
    passphrase = { ok: true, source: { stdin: await stdin.first } };
    // Standard input left open after the passphrase: its end (the wizard's Cancel, or the wizard gone) cancels.
    if (cancelOnEof)
      void stdin.proceed.then((go) => {
        if (!go) cli.cancel?.();
      });
    else proceed = stdin.proceed;
  } else passphrase = await passphraseOption(str('passphraseFile') as string);
  if (!passphrase.ok) return emitResult(renderer, 'Failed', passphrase.error);
  const outcome = await runRegistration(
    {
      endpoint: str('csEndpoint') as string,
      passphrase: passphrase.source,
      installLocation: str('installLocation'),
      logDir: str('logDir'),
      root: str('root'),
      argv: ['UnifiedAgentConfigurator', ...args],
      proceed,
    },
    configuratorDeps(cli, renderer),
  );
  // The pipe left open for the cancel would keep this process alive.
  if (cancelOnEof) process.stdin.destroy();
  return emitOutcome(renderer, outcome);
}
