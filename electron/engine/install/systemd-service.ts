import * as fs from 'node:fs';
import { writeFileAtomic } from '../system/atomic-file';
import type { ServiceSpec } from '../package/package-setup';
import { systemdUnitPath, systemdUnitText } from './systemd-unit';
import { systemdLook, watchSettled } from './service-health';
import {
  query,
  realSleep,
  ServiceError,
  tool,
  type ServiceContext,
  type ServiceOutcome,
  type ServiceSnapshot,
  type UndoContext,
} from './service-snapshot';

// The agent service where PID 1 is systemd: a unit in /etc/systemd/system, enabled and restarted with
// systemctl, watched through its settle window; under --root only the unit file is written.

export async function captureSystemd(
  name: string,
  managed: boolean,
  context: ServiceContext,
): Promise<ServiceSnapshot> {
  const { layout } = context;
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
    const fragment = (
      await query(context, name, 'systemctl', ['show', '--property=FragmentPath', '--value', unit])
    ).output.trim();
    if (fragment && fragment !== unitPath && previousUnit === null)
      throw new ServiceError(
        `a service named ${unit} already exists (${fragment}) and setup did not write it; the package may not replace it`,
      );
  }
  const ask = async (verb: string): Promise<boolean> =>
    managed && previousUnit !== null ? (await query(context, name, 'systemctl', [verb, '--quiet', unit])).ok : false;
  return {
    name,
    platform: 'linux',
    initSystem: 'systemd',
    unitPath,
    previousUnit,
    previousLinks: [],
    rcTool: null,
    windowsConfig: null,
    managed,
    existed: previousUnit !== null,
    wasEnabled: await ask('is-enabled'),
    wasActive: await ask('is-active'),
  };
}

export async function stopSystemd(name: string, context: UndoContext): Promise<string | undefined> {
  const result = await tool(context, 'systemctl', ['stop', `${name}.service`]);
  return result.ok ? undefined : result.failure;
}

export async function registerSystemd(
  spec: ServiceSpec,
  installLocation: string,
  snapshot: ServiceSnapshot,
  context: ServiceContext,
  failed: (failure: string, remedy: string) => ServiceOutcome,
): Promise<ServiceOutcome> {
  const { layout } = context;
  const unitPath = systemdUnitPath(layout, spec);
  writeFileAtomic(unitPath, systemdUnitText(spec, installLocation), 0o644);
  if (!snapshot.managed)
    return {
      status: 'Succeeded',
      message: `wrote ${unitPath}; not started because --root ${layout.root} is not the running system`,
    };
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
  const unit = `${spec.name}.service`;
  const settled = await watchSettled(
    unit,
    systemdLook(unit, { runner: context.runner, cwd: layout.root, log: context.log }),
    {
      log: context.log,
      sleep: context.sleep ?? realSleep,
      settleMs: context.settleMs,
    },
  );
  if (settled)
    return failed(
      settled,
      `Run "journalctl -u ${spec.name}" to see why the service stopped; the installation was rolled back.`,
    );
  return { status: 'Succeeded', message: `${spec.name} enabled and ${snapshot.wasActive ? 'restarted' : 'started'}` };
}

/** Stops, disables and removes the unit; returns a failure, or undefined. */
export async function removeSystemd(snapshot: ServiceSnapshot, context: UndoContext): Promise<string | undefined> {
  if (snapshot.managed) {
    const stopFailure = await stopSystemd(snapshot.name, context);
    if (stopFailure) return stopFailure;
    const result = await tool(context, 'systemctl', ['disable', '--no-reload', `${snapshot.name}.service`]);
    if (!result.ok) return result.failure;
  }
  if (snapshot.unitPath) fs.rmSync(snapshot.unitPath, { force: true });
  if (snapshot.managed) await tool(context, 'systemctl', ['daemon-reload']);
  return undefined;
}

export async function quiesceSystemd(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  // Only what runs is stopped: a unit this run never created is not an error.
  if (!(await tool(context, 'systemctl', ['is-active', '--quiet', `${snapshot.name}.service`])).ok) return [];
  const failure = await stopSystemd(snapshot.name, context);
  return failure ? [failure] : [];
}

export async function restoreSystemd(snapshot: ServiceSnapshot, context: UndoContext): Promise<string[]> {
  const failures: string[] = [];
  const run = async (args: string[]): Promise<void> => {
    const result = await tool(context, 'systemctl', args);
    if (!result.ok) failures.push(result.failure);
  };
  const unit = `${snapshot.name}.service`;
  // disable fails harmlessly for a unit this run never got to enable; what matters is that it is gone.
  if (snapshot.managed && !snapshot.existed) await tool(context, 'systemctl', ['disable', '--no-reload', unit]);
  if (snapshot.unitPath) {
    if (snapshot.previousUnit === null) fs.rmSync(snapshot.unitPath, { force: true });
    else writeFileAtomic(snapshot.unitPath, snapshot.previousUnit, 0o644);
  }
  if (!snapshot.managed) return failures;
  if (snapshot.existed) await run([snapshot.wasEnabled ? 'enable' : 'disable', '--no-reload', unit]);
  await run(['daemon-reload']);
  if (snapshot.existed && snapshot.wasActive) await run(['restart', unit]);
  return failures;
}
