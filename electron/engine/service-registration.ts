import * as path from 'node:path';
import type { StepStatus } from '../../shared/job-events';
import { setupError, type SetupError } from '../../shared/error-catalog';
import { writeFileAtomic } from './atomic-file';
import type { ServiceSpec } from './package-setup';
import { describeOutcome, scrubbedEnv, type ProcessRunner } from './process-runner';
import type { SystemLayout } from './system-layout';
import type { SystemProbe } from './system-probe';

// Registers the agent service. Linux: a systemd unit. Under --root the unit is written and never started,
// as `rpm --root` leaves services alone; on a live system whose service manager is not running (a
// container) the unit is written and the step is a Warning that says so.

export interface ServiceOutcome {
  readonly status: StepStatus;
  readonly message: string;
  readonly error?: SetupError;
}

function quoteSystemd(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function systemdUnitPath(layout: SystemLayout, spec: ServiceSpec): string {
  return path.join(layout.unitDir, `${spec.name}.service`);
}

export function systemdUnitText(spec: ServiceSpec, installLocation: string): string {
  const exec = [path.posix.join(installLocation, spec.exec), ...spec.args].map(quoteSystemd).join(' ');
  return [
    '# Written by Mobility Service Setup; reinstalling the agent rewrites it.',
    '[Unit]',
    `Description=${spec.description}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    `WorkingDirectory=${installLocation}`,
    'Restart=on-failure',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export interface ServiceContext {
  readonly layout: SystemLayout;
  readonly probe: SystemProbe;
  readonly runner: ProcessRunner;
  readonly installLocation: string;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

async function runTool(context: ServiceContext, command: string, args: string[]): Promise<string | undefined> {
  const outcome = await context.runner.run(command, args, {
    cwd: context.layout.root,
    env: scrubbedEnv({}),
    timeoutMs: 120_000,
    signal: context.signal,
    onOutput: (line) => context.log(`${command}: ${line}`),
  });
  return outcome.kind === 'exited' && outcome.code === 0 ? undefined : `${command} ${args.join(' ')} ${describeOutcome(outcome)}`;
}

/** Writes the unit file (the caller has journaled its previous content) and starts the service where it can. */
export async function registerService(spec: ServiceSpec, context: ServiceContext): Promise<ServiceOutcome> {
  if (context.layout.platform === 'win32') return registerWindowsService(spec, context);
  const unitPath = systemdUnitPath(context.layout, spec);
  writeFileAtomic(unitPath, systemdUnitText(spec, context.installLocation), 0o644);
  if (!context.layout.liveRoot) {
    return { status: 'Succeeded', message: `wrote ${unitPath}; not started because --root ${context.layout.root} is not the running system` };
  }
  if (!context.probe.systemdRunning()) {
    return {
      status: 'Warning',
      message: `wrote ${unitPath}, but systemd is not running here (a container or chroot?), so ${spec.name} was not started; start the agent with ${path.posix.join(context.installLocation, spec.exec)} or under your service manager`,
    };
  }
  for (const args of [['daemon-reload'], ['enable', '--now', `${spec.name}.service`]]) {
    const failure = await runTool(context, 'systemctl', args);
    if (failure) {
      return {
        status: 'Failed',
        message: failure,
        error: setupError('INSTALL_FAILED', `the ${spec.name} service could not be started: ${failure}`, `Run "journalctl -u ${spec.name}" to see why the service failed; the installation was rolled back.`),
      };
    }
  }
  return { status: 'Succeeded', message: `${spec.name} enabled and started` };
}

async function registerWindowsService(spec: ServiceSpec, context: ServiceContext): Promise<ServiceOutcome> {
  if (!context.layout.liveRoot) return { status: 'Succeeded', message: `service ${spec.name} not registered: --root is not the running system` };
  const binPath = [path.win32.join(context.installLocation, spec.exec), ...spec.args].map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ');
  for (const args of [
    ['create', spec.name, 'binPath=', binPath, 'start=', 'auto', 'DisplayName=', spec.description],
    ['start', spec.name],
  ]) {
    const failure = await runTool(context, 'sc.exe', args);
    if (failure) {
      return { status: 'Failed', message: failure, error: setupError('INSTALL_FAILED', `the ${spec.name} service could not be registered: ${failure}`, 'See the Windows event log (System) for the service error; the installation was rolled back.') };
    }
  }
  return { status: 'Succeeded', message: `${spec.name} registered and started` };
}
