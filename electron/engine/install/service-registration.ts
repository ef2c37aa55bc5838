import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod/mini';
import type { StepStatus } from '../../../shared/job-events';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import { writeFileAtomic } from '../system/atomic-file';
import type { ServiceSpec } from '../package/package-setup';
import type { ProcessRunner } from '../system/process-runner';
import type { SystemLayout } from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import { systemdUnitPath, systemdUnitText } from './systemd-unit';
import { waitForServiceSettled } from './service-health';
import { runServiceTool, type ToolResult } from './service-tool';

// The agent service across a transaction. Linux: a systemd unit; Windows: a service via sc.exe.
// - Before the new tree goes in, the service's state is captured into the journal (unit file or service
//   configuration, enabled, running) and a running service is stopped and waited for, so nothing runs
//   from, or holds open, the tree being set aside.
// - The service step writes the unit and, where a service manager runs, enables and (re)starts it.
// - An undo first stops whatever this run may have started, then (once the files are back) puts back
//   exactly what was captured; a service this run created is disabled and removed.
// Undo steps never take the cancel signal: a cancelled install must still be undone completely.
// Under --root nothing is started or stopped (as `rpm --root` leaves services alone); on a live system
// whose service manager is not running (a container) the unit is written and the step is a Warning.

const windowsConfigSchema = z.object({
  binPath: z.string(),
  startType: z.enum(['auto', 'demand', 'disabled', 'boot', 'system']),
  displayName: z.string(),
});

export const serviceSnapshotSchema = z.object({
  name: z.string(),
  platform: z.enum(['linux', 'win32']),
  /** Linux: the unit file and its content before this run (null: there was none). */
  unitPath: z.nullable(z.string()),
  previousUnit: z.nullable(z.string()),
  /** Windows: the service's configuration before this run. */
  windowsConfig: z._default(z.nullable(windowsConfigSchema), null),
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
  /** Waits between polls of a stopping or starting service; tests make it instant. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a started unit must stay running before the service step succeeds. */
  readonly settleMs?: number;
}

/** What undoing needs: no probe (the snapshot says what was managed) and, deliberately, no cancel signal. */
export type UndoContext = Pick<ServiceContext, 'layout' | 'runner' | 'log' | 'sleep'>;

export class ServiceError extends Error {}

const realSleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Windows command line: each argument quoted when it has spaces or quotes, inner quotes escaped. */
export function windowsBinPath(spec: ServiceSpec, installLocation: string): string {
  return [path.win32.join(installLocation, spec.exec), ...spec.args]
    .map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a))
    .join(' ');
}

/** The service tools run with this context's runner and log, in the system root. */
function tool(
  context: UndoContext & { readonly signal?: AbortSignal },
  command: string,
  args: string[],
): Promise<ToolResult> {
  return runServiceTool(
    { runner: context.runner, cwd: context.layout.root, log: context.log, signal: context.signal },
    command,
    args,
  );
}

function managedHere(layout: SystemLayout, probe: SystemProbe): boolean {
  if (!layout.liveRoot) return false;
  return layout.platform === 'win32' ? true : probe.systemdRunning();
}

const START_TYPES: Record<string, z.infer<typeof windowsConfigSchema>['startType']> = {
  '0': 'boot',
  '1': 'system',
  '2': 'auto',
  '3': 'demand',
  '4': 'disabled',
};

function parseWindowsConfig(qc: string): z.infer<typeof windowsConfigSchema> | null {
  const binPath = /BINARY_PATH_NAME\s*:\s*(.+)/.exec(qc)?.[1]?.trim();
  const start = /START_TYPE\s*:\s*(\d)/.exec(qc)?.[1];
  const displayName = /DISPLAY_NAME\s*:\s*(.+)/.exec(qc)?.[1]?.trim() ?? '';
  if (!binPath || !start || !START_TYPES[start]) return null;
  return { binPath, startType: START_TYPES[start] as z.infer<typeof windowsConfigSchema>['startType'], displayName };
}

/** What the service is now, before this run touches it. Read-only; a query that cannot run is an error. */
export async function captureService(name: string, context: ServiceContext): Promise<ServiceSnapshot> {
  const { layout } = context;
  const managed = managedHere(layout, context.probe);
  // Queries run to completion even during a cancel: a half-read state would be undone wrongly.
  const query = async (command: string, args: string[]): Promise<ToolResult> => {
    const result = await tool({ ...context, signal: undefined }, command, args);
    if (!result.ran) throw new ServiceError(`cannot read the state of the ${name} service: ${result.failure}`);
    return result;
  };
  if (layout.platform === 'win32') {
    if (!managed)
      return {
        name,
        platform: 'win32',
        unitPath: null,
        previousUnit: null,
        windowsConfig: null,
        managed,
        existed: false,
        wasEnabled: false,
        wasActive: false,
      };
    const state = await query('sc.exe', ['query', name]);
    const config = state.ok ? parseWindowsConfig((await query('sc.exe', ['qc', name])).output) : null;
    return {
      name,
      platform: 'win32',
      unitPath: null,
      previousUnit: null,
      windowsConfig: config,
      managed,
      existed: state.ok,
      wasEnabled: state.ok && config?.startType !== 'disabled',
      wasActive: state.ok && /STATE\s*:\s*\d+\s+(RUNNING|START_PENDING)/i.test(state.output),
    };
  }
  const unitPath = systemdUnitPath(layout, { name });
  let previousUnit: string | null = null;
  try {
    previousUnit = fs.readFileSync(unitPath, 'utf8');
  } catch {
    previousUnit = null;
  }
  const unit = `${name}.service`;
  if (managed) {
    // systemd reads units from several folders (/etc, /run, /usr/lib, /lib): the one to look at is where it
    // says this name lives, not only ours. A unit of that name elsewhere is not one setup wrote.
    const fragment = (await query('systemctl', ['show', '--property=FragmentPath', '--value', unit])).output.trim();
    if (fragment && fragment !== unitPath && previousUnit === null)
      throw new ServiceError(
        `a service named ${unit} already exists (${fragment}) and setup did not write it; the package may not replace it`,
      );
  }
  const wasEnabled =
    managed && previousUnit !== null ? (await query('systemctl', ['is-enabled', '--quiet', unit])).ok : false;
  const wasActive =
    managed && previousUnit !== null ? (await query('systemctl', ['is-active', '--quiet', unit])).ok : false;
  return {
    name,
    platform: 'linux',
    unitPath,
    previousUnit,
    windowsConfig: null,
    managed,
    existed: previousUnit !== null,
    wasEnabled,
    wasActive,
  };
}

/** sc.exe stop only asks; the files stay open until the service reports STOPPED. */
async function stopWindowsService(name: string, context: UndoContext): Promise<string | undefined> {
  const stop = await tool(context, 'sc.exe', ['stop', name]);
  const sleep = context.sleep ?? realSleep;
  for (let attempt = 0; attempt < 120; attempt++) {
    const state = await tool(context, 'sc.exe', ['query', name]);
    if (!state.ok || /STATE\s*:\s*\d+\s+STOPPED/i.test(state.output)) return undefined;
    await sleep(500);
  }
  return `${name} did not stop within 60 s${stop.ok ? '' : ` (${stop.failure})`}`;
}

async function stopService(
  name: string,
  platform: 'linux' | 'win32',
  context: UndoContext,
): Promise<string | undefined> {
  if (platform === 'win32') return stopWindowsService(name, context);
  const result = await tool(context, 'systemctl', ['stop', `${name}.service`]);
  return result.ok ? undefined : result.failure;
}

/** Stops a running service before its files are set aside (Windows cannot even rename them otherwise). */
export async function stopForReplacement(snapshot: ServiceSnapshot, context: UndoContext): Promise<string | undefined> {
  if (!snapshot.managed || !snapshot.wasActive) return undefined;
  return stopService(snapshot.name, snapshot.platform, context);
}

/** Writes the unit (the caller has journaled the snapshot) and, where it can, enables and (re)starts it. */
export async function registerService(
  spec: ServiceSpec,
  installLocation: string,
  snapshot: ServiceSnapshot,
  context: ServiceContext,
): Promise<ServiceOutcome> {
  const { layout } = context;
  const failed = (failure: string, remedy: string): ServiceOutcome => ({
    status: 'Failed',
    message: failure,
    error: setupError('INSTALL_FAILED', `the ${spec.name} service could not be started: ${failure}`, remedy),
  });
  if (layout.platform === 'win32') {
    if (!snapshot.managed)
      return { status: 'Succeeded', message: `service ${spec.name} not registered: --root is not the running system` };
    const binPath = windowsBinPath(spec, installLocation);
    const steps: string[][] = snapshot.existed
      ? [
          ['config', spec.name, 'binPath=', binPath, 'start=', 'auto'],
          ['start', spec.name],
        ]
      : [
          ['create', spec.name, 'binPath=', binPath, 'start=', 'auto', 'DisplayName=', spec.description],
          ['start', spec.name],
        ];
    for (const args of steps) {
      const result = await tool(context, 'sc.exe', args);
      if (!result.ok)
        return failed(
          result.failure,
          'See the Windows event log (System) for the service error; the installation was rolled back.',
        );
    }
    return { status: 'Succeeded', message: `${spec.name} ${snapshot.existed ? 'updated' : 'registered'} and started` };
  }
  const unitPath = systemdUnitPath(layout, spec);
  writeFileAtomic(unitPath, systemdUnitText(spec, installLocation), 0o644);
  if (!layout.liveRoot)
    return {
      status: 'Succeeded',
      message: `wrote ${unitPath}; not started because --root ${layout.root} is not the running system`,
    };
  if (!snapshot.managed) {
    return {
      status: 'Warning',
      message: `wrote ${unitPath}, but systemd is not running here (a container or chroot?), so ${spec.name} was not started; start the agent with ${path.posix.join(installLocation, spec.exec)} or under your service manager`,
    };
  }
  // restart, not start: an upgrade's service must come up on the new files. enable would reload systemd
  // itself; --no-reload and one daemon-reload after it spare systemd re-reading every unit twice.
  for (const args of [
    ['enable', '--no-reload', `${spec.name}.service`],
    ['daemon-reload'],
    ['restart', `${spec.name}.service`],
  ]) {
    const result = await tool(context, 'systemctl', args);
    if (!result.ok)
      return failed(
        result.failure,
        `Run "journalctl -u ${spec.name}" to see why the service failed; the installation was rolled back.`,
      );
  }
  const settled = await waitForServiceSettled(`${spec.name}.service`, {
    runner: context.runner,
    cwd: layout.root,
    log: context.log,
    sleep: context.sleep ?? realSleep,
    settleMs: context.settleMs,
  });
  if (settled)
    return failed(
      settled,
      `Run "journalctl -u ${spec.name}" to see why the service stopped; the installation was rolled back.`,
    );
  return { status: 'Succeeded', message: `${spec.name} enabled and ${snapshot.wasActive ? 'restarted' : 'started'}` };
}

/**
 * The new version declares no service (or names it differently) while the old one had one: the old
 * service goes, as an uninstall would remove it (an undo brings it back from the snapshot).
 */
export async function removeService(snapshot: ServiceSnapshot, context: ServiceContext): Promise<ServiceOutcome> {
  const fail = (failure: string): ServiceOutcome => ({
    status: 'Failed',
    message: failure,
    error: setupError('INSTALL_FAILED', `the old ${snapshot.name} service could not be removed: ${failure}`),
  });
  if (snapshot.managed) {
    const stopFailure = await stopService(snapshot.name, snapshot.platform, context);
    if (stopFailure) return fail(stopFailure);
    const result =
      snapshot.platform === 'win32'
        ? await tool(context, 'sc.exe', ['delete', snapshot.name])
        : await tool(context, 'systemctl', ['disable', '--no-reload', `${snapshot.name}.service`]);
    if (!result.ok) return fail(result.failure);
  }
  if (snapshot.unitPath) fs.rmSync(snapshot.unitPath, { force: true });
  if (snapshot.platform === 'linux' && snapshot.managed) await tool(context, 'systemctl', ['daemon-reload']);
  return { status: 'Succeeded', message: `removed the ${snapshot.name} service of the previous version` };
}

/**
 * First half of an undo, before any file moves: stops what this run may have started, so no running
 * service holds (or keeps writing into) the tree about to be moved away. Returns failures.
 */
export async function quiesceForUndo(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  if (!snapshot.managed) return [];
  // Only what runs is stopped: a unit this run never created is not an error.
  if (
    snapshot.platform === 'linux' &&
    !(await tool(context, 'systemctl', ['is-active', '--quiet', `${snapshot.name}.service`])).ok
  )
    return [];
  const failure = await stopService(snapshot.name, snapshot.platform, context);
  return failure ? [failure] : [];
}

/** Second half of an undo, once the files are back: the service exactly as captured. Returns failures. */
export async function restoreService(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  const failures: string[] = [];
  const run = async (command: string, args: string[]): Promise<ToolResult> => {
    const result = await tool(context, command, args);
    if (!result.ok) failures.push(result.failure);
    return result;
  };
  if (snapshot.platform === 'win32') {
    if (!snapshot.managed) return failures;
    const exists = (await tool(context, 'sc.exe', ['query', snapshot.name])).ok;
    if (!snapshot.existed) {
      if (exists) await run('sc.exe', ['delete', snapshot.name]);
      return failures;
    }
    const config = snapshot.windowsConfig;
    if (config) {
      if (exists)
        await run('sc.exe', ['config', snapshot.name, 'binPath=', config.binPath, 'start=', config.startType]);
      else
        await run('sc.exe', [
          'create',
          snapshot.name,
          'binPath=',
          config.binPath,
          'start=',
          config.startType,
          'DisplayName=',
          config.displayName || snapshot.name,
        ]);
    }
    if (snapshot.wasActive) await run('sc.exe', ['start', snapshot.name]);
    return failures;
  }
  const unit = `${snapshot.name}.service`;
  if (snapshot.managed && !snapshot.existed) {
    // disable fails harmlessly for a unit this run never got to enable; what matters is that it is gone.
    await tool(context, 'systemctl', ['disable', '--no-reload', unit]);
  }
  if (snapshot.unitPath) {
    if (snapshot.previousUnit === null) fs.rmSync(snapshot.unitPath, { force: true });
    else writeFileAtomic(snapshot.unitPath, snapshot.previousUnit, 0o644);
  }
  if (!snapshot.managed) return failures;
  if (snapshot.existed) await run('systemctl', [snapshot.wasEnabled ? 'enable' : 'disable', '--no-reload', unit]);
  await run('systemctl', ['daemon-reload']);
  if (snapshot.existed && snapshot.wasActive) await run('systemctl', ['restart', unit]);
  return failures;
}
