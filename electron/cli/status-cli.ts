import * as path from 'node:path';
import { setupError } from '../../shared/error-catalog';
import { readAgentStatus, StatusError } from '../engine/install/agent-status';
import { liveProcessRunner } from '../engine/system/process-runner';
import { systemLayout } from '../engine/system/system-layout';
import { liveSystemProbe } from '../engine/system/system-probe';
import { ConsoleRenderer, emitResult } from './cli-output';
import { parseCommandLine, RELEASE_PACKAGE_DIR_OPTION, type OptionSpec } from './command-line';
import type { CliEnvironment } from './cli-environment';

// `UnifiedAgent --status` (/Status): what is installed, for deployment tools deciding what to do next.
// One JSON line with --json; exit 0 unless the state cannot be read.

const STATUS_OPTIONS: readonly OptionSpec[] = [
  { key: 'status', windows: ['/Status'], posix: ['--status'], description: 'Print what is installed' },
  { key: 'json', windows: ['/Json'], posix: ['--json'], description: 'One JSON line' },
  { key: 'root', windows: ['/Root'], posix: ['--root'], value: 'DIR', description: 'Treat DIR as the system root' },
  RELEASE_PACKAGE_DIR_OPTION,
];

export function wantsStatus(args: readonly string[]): boolean {
  return args.some((arg) => ['--status', '/status'].includes(arg.toLowerCase()));
}

export async function statusMain(args: readonly string[], cli: CliEnvironment): Promise<number> {
  const parsed = parseCommandLine(args, STATUS_OPTIONS);
  const json = args.some((arg) => ['--json', '/json'].includes(arg.toLowerCase()));
  const renderer = new ConsoleRenderer(json ? 'json' : 'plain', cli.streams);
  if (!parsed.ok) return emitResult(renderer, 'Failed', setupError('INVALID_ARGUMENT', parsed.message));
  const root = typeof parsed.options.root === 'string' ? path.resolve(parsed.options.root) : undefined;
  const probe = liveSystemProbe();
  try {
    const status = await readAgentStatus(systemLayout(probe.platform, root), probe, liveProcessRunner);
    if (json) cli.streams.stdout.write(`${JSON.stringify(status)}\n`);
    else if (!status.installed) cli.streams.stdout.write('The Mobility service agent is not installed.\n');
    else
      cli.streams.stdout.write(
        [
          `Mobility service agent ${status.agentVersion} (${status.role}, ${status.platform}) at ${status.installLocation}`,
          `Registration: ${status.registration ? `${status.registration.csEndpoint}, host id ${status.registration.hostId}, since ${status.registration.registeredAt}` : 'not registered'}`,
          `Service: ${status.service}`,
          `Last result: ${status.lastResult ? `${status.lastResult.status} at ${status.lastResult.time}` : 'none'}`,
          '',
        ].join('\n'),
      );
    return 0;
  } catch (error) {
    if (!(error instanceof StatusError)) throw error;
    return emitResult(
      renderer,
      'Failed',
      setupError(
        'INSTALL_FAILED',
        `the install state cannot be read: ${error.message}`,
        'Move the damaged file aside and run setup again.',
      ),
    );
  }
}
