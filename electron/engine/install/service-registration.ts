import { setupError } from '../../../shared/error-catalog';
import type { ServiceSpec } from '../package/package-setup';
import type { SystemLayout } from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import { lstatOrUndefined } from '../system/atomic-file';
import type { ServiceContext, ServiceOutcome, ServiceSnapshot, UndoContext } from './service-snapshot';
import {
  captureSystemd,
  quiesceSystemd,
  registerSystemd,
  removeSystemd,
  restoreSystemd,
  stopSystemd,
} from './systemd-service';
import { captureSysv, quiesceSysv, registerSysv, removeSysv, restoreSysv, stopSysv } from './sysv-service';
import { captureWindows, registerWindows, removeWindows, restoreWindows, stopWindows } from './windows-service';

// The agent service across a transaction, on each kind of system: a systemd unit where PID 1 is systemd, an
// LSB init script where it is not (SysV init, Upstart), a Windows service through sc.exe.
// - Before the new tree goes in, the service's state is captured into the journal (unit file, script and
//   links, or service configuration; enabled; running) and a running service is stopped and waited for, so
//   nothing runs from, or holds open, the tree being set aside.
// - The service step writes the unit or script and, where a service manager runs, enables and (re)starts it.
// - An undo first stops whatever this run may have started, then (once the files are back) puts back
//   exactly what was captured; a service this run created is disabled and removed.
// Undo steps never take the cancel signal: a cancelled install must still be undone completely.
// Under --root nothing is started or stopped (as `rpm --root` leaves services alone).

export { serviceSnapshotSchema, ServiceError } from './service-snapshot';
export type { ServiceContext, ServiceOutcome, ServiceSnapshot, UndoContext } from './service-snapshot';
export { windowsBinPath } from './windows-service';

export type ServiceBackend = 'systemd' | 'sysv' | 'windows';

/**
 * Which service manager to set the agent up for. A live Linux system: by what runs (/run/systemd/system, as
 * sd_booted() checks), never by the OS label. An image under --root, where nothing runs: by what it would boot,
 * systemd if it has one, SysV init if it has init scripts and no systemd, a unit otherwise.
 */
export function serviceBackend(layout: SystemLayout, probe: SystemProbe): ServiceBackend {
  if (layout.platform === 'win32') return 'windows';
  if (layout.liveRoot) return probe.systemdRunning() ? 'systemd' : 'sysv';
  const has = (file: string): boolean => lstatOrUndefined(layout.hostPath(file)) !== undefined;
  if (has('/lib/systemd/systemd') || has('/usr/lib/systemd/systemd')) return 'systemd';
  return has('/etc/init.d') || has('/etc/rc.d/init.d') ? 'sysv' : 'systemd';
}

function backendOf(snapshot: ServiceSnapshot): ServiceBackend {
  return snapshot.platform === 'win32' ? 'windows' : snapshot.initSystem;
}

/** What the service is now, before this run touches it. Read-only; a query that cannot run is an error. */
export async function captureService(name: string, context: ServiceContext): Promise<ServiceSnapshot> {
  const backend = serviceBackend(context.layout, context.probe);
  // Only a live system is managed: under --root nothing is asked, started or stopped.
  const managed = context.layout.liveRoot;
  switch (backend) {
    case 'windows':
      return captureWindows(name, managed, context);
    case 'systemd':
      return captureSystemd(name, managed, context);
    case 'sysv':
      return captureSysv(name, managed, context);
    default: {
      const unreachable: never = backend;
      return unreachable;
    }
  }
}

async function stopService(snapshot: ServiceSnapshot, context: UndoContext): Promise<string | undefined> {
  const backend = backendOf(snapshot);
  switch (backend) {
    case 'windows':
      return stopWindows(snapshot.name, context);
    case 'systemd':
      return stopSystemd(snapshot.name, context);
    case 'sysv':
      return stopSysv(snapshot, context);
    default: {
      const unreachable: never = backend;
      return unreachable;
    }
  }
}

/** Stops a running service before its files are set aside (Windows cannot even rename them otherwise). */
export async function stopForReplacement(snapshot: ServiceSnapshot, context: UndoContext): Promise<string | undefined> {
  if (!snapshot.managed || !snapshot.wasActive) return undefined;
  return stopService(snapshot, context);
}

/** Writes the unit or script (the caller has journaled the snapshot) and, where it can, enables and (re)starts it. */
export async function registerService(
  spec: ServiceSpec,
  installLocation: string,
  snapshot: ServiceSnapshot,
  context: ServiceContext,
): Promise<ServiceOutcome> {
  const failed = (failure: string, remedy: string): ServiceOutcome => ({
    status: 'Failed',
    message: failure,
    error: setupError('INSTALL_FAILED', `the ${spec.name} service could not be started: ${failure}`, remedy),
  });
  const backend = backendOf(snapshot);
  switch (backend) {
    case 'windows':
      return registerWindows(spec, installLocation, snapshot, context, failed);
    case 'systemd':
      return registerSystemd(spec, installLocation, snapshot, context, failed);
    case 'sysv':
      return registerSysv(spec, installLocation, snapshot, context, failed);
    default: {
      const unreachable: never = backend;
      return unreachable;
    }
  }
}

/**
 * Removes a service: the uninstall's, or the previous version's when the new one declares none (or names it
 * differently). An undo brings it back from the snapshot.
 */
export async function removeService(
  snapshot: ServiceSnapshot,
  context: UndoContext,
  /** Whose service it is, as the step's message says: the uninstalled agent's, or the replaced version's. */
  whose: 'agent' | 'previous-version' = 'previous-version',
): Promise<ServiceOutcome> {
  const backend = backendOf(snapshot);
  let failure: string | undefined;
  switch (backend) {
    case 'windows':
      failure = await removeWindows(snapshot, context);
      break;
    case 'systemd':
      failure = await removeSystemd(snapshot, context);
      break;
    case 'sysv':
      failure = await removeSysv(snapshot, context);
      break;
    default: {
      const unreachable: never = backend;
      return unreachable;
    }
  }
  if (failure)
    return {
      status: 'Failed',
      message: failure,
      error: setupError('INSTALL_FAILED', `the old ${snapshot.name} service could not be removed: ${failure}`),
    };
  return {
    status: 'Succeeded',
    message:
      whose === 'agent'
        ? `removed the agent's ${snapshot.name} service`
        : `removed the ${snapshot.name} service of the previous version`,
  };
}

/**
 * First half of an undo, before any file moves: stops what this run may have started, so no running
 * service holds (or keeps writing into) the tree about to be moved away. Returns failures.
 */
export async function quiesceForUndo(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  if (!snapshot.managed) return [];
  const backend = backendOf(snapshot);
  switch (backend) {
    case 'windows': {
      const failure = await stopWindows(snapshot.name, context);
      return failure ? [failure] : [];
    }
    case 'systemd':
      return quiesceSystemd(snapshot, context);
    case 'sysv':
      return quiesceSysv(snapshot, context);
    default: {
      const unreachable: never = backend;
      return unreachable;
    }
  }
}

/** Second half of an undo, once the files are back: the service exactly as captured. Returns failures. */
export async function restoreService(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  const backend = backendOf(snapshot);
  switch (backend) {
    case 'windows':
      return restoreWindows(snapshot, context);
    case 'systemd':
      return restoreSystemd(snapshot, context);
    case 'sysv':
      return restoreSysv(snapshot, context);
    default: {
      const unreachable: never = backend;
      return unreachable;
    }
  }
}
