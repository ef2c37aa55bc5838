import { setupError } from '../../../shared/error-catalog';
import { acquireInstallLock } from './install-lock';
import { readJournal, settleJournal, type InstallJournal, JournalError } from './install-journal';
import { startJob, type JobOutcome, type JobRecorder } from '../log/job-recorder';
import { preflightError, runPreflight, type PreflightReport } from './preflight';
import { type ProcessRunner } from '../system/process-runner';
import { Redactor } from '../log/setup-log';
import { installerLogFile, systemLayout, type SystemLayout } from '../system/system-layout';
import { SETUP_VERSION } from '../../../shared/product';
import { cancelledError, JobFailure } from './job-failure';
import { finishInterruptedUninstall } from './uninstall-journal';
import { InstallTransaction } from './install-transaction';
import { INSTALL_PLAN } from './job-plans';
import type { EngineDeps, InstallRequest } from './install-request';

export type { EngineDeps, InstallRequest } from './install-request';

// The install job, docs/architecture.md's steps 1-6: locate, preflight, verify and extract into private staging,
// swap into place, components, service; then the agent config and the install record, which commits.
// Until the commit a failure, a cancel or a kill leaves the machine as it was (the journal undoes it).

/** Runs a whole install and returns its outcome; events go to deps.emit as they happen. */
export async function runInstall(request: InstallRequest, deps: EngineDeps): Promise<JobOutcome> {
  const layout = systemLayout(deps.probe.platform, request.root);
  const clock = (): Date => deps.probe.now();
  const { job, log } = startJob({
    job: 'install',
    title: 'Mobility Service Setup (installer)',
    version: SETUP_VERSION,
    logFile: installerLogFile(layout, request.logDir),
    redactor: new Redactor(),
    argv: request.argv,
    emit: deps.emit,
    clock,
    plan: INSTALL_PLAN,
  });
  try {
    const lock = await acquireInstallLock(layout.lockFile, request.argv.join(' '), clock());
    if (!lock.ok && lock.kind === 'busy') {
      const holder = lock.holder ? ` (process ${lock.holder.pid}, started ${lock.holder.startedAt})` : '';
      return job.outcome(
        setupError('ANOTHER_INSTALL_RUNNING', `another installation${holder} holds ${layout.lockFile}`),
      );
    }
    if (!lock.ok) {
      // Without the lock nothing may change; preflight still runs so the admin learns every problem at once.
      job.note('warn', `cannot take the install lock: ${lock.reason}`);
      return await reportOnly(request, deps, layout, job, lock.reason, lock.remedy);
    }
    try {
      return await installLocked(request, deps, layout, job);
    } finally {
      await lock.lock.release();
    }
  } catch (error) {
    const failure =
      error instanceof JobFailure
        ? error.error
        : setupError('INSTALL_FAILED', `unexpected error: ${(error as Error).message}`);
    return job.outcome(failure);
  } finally {
    log.close();
  }
}

/** Finishes or undoes a run that was interrupted (kill -9), before anything else happens. */
export async function recoverInterrupted(layout: SystemLayout, job: JobRecorder, runner: ProcessRunner): Promise<void> {
  let journal: InstallJournal | undefined;
  try {
    journal = readJournal(layout.journalFile);
  } catch (error) {
    if (error instanceof JournalError) {
      throw new JobFailure(
        setupError(
          'INSTALL_FAILED',
          error.message,
          `Check the install location named in ${layout.journalFile}, move the journal aside, then run setup again.`,
        ),
      );
    }
    throw error;
  }
  finishInterruptedUninstall(layout, job);
  if (!journal) return;
  const step = job.step('recover', 'recover', 'Recover an interrupted installation');
  try {
    const outcome = await settleJournal(layout.journalFile, journal, {
      layout,
      runner,
      log: (line) => job.detail(line),
    });
    const what =
      outcome === 'rolled-back'
        ? `undid the installation started ${journal.startedAt} by process ${journal.pid}, which did not finish`
        : `finished cleaning up after the installation of ${journal.startedAt}, which had completed`;
    job.finish(step, 'Succeeded', what);
  } catch (error) {
    const failure = setupError(
      'INSTALL_FAILED',
      `cannot recover the interrupted installation in ${layout.journalFile}: ${(error as Error).message}`,
    );
    job.finish(step, 'Failed', failure.message, failure);
    throw new JobFailure(failure);
  }
}

function notePreflight(job: JobRecorder, report: PreflightReport): void {
  for (const check of report.checks)
    job.note(
      check.ok === false ? 'error' : 'info',
      `${check.title}: ${check.ok === null ? 'not checked' : check.ok ? 'OK' : 'FAILED'}: ${check.message}`,
    );
}

function preflightFor(request: InstallRequest, deps: EngineDeps, layout: SystemLayout): Promise<PreflightReport> {
  return runPreflight({
    layout,
    probe: deps.probe,
    repository: request.repository,
    installLocation: request.installLocation,
    packageDir: request.packageDir,
    role: request.role,
    platform: request.platform,
  });
}

async function reportOnly(
  request: InstallRequest,
  deps: EngineDeps,
  layout: SystemLayout,
  job: JobRecorder,
  reason: string,
  remedy = `Make ${layout.stateDir} writable by root, then run setup again.`,
): Promise<JobOutcome> {
  const preflight = job.step('preflight', 'preflight', 'Check prerequisites');
  const report = await preflightFor(request, deps, layout);
  notePreflight(job, report);
  const error =
    preflightError(report.problems) ?? setupError('INSTALL_FAILED', `cannot take the install lock: ${reason}`, remedy);
  // The step fails for the lock whatever preflight found: its summary says so, with any problems besides.
  const lockFailure = `the install lock could not be taken: ${reason}`;
  job.finish(
    preflight,
    'Failed',
    report.problems.length > 0
      ? `${lockFailure}; and ${report.problems.length} of ${report.checks.length} checks failed`
      : `${lockFailure} (all ${report.checks.length} checks passed)`,
    error,
  );
  return job.outcome(error);
}

async function installLocked(
  request: InstallRequest,
  deps: EngineDeps,
  layout: SystemLayout,
  job: JobRecorder,
): Promise<JobOutcome> {
  await deps.failpoints.reach('after-plan');
  await recoverInterrupted(layout, job, deps.runner);

  const locate = job.step('locate', 'locate', 'Locate the agent package');
  const report = await preflightFor(request, deps, layout);
  const locateProblems = report.checks.filter(
    (c) => (c.id === 'os' || c.id === 'package' || c.id === 'architecture') && c.ok === false,
  );
  if (report.located && report.manifest)
    job.finish(locate, 'Succeeded', `${report.located.name.fileName} for ${report.os?.description ?? report.osLabel}`);
  else
    job.finish(
      locate,
      'Failed',
      locateProblems.map((c) => c.message).join('; ') || 'no package',
      locateProblems[0]?.error,
    );

  // Preflight runs even when Locate failed, so the admin sees every problem in one pass.
  const preflight = job.step('preflight', 'preflight', 'Check prerequisites');
  notePreflight(job, report);
  const error = preflightError(report.problems);
  if (error) {
    job.finish(preflight, 'Failed', `${report.problems.length} of ${report.checks.length} checks failed`, error);
    return job.outcome(error);
  }
  job.finish(preflight, 'Succeeded', `all ${report.checks.length} checks passed (${report.mode})`);
  if (deps.signal?.aborted) return job.outcome(cancelledError());

  const transaction = new InstallTransaction(layout, report, job, deps);
  try {
    return await transaction.run(request);
  } catch (error) {
    const failure =
      error instanceof JobFailure
        ? error.error
        : deps.signal?.aborted
          ? cancelledError()
          : setupError('INSTALL_FAILED', `unexpected error: ${(error as Error).message}`);
    // The wizard marks the steps that had changed the system as rolled back only on this word.
    const rolledBack = await transaction.undo();
    return job.outcome(failure, rolledBack ? { rolledBack: 'true' } : {});
  }
}
