import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseCsEndpoint } from '../../../shared/cs-endpoint';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import { SETUP_VERSION } from '../../../shared/product';
import { startJob, type JobOutcome, type JobRecorder } from '../log/job-recorder';
import { Redactor } from '../log/setup-log';
import { unregisterFromCs } from '../registration/cs-client';
import { readPassphrase, type PassphraseSource } from '../registration/passphrase-source';
import { readRegistration } from '../registration/registration-store';
import { installerLogFile, systemLayout, type SystemLayout } from '../system/system-layout';
import { untrustedComponent } from '../system/trusted-path';
import { acquireInstallLock } from './install-lock';
import { readInstallRecord, type InstallRecord } from './install-record';
import { recoverInterrupted, type EngineDeps } from './install-job';
import { JobFailure } from './job-failure';
import { uninstallPlan } from './job-plans';
import { captureService, removeService } from './service-registration';
import { completeUninstall, removedTree, writeUninstallJournal } from './uninstall-journal';

// The uninstall: unregister from the CS when a passphrase is given (an unreachable CS is a Warning naming
// the entry left behind), stop, disable and remove the service, then take away exactly what setup laid down
// (by its record), its own files, the install record and /usr/local/.vx_version. The setup logs stay, and so
// does anything the admin put in the install location. Nothing installed: success, nothing to remove.

export interface UninstallRequest {
  readonly passphrase: PassphraseSource | undefined;
  readonly logDir: string | undefined;
  readonly root: string | undefined;
  readonly argv: readonly string[];
}

export async function runUninstall(request: UninstallRequest, deps: EngineDeps): Promise<JobOutcome> {
  const layout = systemLayout(deps.probe.platform, request.root);
  const redactor = new Redactor();
  const { job, log } = startJob({
    job: 'install',
    title: 'Mobility Service Setup (uninstaller)',
    version: SETUP_VERSION,
    logFile: installerLogFile(layout, request.logDir),
    redactor,
    argv: request.argv,
    emit: deps.emit,
    clock: () => deps.probe.now(),
  });
  // Until the service step starts nothing on the system has changed: a failure then removed nothing.
  let changing = false;
  try {
    const lock = await acquireInstallLock(layout.lockFile, request.argv.join(' '), deps.probe.now());
    if (!lock.ok) {
      const busy = lock.kind === 'busy';
      return job.outcome(
        setupError(
          busy ? 'ANOTHER_INSTALL_RUNNING' : 'NOT_ELEVATED',
          busy ? `another installation holds ${layout.lockFile}` : `nothing can be removed: ${lock.reason}`,
        ),
      );
    }
    try {
      await recoverInterrupted(layout, job, deps.runner);
      const record = readInstallRecord(layout.recordFile);
      // Planned only now: what there is to remove depends on the record (after any recovery) and the registration.
      job.plan(uninstallPlan(record, record && readRegistration(layout.hostPath(record.installLocation))));
      const check = job.step('check', 'preflight', 'Find the installed agent');
      if (!record) {
        job.finish(check, 'Skipped', 'not installed; nothing to remove');
        return job.outcome(null, { installed: 'false' });
      }
      job.finish(check, 'Succeeded', `agent ${record.agentVersion} at ${record.installLocation}`);
      const hostLocation = layout.hostPath(record.installLocation);
      await unregisterStep(job, request, hostLocation, redactor, deps);
      changing = true;
      await serviceStep(job, record, layout, deps);
      const kept = await removeStep(job, record, layout, deps);
      return job.outcome(null, {
        installLocation: record.installLocation,
        agentVersion: record.agentVersion,
        ...(kept.length > 0 ? { kept: kept.join(', ') } : {}),
      });
    } finally {
      await lock.lock.release();
    }
  } catch (error) {
    const failure: SetupError =
      error instanceof JobFailure
        ? error.error
        : setupError('INSTALL_FAILED', `unexpected error: ${redactor.redact((error as Error).message)}`);
    return job.outcome(failure, changing ? {} : { removed: 'nothing' });
  } finally {
    log.close();
  }
}

async function unregisterStep(
  job: JobRecorder,
  request: UninstallRequest,
  hostLocation: string,
  redactor: Redactor,
  deps: EngineDeps,
): Promise<void> {
  const registration = readRegistration(hostLocation);
  if (!registration) return;
  const step = job.step('unregister', 'register', `Remove host ${registration.hostId} from ${registration.csEndpoint}`);
  if (!request.passphrase) {
    job.finish(
      step,
      'Skipped',
      `no passphrase given: the configuration server ${registration.csEndpoint} keeps its entry for host ${registration.hostId}`,
    );
    return;
  }
  const passphrase = readPassphrase(request.passphrase);
  redactor.add(passphrase);
  const endpoint = parseCsEndpoint(registration.csEndpoint);
  const result = endpoint.ok
    ? await unregisterFromCs(endpoint.endpoint, passphrase, registration.hostId, { signal: deps.signal })
    : {
        ok: false as const,
        error: setupError('CS_PROTOCOL_ERROR', `the stored endpoint ${registration.csEndpoint} is not valid`),
      };
  if (result.ok) {
    job.finish(step, 'Succeeded', `host ${registration.hostId} removed from ${registration.csEndpoint}`);
    return;
  }
  if (result.error.code === 'CS_UNREACHABLE') {
    // The agent still goes; the admin learns exactly which entry to remove on the CS by hand.
    job.finish(
      step,
      'Warning',
      `${result.error.message}; the uninstall goes on, and the configuration server keeps its entry for host ${registration.hostId}: remove it there`,
    );
    return;
  }
  job.finish(step, 'Failed', result.error.message, result.error);
  throw new JobFailure(result.error);
}

async function serviceStep(
  job: JobRecorder,
  record: InstallRecord,
  layout: SystemLayout,
  deps: EngineDeps,
): Promise<void> {
  if (!record.serviceName) return;
  const step = job.step('service', 'service', `Remove the ${record.serviceName} service`);
  const context = { layout, probe: deps.probe, runner: deps.runner, log: (line: string) => job.detail(line) };
  const snapshot = await captureService(record.serviceName, context);
  const outcome = await removeService(snapshot, context, 'agent');
  job.finish(step, outcome.status, outcome.message, outcome.error);
  if (outcome.status === 'Failed') throw new JobFailure(outcome.error ?? setupError('INSTALL_FAILED', outcome.message));
}

async function removeStep(
  job: JobRecorder,
  record: InstallRecord,
  layout: SystemLayout,
  deps: EngineDeps,
): Promise<string[]> {
  const step = job.step('remove', 'install', `Remove the agent from ${record.installLocation}`);
  const location = layout.hostPath(record.installLocation);
  // The location as the record names it is held to the install's rules: a link (to a root-only folder, say) or
  // a folder another user can change would have root move someone else's files into reach.
  const untrusted = untrustedComponent(location, 'the install location');
  if (untrusted) {
    const error = setupError(
      'INSTALL_LOCATION_INVALID',
      `${record.installLocation}: ${untrusted}; nothing was removed`,
      'Check the install record and the install location: the location must be a real folder that only root can change.',
    );
    job.finish(step, 'Failed', error.message, error);
    throw new JobFailure(error);
  }
  const journal = {
    schema: 1 as const,
    installLocation: location,
    removedDir: path.join(
      path.dirname(location),
      `.${path.basename(location)}.ASRSetup-uninstall-${randomUUID().slice(0, 8)}`,
    ),
    startedAt: deps.probe.now().toISOString(),
    pid: process.pid,
    phase: 'moving' as const,
  };
  writeUninstallJournal(layout, journal);
  // Root-only while it holds the old tree: nobody can reach into it while it is sorted and deleted.
  fs.mkdirSync(journal.removedDir, { mode: 0o700 });
  await deps.failpoints.reach('uninstall-after-journal');
  if (fs.existsSync(location)) {
    fs.renameSync(location, removedTree(journal));
    // Replaced by a link between the check and the rename: put it back as it was and stop.
    if (fs.lstatSync(removedTree(journal)).isSymbolicLink()) {
      fs.renameSync(removedTree(journal), location);
      const error = setupError(
        'INSTALL_LOCATION_INVALID',
        `${record.installLocation} became a symbolic link while it was removed; nothing was removed`,
      );
      job.finish(step, 'Failed', error.message, error);
      throw new JobFailure(error);
    }
  }
  await deps.failpoints.reach('uninstall-after-move');
  const kept = completeUninstall(layout, journal);
  job.finish(
    step,
    'Succeeded',
    kept.length > 0
      ? `removed what setup installed; kept what it did not put there: ${kept.join(', ')}`
      : `removed ${record.installLocation}`,
  );
  return kept;
}
