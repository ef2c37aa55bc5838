import * as path from 'node:path';
import type { ServiceSpec } from '../package/package-setup';
import { watchSettled, type ServiceLook } from './service-health';
import {
  query,
  realSleep,
  ServiceError,
  tool,
  type ServiceContext,
  type ServiceOutcome,
  type ServiceSnapshot,
  type UndoContext,
  type WindowsServiceConfig,
} from './service-snapshot';

// The agent service on Windows, through sc.exe: captured (sc query, and its configuration from its registry key,
// which is what `sc qc` shows and what Wine has too), stopped and waited for before the files move, created or
// reconfigured and started, watched for a settle window, and put back exactly on undo. Where `sc config` cannot
// run (Wine's sc has no config, nor qc), the service is deleted and created again with the same description,
// failure actions and start type.

/** A Windows command line: each argument quoted when it has spaces or quotes, inner quotes escaped. */
export function windowsBinPath(spec: ServiceSpec, installLocation: string): string {
  return [path.win32.join(installLocation, spec.exec), ...spec.args]
    .map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a))
    .join(' ');
}

const START_TYPES: Record<number, WindowsServiceConfig['startType']> = {
  0: 'boot',
  1: 'system',
  2: 'auto',
  3: 'demand',
  4: 'disabled',
};

export function serviceKey(name: string): string {
  return `HKLM\\SYSTEM\\CurrentControlSet\\Services\\${name}`;
}

/** `reg query` output: "    Name    REG_TYPE    value" a line. */
function registryValues(output: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s+(\S+)\s+(REG_\w+)\s+(.*)$/.exec(line) ?? /^\s+(\S+)\s+(REG_\w+)$/.exec(line);
    if (match?.[1]) values.set(match[1].toLowerCase(), (match[3] ?? '').trim());
  }
  return values;
}

/** The service's configuration from its registry key; undefined when the key names no program. */
export function parseServiceKey(output: string): WindowsServiceConfig | undefined {
  const values = registryValues(output);
  const binPath = values.get('imagepath');
  const start = START_TYPES[Number.parseInt(values.get('start') ?? '', 16)];
  if (!binPath || !start) return undefined;
  return {
    binPath,
    startType: start,
    displayName: values.get('displayname') ?? '',
    description: values.get('description') ?? null,
    failureActions: values.get('failureactions')?.replace(/\s/g, '') || null,
    failureCommand: values.get('failurecommand') || null,
  };
}

const ACTION_NAMES = ['', 'restart', 'reboot', 'run'];

/**
 * sc failure's arguments for a FailureActions value (SERVICE_FAILURE_ACTIONS as the registry keeps it: reset
 * period, two unused pointers, the count, one more, then type/delay pairs); none for an empty or odd value.
 */
export function failureArgs(config: WindowsServiceConfig): string[] | undefined {
  const hex = config.failureActions;
  if (!hex || !/^([0-9a-fA-F]{2})+$/.test(hex)) return undefined;
  const blob = Buffer.from(hex, 'hex');
  if (blob.length < 20) return undefined;
  const count = blob.readUInt32LE(12);
  if (count === 0 || blob.length < 20 + count * 8) return undefined;
  const actions: string[] = [];
  for (let i = 0; i < count; i++) {
    actions.push(ACTION_NAMES[blob.readUInt32LE(20 + i * 8)] ?? '', String(blob.readUInt32LE(24 + i * 8)));
  }
  const command = config.failureCommand ? ['command=', config.failureCommand] : [];
  return ['reset=', String(blob.readUInt32LE(0)), ...command, 'actions=', actions.join('/')];
}

export async function captureWindows(
  name: string,
  managed: boolean,
  context: ServiceContext,
): Promise<ServiceSnapshot> {
  const none: ServiceSnapshot = {
    name,
    platform: 'win32',
    initSystem: 'systemd',
    unitPath: null,
    previousUnit: null,
    previousLinks: [],
    rcTool: null,
    windowsConfig: null,
    managed,
    existed: false,
    wasEnabled: false,
    wasActive: false,
  };
  if (!managed) return none;
  const state = await query(context, name, 'sc.exe', ['query', name]);
  if (!state.ok) return none;
  // Without the old configuration a rollback could not put the service back: that fails the step, here.
  const key = await query(context, name, 'reg.exe', ['query', serviceKey(name)]);
  const config = key.ok ? parseServiceKey(key.output) : undefined;
  if (!config)
    throw new ServiceError(
      `cannot read the configuration of the existing ${name} service from ${serviceKey(name)}${key.ok ? ' (it names no ImagePath or Start)' : `: ${key.failure}`}`,
    );
  return {
    ...none,
    windowsConfig: config,
    existed: true,
    wasEnabled: config.startType !== 'disabled',
    wasActive: /STATE\s*:\s*\d+\s+(RUNNING|START_PENDING)/i.test(state.output),
  };
}

/** sc.exe stop only asks; the files stay open until the service reports STOPPED. */
export async function stopWindows(name: string, context: UndoContext): Promise<string | undefined> {
  const stop = await tool(context, 'sc.exe', ['stop', name]);
  const sleep = context.sleep ?? realSleep;
  for (let attempt = 0; attempt < 120; attempt++) {
    const state = await tool(context, 'sc.exe', ['query', name]);
    if (!state.ok || /STATE\s*:\s*\d+\s+STOPPED/i.test(state.output)) return undefined;
    await sleep(500);
  }
  return `${name} did not stop within 60 s${stop.ok ? '' : ` (${stop.failure})`}`;
}

/**
 * Sets the service to `binPath` and `startType`: sc config where it works, otherwise (Wine) delete and create
 * again, carrying over its display name, description and failure actions. Returns a failure, or undefined.
 */
async function reconfigure(
  context: UndoContext,
  name: string,
  binPath: string,
  old: WindowsServiceConfig,
  startType: WindowsServiceConfig['startType'],
): Promise<string | undefined> {
  const config = await tool(context, 'sc.exe', ['config', name, 'binPath=', binPath, 'start=', startType]);
  if (config.ok) return undefined;
  context.log(`sc config did not run (${config.failure}): deleting and creating the ${name} service again`);
  const steps = [
    ['delete', name],
    ['create', name, 'binPath=', binPath, 'start=', startType, 'DisplayName=', old.displayName || name],
    ...(old.description !== null ? [['description', name, old.description]] : []),
  ];
  const failure = failureArgs(old);
  if (failure) steps.push(['failure', name, ...failure]);
  for (const args of steps) {
    const result = await tool(context, 'sc.exe', args);
    if (!result.ok) return result.failure;
  }
  return undefined;
}

function windowsLook(name: string, context: ServiceContext): () => Promise<ServiceLook | string> {
  return async () => {
    const state = await tool({ ...context, signal: undefined }, 'sc.exe', ['query', name], { quiet: true });
    if (!state.ok) return state.failure;
    const said = /STATE\s*:\s*\d+\s+(\w+)/i.exec(state.output)?.[1] ?? 'unknown';
    const exit = /WIN32_EXIT_CODE\s*:\s*(\d+)/i.exec(state.output)?.[1];
    // sc has no pid without queryex (which Wine lacks); a restart shows as a state other than RUNNING.
    return { running: /^(RUNNING|START_PENDING)$/i.test(said), identity: '', state: said, exitStatus: exit };
  };
}

export async function registerWindows(
  spec: ServiceSpec,
  installLocation: string,
  snapshot: ServiceSnapshot,
  context: ServiceContext,
  failed: (failure: string, remedy: string) => ServiceOutcome,
): Promise<ServiceOutcome> {
  if (!snapshot.managed)
    return { status: 'Succeeded', message: `service ${spec.name} not registered: --root is not the running system` };
  const remedy = `See the Windows event log (System) and "sc query ${spec.name}" for the service error; the installation was rolled back.`;
  const binPath = windowsBinPath(spec, installLocation);
  const old = snapshot.windowsConfig;
  // An upgrade keeps the start type the admin chose; a new service starts automatically.
  const startType = old?.startType ?? 'auto';
  const configured =
    snapshot.existed && old
      ? await reconfigure(context, spec.name, binPath, old, startType)
      : (
          await tool(context, 'sc.exe', [
            'create',
            spec.name,
            'binPath=',
            binPath,
            'start=',
            'auto',
            'DisplayName=',
            spec.description,
          ])
        ).failure || undefined;
  if (configured) return failed(configured, remedy);
  if (!snapshot.existed) await tool(context, 'sc.exe', ['description', spec.name, spec.description]);
  const verb = snapshot.existed ? 'updated' : 'registered';
  if (startType === 'disabled')
    return { status: 'Succeeded', message: `${spec.name} ${verb}; left disabled, as it was, so not started` };
  const started = await tool(context, 'sc.exe', ['start', spec.name]);
  if (!started.ok) return failed(started.failure, remedy);
  const settled = await watchSettled(spec.name, windowsLook(spec.name, context), {
    log: context.log,
    sleep: context.sleep ?? realSleep,
    settleMs: context.settleMs,
  });
  if (settled) return failed(settled, remedy);
  return { status: 'Succeeded', message: `${spec.name} ${verb} and started` };
}

/** Stops and deletes the service; returns a failure, or undefined. */
export async function removeWindows(snapshot: ServiceSnapshot, context: UndoContext): Promise<string | undefined> {
  if (!snapshot.managed) return undefined;
  const stopFailure = await stopWindows(snapshot.name, context);
  if (stopFailure) return stopFailure;
  const result = await tool(context, 'sc.exe', ['delete', snapshot.name]);
  return result.ok ? undefined : result.failure;
}

export async function restoreWindows(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  const failures: string[] = [];
  const run = async (args: string[]): Promise<void> => {
    const result = await tool(context, 'sc.exe', args);
    if (!result.ok) failures.push(result.failure);
  };
  if (!snapshot.managed) return failures;
  const exists = (await tool(context, 'sc.exe', ['query', snapshot.name])).ok;
  if (!snapshot.existed) {
    if (exists) await run(['delete', snapshot.name]);
    return failures;
  }
  const config = snapshot.windowsConfig;
  if (config) {
    if (exists) {
      const failure = await reconfigure(context, snapshot.name, config.binPath, config, config.startType);
      if (failure) failures.push(failure);
    } else {
      const name = snapshot.name;
      await run([
        'create',
        name,
        'binPath=',
        config.binPath,
        'start=',
        config.startType,
        'DisplayName=',
        config.displayName || name,
      ]);
      if (config.description !== null) await run(['description', name, config.description]);
      const failure = failureArgs(config);
      if (failure) await run(['failure', name, ...failure]);
    }
  }
  if (snapshot.wasActive) await run(['start', snapshot.name]);
  return failures;
}
