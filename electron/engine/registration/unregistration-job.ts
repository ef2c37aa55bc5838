import { parseCsEndpoint } from '../../../shared/cs-endpoint';
import { setupError } from '../../../shared/error-catalog';
import { acquireInstallLock } from '../install/install-lock';
import { failStep, JobFailure } from '../install/job-failure';
import { recordVxVersion } from '../install/vx-version';
import { UNREGISTRATION_PLAN } from '../install/job-plans';
import { type JobOutcome } from '../log/job-recorder';
import { unregisterFromCs } from './cs-client';
import { readPassphrase, type PassphraseSource } from './passphrase-source';
import { checkInstallation, lockFailure, startConfiguratorJob, type ConfiguratorDeps } from './registration-job';
import { readRegistration, removeRegistration } from './registration-store';

// UnifiedAgentConfigurator /Unregister (-u): removes this server from the configuration server it is
// registered with (the stored endpoint and host id), over protocol v2's unregister, then forgets the
// registration here. Not registered: nothing to do, exit 0, so automation can run it again and again.

export interface UnregistrationRequest {
  readonly passphrase: PassphraseSource;
  readonly installLocation: string | undefined;
  readonly logDir: string | undefined;
  readonly root: string | undefined;
  readonly argv: readonly string[];
}

export async function runUnregistration(request: UnregistrationRequest, deps: ConfiguratorDeps): Promise<JobOutcome> {
  const { layout, clock, redactor, job, log } = startConfiguratorJob(
    request,
    deps,
    'Mobility Service Setup (configurator, unregister)',
    UNREGISTRATION_PLAN,
  );
  const step = job.step('unregister', 'register', 'Remove the registration from the configuration server');
  const fail = (error: unknown): JobOutcome => failStep(job, step, error);
  try {
    const lock = await acquireInstallLock(layout.lockFile, request.argv.join(' '), clock());
    if (!lock.ok) return fail(new JobFailure(lockFailure(lock)));
    try {
      const installation = checkInstallation(layout, request.installLocation);
      const registration = readRegistration(installation.hostLocation);
      if (!registration) {
        job.finish(step, 'Skipped', 'not registered with a configuration server; nothing to remove');
        return job.outcome(null, { installLocation: installation.location });
      }
      const passphrase = readPassphrase(request.passphrase);
      redactor.add(passphrase);
      const endpoint = parseCsEndpoint(registration.csEndpoint);
      if (!endpoint.ok)
        throw new JobFailure(
          setupError('CS_PROTOCOL_ERROR', `the stored endpoint ${registration.csEndpoint} is not valid`),
        );
      const result = await unregisterFromCs(endpoint.endpoint, passphrase, registration.hostId, {
        timeoutMs: deps.timeoutMs,
        signal: deps.signal,
      });
      if (!result.ok) return fail(new JobFailure(result.error));
      removeRegistration(installation.hostLocation);
      recordVxVersion(layout, { ...installation.config, installLocation: installation.location }, undefined);
      const what =
        result.outcome === 'already-gone'
          ? `${registration.csEndpoint} no longer knew host ${registration.hostId}; the registration here was removed`
          : `host ${registration.hostId} removed from ${registration.csEndpoint}`;
      job.finish(step, 'Succeeded', what);
      return job.outcome(null, { csEndpoint: registration.csEndpoint, hostId: registration.hostId });
    } catch (error) {
      return fail(error);
    } finally {
      await lock.lock.release();
    }
  } catch (error) {
    return job.outcome(setupError('INSTALL_FAILED', `unexpected error: ${redactor.redact((error as Error).message)}`));
  } finally {
    log.close();
  }
}
