import * as path from 'node:path';
import type { ServiceSpec } from '../package/package-setup';
import {
  query,
  realSleep,
  tool,
  type ServiceContext,
  type ServiceOutcome,
  type ServiceSnapshot,
  type UndoContext,
  type WindowsServiceConfig,
} from './service-snapshot';

// The agent service on Windows, through sc.exe: captured (sc query, sc qc), stopped and waited for before the
// files move, created or reconfigured and started, and put back exactly on undo.

/** A Windows command line: each argument quoted when it has spaces or quotes, inner quotes escaped. */
export function windowsBinPath(spec: ServiceSpec, installLocation: string): string {
  return [path.win32.join(installLocation, spec.exec), ...spec.args]
    .map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a))
    .join(' ');
}

const START_TYPES: Record<string, WindowsServiceConfig['startType']> = {
  '0': 'boot',
  '1': 'system',
  '2': 'auto',
  '3': 'demand',
  '4': 'disabled',
};

function parseWindowsConfig(qc: string): WindowsServiceConfig | null {
  const binPath = /BINARY_PATH_NAME\s*:\s*(.+)/.exec(qc)?.[1]?.trim();
  const start = /START_TYPE\s*:\s*(\d)/.exec(qc)?.[1];
  const displayName = /DISPLAY_NAME\s*:\s*(.+)/.exec(qc)?.[1]?.trim() ?? '';
  if (!binPath || !start || !START_TYPES[start]) return null;
  return { binPath, startType: START_TYPES[start] as WindowsServiceConfig['startType'], displayName };
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
  const config = state.ok ? parseWindowsConfig((await query(context, name, 'sc.exe', ['qc', name])).output) : null;
  return {
    ...none,
    windowsConfig: config,
    existed: state.ok,
    wasEnabled: state.ok && config?.startType !== 'disabled',
    wasActive: state.ok && /STATE\s*:\s*\d+\s+(RUNNING|START_PENDING)/i.test(state.output),
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

export async function registerWindows(
  spec: ServiceSpec,
  installLocation: string,
  snapshot: ServiceSnapshot,
  context: ServiceContext,
  failed: (failure: string, remedy: string) => ServiceOutcome,
): Promise<ServiceOutcome> {
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
    if (exists) await run(['config', snapshot.name, 'binPath=', config.binPath, 'start=', config.startType]);
    else
      await run([
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
  if (snapshot.wasActive) await run(['start', snapshot.name]);
  return failures;
}
