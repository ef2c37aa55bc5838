import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { StepStatus } from '../../shared/job-events';
import { setupError, type SetupError } from '../../shared/error-catalog';
import { writeFileAtomic } from './atomic-file';
import type { ServiceSpec } from './package-setup';
import { describeOutcome, scrubbedEnv, type ProcessRunner } from './process-runner';
import type { SystemLayout } from './system-layout';
import type { SystemProbe } from './system-probe';

// The agent service across a transaction. Linux: a systemd unit; Windows: a service via sc.exe.
// - Before the new tree goes in, the service's state is captured into the journal (unit file, enabled,
//   running) and a running service is stopped, so no process runs from the tree being set aside.
// - The service step writes the unit and, where a service manager runs, enables and (re)starts it.
// - An undo puts back exactly what was captured: the old unit, enabled or not, running or not; a service
//   this run created is stopped, disabled and removed.
// Under --root nothing is started or stopped (as `rpm --root` leaves services alone); on a live system
// whose service manager is not running (a container) the unit is written and the step is a Warning.

export const serviceSnapshotSchema = z.object({
  name: z.string(),
  platform: z.enum(['linux', 'win32']),
  /** Linux: the unit file and its content before this run (null: there was none). */
  unitPath: z.string().nullable(),
  previousUnit: z.string().nullable(),
  /** Whether this run may (and did) run service commands: a live root with a service manager running. */
  managed: z.boolean(),
  existed: z.boolean(),
  wasEnabled: z.boolean(),
  wasActive: z.boolean(),
});

export type ServiceSnapshot = z.infer<typeof serviceSnapshotSchema>;

export interface ServiceOutcome {
  readonly status: StepStatus;
  readonly message: string;
  readonly error?: SetupError;
}

export interface ServiceContext {
  readonly layout: SystemLayout;
  readonly probe: SystemProbe;
  readonly runner: ProcessRunner;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

function quoteSystemd(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function systemdUnitPath(layout: SystemLayout, spec: Pick<ServiceSpec, 'name'>): string {
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

function windowsBinPath(spec: ServiceSpec, installLocation: string): string {
  return [path.win32.join(installLocation, spec.exec), ...spec.args].map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ');
}

async function tool(context: Pick<ServiceContext, 'layout' | 'runner' | 'signal' | 'log'>, command: string, args: string[]): Promise<{ ok: boolean; output: string; failure: string }> {
  const lines: string[] = [];
  const outcome = await context.runner.run(command, args, {
    cwd: context.layout.root,
    env: scrubbedEnv({}),
    timeoutMs: 120_000,
    signal: context.signal,
    onOutput: (line) => {
      lines.push(line);
      context.log(`${command}: ${line}`);
    },
  });
  const ok = outcome.kind === 'exited' && outcome.code === 0;
  return { ok, output: lines.join('\n'), failure: ok ? '' : `${command} ${args.join(' ')} ${describeOutcome(outcome)}` };
}

function managedHere(layout: SystemLayout, probe: SystemProbe): boolean {
  if (!layout.liveRoot) return false;
  return layout.platform === 'win32' ? true : probe.systemdRunning();
}

/** What the service is now, before this run touches it. Read-only. */
export async function captureService(name: string, context: ServiceContext): Promise<ServiceSnapshot> {
  const { layout } = context;
  const managed = managedHere(layout, context.probe);
  if (layout.platform === 'win32') {
    const query = managed ? await tool(context, 'sc.exe', ['query', name]) : { ok: false, output: '', failure: '' };
    return { name, platform: 'win32', unitPath: null, previousUnit: null, managed, existed: query.ok, wasEnabled: query.ok, wasActive: query.ok && /STATE\s*:\s*\d+\s+RUNNING/i.test(query.output) };
  }
  const unitPath = systemdUnitPath(layout, { name });
  let previousUnit: string | null = null;
  try {
    previousUnit = fs.readFileSync(unitPath, 'utf8');
  } catch {
    previousUnit = null;
  }
  const unit = `${name}.service`;
  const wasEnabled = managed && previousUnit !== null ? (await tool(context, 'systemctl', ['is-enabled', '--quiet', unit])).ok : false;
  const wasActive = managed && previousUnit !== null ? (await tool(context, 'systemctl', ['is-active', '--quiet', unit])).ok : false;
  return { name, platform: 'linux', unitPath, previousUnit, managed, existed: previousUnit !== null, wasEnabled, wasActive };
}

/** Stops a running service before its files are set aside (Windows cannot even rename them otherwise). */
export async function stopForReplacement(snapshot: ServiceSnapshot, context: ServiceContext): Promise<string | undefined> {
  if (!snapshot.managed || !snapshot.wasActive) return undefined;
  const result = snapshot.platform === 'win32' ? await tool(context, 'sc.exe', ['stop', snapshot.name]) : await tool(context, 'systemctl', ['stop', `${snapshot.name}.service`]);
  return result.ok ? undefined : result.failure;
}

/** Writes the unit (the caller has journaled the snapshot) and, where it can, enables and (re)starts it. */
export async function registerService(spec: ServiceSpec, installLocation: string, snapshot: ServiceSnapshot, context: ServiceContext): Promise<ServiceOutcome> {
  const { layout } = context;
  const failed = (failure: string, remedy: string): ServiceOutcome => ({
    status: 'Failed',
    message: failure,
    error: setupError('INSTALL_FAILED', `the ${spec.name} service could not be started: ${failure}`, remedy),
  });
  if (layout.platform === 'win32') {
    if (!snapshot.managed) return { status: 'Succeeded', message: `service ${spec.name} not registered: --root is not the running system` };
    const binPath = windowsBinPath(spec, installLocation);
    const steps: string[][] = snapshot.existed
      ? [['config', spec.name, 'binPath=', binPath, 'start=', 'auto'], ['start', spec.name]]
      : [['create', spec.name, 'binPath=', binPath, 'start=', 'auto', 'DisplayName=', spec.description], ['start', spec.name]];
    for (const args of steps) {
      const result = await tool(context, 'sc.exe', args);
      if (!result.ok) return failed(result.failure, 'See the Windows event log (System) for the service error; the installation was rolled back.');
    }
    return { status: 'Succeeded', message: `${spec.name} ${snapshot.existed ? 'updated' : 'registered'} and started` };
  }
  const unitPath = systemdUnitPath(layout, spec);
  writeFileAtomic(unitPath, systemdUnitText(spec, installLocation), 0o644);
  if (!layout.liveRoot) return { status: 'Succeeded', message: `wrote ${unitPath}; not started because --root ${layout.root} is not the running system` };
  if (!snapshot.managed) {
    return {
      status: 'Warning',
      message: `wrote ${unitPath}, but systemd is not running here (a container or chroot?), so ${spec.name} was not started; start the agent with ${path.posix.join(installLocation, spec.exec)} or under your service manager`,
    };
  }
  // restart, not start: an upgrade's service must come up on the new files.
  for (const args of [['daemon-reload'], ['enable', `${spec.name}.service`], ['restart', `${spec.name}.service`]]) {
    const result = await tool(context, 'systemctl', args);
    if (!result.ok) return failed(result.failure, `Run "journalctl -u ${spec.name}" to see why the service failed; the installation was rolled back.`);
  }
  return { status: 'Succeeded', message: `${spec.name} enabled and ${snapshot.wasActive ? 'restarted' : 'started'}` };
}

/**
 * The new version declares no service while the old one had one: the old service goes, as an uninstall
 * would remove it (an undo brings it back from the snapshot).
 */
export async function removeService(snapshot: ServiceSnapshot, context: ServiceContext): Promise<ServiceOutcome> {
  const steps: [string, string[]][] =
    snapshot.platform === 'win32'
      ? snapshot.managed
        ? [['sc.exe', ['stop', snapshot.name]], ['sc.exe', ['delete', snapshot.name]]]
        : []
      : snapshot.managed
        ? [['systemctl', ['disable', '--now', `${snapshot.name}.service`]]]
        : [];
  for (const [command, args] of steps) {
    const result = await tool(context, command, args);
    // A stop of a service that is not running fails harmlessly; only the removal itself matters.
    if (!result.ok && args[0] !== 'stop') return { status: 'Failed', message: result.failure, error: setupError('INSTALL_FAILED', `the old ${snapshot.name} service could not be removed: ${result.failure}`) };
  }
  if (snapshot.unitPath) fs.rmSync(snapshot.unitPath, { force: true });
  if (snapshot.platform === 'linux' && snapshot.managed) await tool(context, 'systemctl', ['daemon-reload']);
  return { status: 'Succeeded', message: `removed the ${snapshot.name} service of the previous version: this version declares none` };
}

/** Puts the service back as the snapshot found it. Best effort: what fails is logged, the rest still runs. */
export async function restoreService(snapshot: ServiceSnapshot, context: Pick<ServiceContext, 'layout' | 'runner' | 'log'>): Promise<void> {
  const run = async (command: string, args: string[]): Promise<void> => {
    const result = await tool(context, command, args);
    if (!result.ok) context.log(`restoring the service: ${result.failure}`);
  };
  if (snapshot.platform === 'win32') {
    if (!snapshot.managed) return;
    if (!snapshot.existed) {
      await run('sc.exe', ['stop', snapshot.name]);
      await run('sc.exe', ['delete', snapshot.name]);
    } else if (snapshot.wasActive) {
      await run('sc.exe', ['start', snapshot.name]);
    }
    return;
  }
  const unit = `${snapshot.name}.service`;
  if (snapshot.managed && !snapshot.existed) await run('systemctl', ['disable', '--now', unit]);
  if (snapshot.unitPath) {
    if (snapshot.previousUnit === null) fs.rmSync(snapshot.unitPath, { force: true });
    else writeFileAtomic(snapshot.unitPath, snapshot.previousUnit, 0o644);
  }
  if (!snapshot.managed) return;
  await run('systemctl', ['daemon-reload']);
  if (!snapshot.existed) return;
  await run('systemctl', [snapshot.wasEnabled ? 'enable' : 'disable', unit]);
  await run('systemctl', [snapshot.wasActive ? 'restart' : 'stop', unit]);
}
