import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRegularFile, writeFileAtomic } from '../system/atomic-file';
import type { ServiceSpec } from '../package/package-setup';
import type { SystemProbe } from '../system/system-probe';
import type { SystemLayout } from '../system/system-layout';
import { watchSettled, type ServiceLook } from './service-health';
import {
  realSleep,
  ServiceError,
  tool,
  type ServiceContext,
  type ServiceOutcome,
  type ServiceSnapshot,
  type UndoContext,
} from './service-snapshot';
import {
  initScriptPath,
  initScriptText,
  removeRunlevelLinks,
  restoreRunlevelLinks,
  runlevelLinks,
  SCRIPT_MARKER,
  startsAtBoot,
  writeRunlevelLinks,
} from './sysv-init-script';

// The agent service where PID 1 is not systemd: an LSB init script, registered for its runlevels with the tool
// the system has (chkconfig on RHEL and SLES, update-rc.d on Debian and Ubuntu, insserv), or with links made
// the way those tools make them where there is none (and always under --root, where nothing may run). Started
// and watched for the same settle window as a systemd unit; rolled back to the old script, links and state.

type RcTool = NonNullable<ServiceSnapshot['rcTool']>;
type RcToolKind = RcTool['kind'];

/** The order a system's own tool is preferred in: SLES has both chkconfig and insserv, Debian 7 both of the others. */
const RC_TOOLS: readonly RcToolKind[] = ['chkconfig', 'update-rc.d', 'insserv'];

function rcTool(probe: SystemProbe): RcTool | null {
  for (const kind of RC_TOOLS) {
    const command = probe.findCommand(kind);
    if (command) return { kind, command };
  }
  return null;
}

function enableArgs(tool: RcTool, name: string): string[] {
  switch (tool.kind) {
    case 'chkconfig':
      return ['--add', name];
    case 'update-rc.d':
      return [name, 'defaults'];
    case 'insserv':
      return [name];
    default: {
      const unreachable: never = tool.kind;
      return unreachable;
    }
  }
}

function disableArgs(tool: RcTool, name: string): string[] {
  switch (tool.kind) {
    case 'chkconfig':
      return ['--del', name];
    case 'update-rc.d':
      return ['-f', name, 'remove'];
    case 'insserv':
      return ['-r', name];
    default: {
      const unreachable: never = tool.kind;
      return unreachable;
    }
  }
}

/** The script's pid file, as the script names it: "pid start-time". */
function pidFile(layout: SystemLayout, name: string): string {
  return layout.hostPath(`/var/run/${name}.pid`);
}

async function script(context: UndoContext, scriptPath: string, action: string, quiet = false) {
  return tool(context, scriptPath, [action], { quiet });
}

export async function captureSysv(name: string, managed: boolean, context: ServiceContext): Promise<ServiceSnapshot> {
  const { layout } = context;
  const unitPath = initScriptPath(layout, name);
  const previous = readRegularFile(unitPath)?.toString('utf8') ?? null;
  if (previous !== null && !previous.split('\n').slice(0, 2).includes(SCRIPT_MARKER))
    throw new ServiceError(
      `a service named ${name} already exists (${unitPath}) and setup did not write it; the package may not replace it`,
    );
  const links = runlevelLinks(layout, name);
  let wasActive = false;
  if (managed && previous !== null) {
    const status = await tool({ ...context, signal: undefined }, unitPath, ['status'], { quiet: true });
    if (!status.ran) throw new ServiceError(`cannot read the state of the ${name} service: ${status.failure}`);
    wasActive = status.ok;
  }
  return {
    name,
    platform: 'linux',
    initSystem: 'sysv',
    unitPath,
    previousUnit: previous,
    previousLinks: links,
    windowsConfig: null,
    rcTool: managed ? rcTool(context.probe) : null,
    managed,
    existed: previous !== null,
    wasEnabled: startsAtBoot(links),
    wasActive,
  };
}

export async function stopSysv(snapshot: ServiceSnapshot, context: UndoContext): Promise<string | undefined> {
  if (!snapshot.unitPath || !fs.existsSync(snapshot.unitPath)) return undefined;
  const result = await script(context, snapshot.unitPath, 'stop');
  return result.ok ? undefined : result.failure;
}

const NO_RUNLEVELS = 'no runlevel folders';

/** Registers the script for its runlevels; a failure, or undefined. */
async function enable(context: UndoContext, name: string, tool_: RcTool | null): Promise<string | undefined> {
  if (!tool_) return writeRunlevelLinks(context.layout, name) ? undefined : NO_RUNLEVELS;
  const result = await tool(context, tool_.command, enableArgs(tool_, name));
  return result.ok ? undefined : result.failure;
}

async function disable(context: UndoContext, name: string, tool_: RcTool | null): Promise<string | undefined> {
  if (!tool_) {
    removeRunlevelLinks(context.layout, name);
    return undefined;
  }
  const result = await tool(context, tool_.command, disableArgs(tool_, name));
  // A tool that finds nothing to remove says so with a failure; what matters is that no link is left.
  if (!result.ok && runlevelLinks(context.layout, name).length > 0) return result.failure;
  return undefined;
}

function sysvLook(scriptPath: string, context: ServiceContext): () => Promise<ServiceLook | string> {
  return async () => {
    const status = await tool({ ...context, signal: undefined }, scriptPath, ['status'], { quiet: true });
    if (!status.ran) return status.failure;
    let identity = '';
    try {
      identity = readRegularFile(pidFile(context.layout, path.basename(scriptPath)), 4096)?.toString('utf8') ?? '';
    } catch {
      identity = '';
    }
    const said = status.output.trim().split('\n').pop() ?? '';
    return { running: status.ok, identity, state: said || `status exited ${status.ok ? 0 : 'non-zero'}` };
  };
}

export async function registerSysv(
  spec: ServiceSpec,
  installLocation: string,
  snapshot: ServiceSnapshot,
  context: ServiceContext,
  failed: (failure: string, remedy: string) => ServiceOutcome,
): Promise<ServiceOutcome> {
  const { layout } = context;
  const scriptPath = initScriptPath(layout, spec.name);
  writeFileAtomic(scriptPath, initScriptText(spec, installLocation), 0o755);
  if (!snapshot.managed) {
    const links = writeRunlevelLinks(layout, spec.name);
    return {
      status: 'Succeeded',
      message: `wrote ${scriptPath}${links ? ' and its runlevel links' : ''}; not started because --root ${layout.root} is not the running system`,
    };
  }
  const logRemedy = `See /var/log/${spec.name}.log and run "${scriptPath} status"; the installation was rolled back.`;
  const rc = snapshot.rcTool;
  const enableFailure = await enable(context, spec.name, rc);
  if (enableFailure && enableFailure !== NO_RUNLEVELS) return failed(enableFailure, logRemedy);
  const started = await script(context, scriptPath, 'restart');
  if (!started.ok) return failed(started.failure, logRemedy);
  const settled = await watchSettled(spec.name, sysvLook(scriptPath, context), {
    log: context.log,
    sleep: context.sleep ?? realSleep,
    settleMs: context.settleMs,
  });
  if (settled) return failed(settled, logRemedy);
  const how = rc ? `registered with ${rc.kind}` : 'linked into its runlevels';
  const verb = snapshot.wasActive ? 'restarted' : 'started';
  if (enableFailure)
    return {
      status: 'Warning',
      message: `${scriptPath} ${verb}, but this system has neither runlevel folders nor chkconfig, update-rc.d or insserv, so it will not start at boot; add it to your init's start-up`,
    };
  return { status: 'Succeeded', message: `${spec.name} ${how} and ${verb} (SysV init script ${scriptPath})` };
}

/** Stops, deregisters and removes the script; a failure, or undefined. */
export async function removeSysv(snapshot: ServiceSnapshot, context: UndoContext): Promise<string | undefined> {
  if (snapshot.managed) {
    const stopFailure = await stopSysv(snapshot, context);
    if (stopFailure) return stopFailure;
    const disableFailure = await disable(context, snapshot.name, snapshot.rcTool);
    if (disableFailure) return disableFailure;
  }
  removeRunlevelLinks(context.layout, snapshot.name);
  if (snapshot.unitPath) fs.rmSync(snapshot.unitPath, { force: true });
  fs.rmSync(pidFile(context.layout, snapshot.name), { force: true });
  return undefined;
}

export async function quiesceSysv(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  if (!snapshot.unitPath || !fs.existsSync(snapshot.unitPath)) return [];
  if (!(await script(context, snapshot.unitPath, 'status', true)).ok) return [];
  const failure = await stopSysv(snapshot, context);
  return failure ? [failure] : [];
}

/** The old script, its links and its state back; or nothing of it, when this run created it. */
export async function restoreSysv(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  const failures: string[] = [];
  if (!snapshot.unitPath) return failures;
  const rc = snapshot.managed ? snapshot.rcTool : null;
  if (snapshot.previousUnit === null) {
    // The tool first, so its own records (insserv's .depend files) forget the script too.
    if (rc && fs.existsSync(snapshot.unitPath)) await disable(context, snapshot.name, rc);
    removeRunlevelLinks(context.layout, snapshot.name);
    fs.rmSync(snapshot.unitPath, { force: true });
    return failures;
  }
  writeFileAtomic(snapshot.unitPath, snapshot.previousUnit, 0o755);
  if (rc) {
    const failure = snapshot.wasEnabled
      ? await enable(context, snapshot.name, rc)
      : await disable(context, snapshot.name, rc);
    if (failure) failures.push(failure);
  }
  // Exactly the links there were: whatever the tool computed, this is what the system had.
  restoreRunlevelLinks(context.layout, snapshot.name, snapshot.previousLinks);
  if (snapshot.managed && snapshot.wasActive) {
    const started = await script(context, snapshot.unitPath, 'start');
    if (!started.ok) failures.push(started.failure);
  }
  return failures;
}
