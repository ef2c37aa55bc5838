import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import { supportRowByLabel } from '../../../shared/support-matrix';
import { syncDirectory, writeFileAtomic } from '../system/atomic-file';
import type { Failpoints } from '../failpoints';
import { acquireInstallLock } from './install-lock';
import {
  readJournal,
  settleJournal,
  TRANSACTION_MARKER,
  writeJournal,
  type InstallJournal,
  JournalError,
} from './install-journal';
import { writeInstallRecord, type InstallRecord } from './install-record';
import { JobRecorder, type EventSink, type JobOutcome } from '../log/job-recorder';
import { componentSkipReason, PackageSetupError, readPackageSetup, type PackageSetup } from '../package/package-setup';
import { preflightError, runPreflight, type PreflightReport } from './preflight';
import { describeOutcome, scrubbedEnv, type ProcessRunner } from '../system/process-runner';
import { ExtractError, extractPackage, type ExtractProgress } from '../package/safe-extract';
import { extractPackageDirectory } from '../package/directory-package';
import { PAYLOAD_ROOT, RELEASE_ENGINE, RELEASE_NODE, RUNTIME_ROOT } from '../package/package-manifest';
import {
  captureService,
  registerService,
  removeService,
  stopForReplacement,
  type ServiceOutcome,
} from './service-registration';
import { Redactor, SetupLog } from '../log/setup-log';
import {
  AGENT_CONFIG_FILE,
  INSTALLER_LOG_NAME,
  REGISTRATION_FILE,
  SETUP_DIR_NAME,
  systemLayout,
  type SystemLayout,
} from '../system/system-layout';
import { SETUP_VERSION } from '../../../shared/product';
import { readRegistration, writeRegistrationStatus } from '../registration/registration-job';
import type { SystemProbe } from '../system/system-probe';

// The install job, DESIGN.md's steps 1-6: locate, preflight, verify and extract into private staging,
// swap into place, components, service; then the agent config and the install record, which commits.
// Until the commit a failure, a cancel or a kill leaves the machine as it was (the journal undoes it).

export type Role = 'MS' | 'MT';
export type AgentPlatform = 'VmWare' | 'Azure';

export interface InstallRequest {
  readonly role: Role;
  readonly platform: AgentPlatform;
  /** As given; undefined means the installed location, or the default. */
  readonly installLocation: string | undefined;
  readonly repository: string;
  readonly logDir: string | undefined;
  readonly root: string | undefined;
  /** For the log header; already free of secrets. */
  readonly argv: readonly string[];
  /** Install from an extracted self-contained release (its ./install passes its own folder). */
  readonly packageDir?: string;
}

export interface EngineDeps {
  readonly probe: SystemProbe;
  readonly runner: ProcessRunner;
  readonly failpoints: Failpoints;
  readonly emit: EventSink;
  readonly signal?: AbortSignal;
  readonly writerThreads?: number;
}

class JobFailure extends Error {
  constructor(readonly error: SetupError) {
    super(error.message);
  }
}

/** Where the seed's registration step looks for the configurator: <install location>/Vx/bin. */
export const CONFIGURATOR_LAUNCHER = path.join('Vx', 'bin', 'UnifiedAgentConfigurator.sh');

/**
 * Writes Vx/bin/UnifiedAgentConfigurator.sh for a self-contained release: it runs the release's own
 * runtime, kept in .asrsetup/runtime, so registering needs neither a checkout nor a system Node.
 */
function writeConfiguratorLauncher(tree: string): void {
  const launcher = path.join(tree, CONFIGURATOR_LAUNCHER);
  if (fs.existsSync(launcher)) return;
  fs.mkdirSync(path.dirname(launcher), { recursive: true, mode: 0o755 });
  const script = [
    '#!/bin/sh',
    '# UnifiedAgentConfigurator.sh -i <CS IP[:port]> -P <passphrase file>: registers this agent with a configuration',
    '# server. Written by Mobility Service Setup; it runs the Node runtime installed with the agent.',
    'case "$0" in */*) here=${0%/*} ;; *) here=. ;; esac',
    'top=$(cd "$here/../.." && pwd) || exit 1',
    `exec "$top/${SETUP_DIR_NAME}/${RELEASE_NODE}" --max-semi-space-size=1 "$top/${SETUP_DIR_NAME}/${RELEASE_ENGINE}" configure "$@"`,
    '',
  ].join('\n');
  fs.writeFileSync(launcher, script, { mode: 0o755 });
}

function cancelledError(): SetupError {
  return setupError('CANCELLED', 'setup was cancelled; every change it had made was undone');
}

export function installerLogFile(layout: SystemLayout, logDir: string | undefined): string {
  return path.join(logDir ? layout.hostPath(logDir) : layout.defaultLogDir, INSTALLER_LOG_NAME);
}

/** Runs a whole install and returns its outcome; events go to deps.emit as they happen. */
export async function runInstall(request: InstallRequest, deps: EngineDeps): Promise<JobOutcome> {
  const layout = systemLayout(deps.probe.platform, request.root);
  const clock = (): Date => deps.probe.now();
  const log = new SetupLog(installerLogFile(layout, request.logDir), new Redactor(), clock);
  const logProblem = log.open({
    title: 'Mobility Service Setup (installer)',
    version: SETUP_VERSION,
    argv: request.argv,
    time: clock(),
  });
  const job = new JobRecorder(deps.emit, log, clock);
  job.started('install');
  if (logProblem) job.note('warn', logProblem);
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
      return await reportOnly(request, deps, layout, job, lock.reason);
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

/** Finishes or undoes a run that was interrupted (kill -9, power cut), before anything else happens. */
async function recoverInterrupted(layout: SystemLayout, job: JobRecorder, runner: ProcessRunner): Promise<void> {
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

async function reportOnly(
  request: InstallRequest,
  deps: EngineDeps,
  layout: SystemLayout,
  job: JobRecorder,
  reason: string,
): Promise<JobOutcome> {
  const preflight = job.step('preflight', 'preflight', 'Check prerequisites');
  const report = await runPreflight({
    layout,
    probe: deps.probe,
    repository: request.repository,
    installLocation: request.installLocation,
    packageDir: request.packageDir,
  });
  notePreflight(job, report);
  const error =
    preflightError(report.problems) ??
    setupError(
      'INSTALL_FAILED',
      `cannot take the install lock: ${reason}`,
      `Make ${layout.stateDir} writable by root, then run setup again.`,
    );
  job.finish(preflight, 'Failed', `${report.problems.length} of ${report.checks.length} checks failed`, error);
  return job.outcome(error);
}

async function installLocked(
  request: InstallRequest,
  deps: EngineDeps,
  layout: SystemLayout,
  job: JobRecorder,
): Promise<JobOutcome> {
  await recoverInterrupted(layout, job, deps.runner);

  const locate = job.step('locate', 'locate', 'Locate the agent package');
  const report = await runPreflight({
    layout,
    probe: deps.probe,
    repository: request.repository,
    installLocation: request.installLocation,
    packageDir: request.packageDir,
  });
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
    await transaction.undo();
    return job.outcome(failure);
  }
}

class InstallTransaction {
  private readonly transactionId = randomUUID();
  private journal: InstallJournal | undefined;
  private readonly hostLocation: string;

  constructor(
    private readonly layout: SystemLayout,
    private readonly report: PreflightReport,
    private readonly job: JobRecorder,
    private readonly deps: EngineDeps,
  ) {
    this.hostLocation = layout.hostPath(report.installLocation);
  }

  private get manifest() {
    const manifest = this.report.manifest;
    if (!manifest) throw new Error('preflight passed without a manifest');
    return manifest;
  }

  private checkCancelled(): void {
    if (this.deps.signal?.aborted) throw new JobFailure(cancelledError());
  }

  async run(request: InstallRequest): Promise<JobOutcome> {
    const { job, report, deps } = this;
    const located = report.located;
    if (!located) throw new Error('preflight passed without a package');

    // Extract: staging beside the install location, so the final move is a rename on one file system.
    const extract = job.step('extract', 'extract', 'Verify and extract the package');
    this.begin();
    await deps.failpoints.reach('after-journal');
    const journal = this.journal as InstallJournal;
    let setup: PackageSetup;
    try {
      if (this.manifest.indexOf(`${PAYLOAD_ROOT}/${SETUP_DIR_NAME}`) !== -1) {
        throw new ExtractError(
          'invalid-package',
          `the payload contains ${SETUP_DIR_NAME}/, a name setup reserves for its own files`,
        );
      }
      let halfway = false;
      const onProgress = async (p: ExtractProgress): Promise<void> => {
        job.progress(extract, p.bytesDone, p.bytesTotal, p.filesDone, p.filesTotal);
        if (!halfway && p.filesDone * 2 >= p.filesTotal && p.filesTotal > 0) {
          halfway = true;
          await deps.failpoints.reach('mid-extract');
        }
      };
      // A self-contained release's runtime goes with the agent, so its configurator runs without a checkout.
      const placeExtra = (archivePath: string): string | undefined =>
        archivePath === RUNTIME_ROOT || archivePath.startsWith(`${RUNTIME_ROOT}/`)
          ? path.join(journal.stagingDir, SETUP_DIR_NAME, archivePath)
          : undefined;
      if (request.packageDir) {
        await extractPackageDirectory(request.packageDir, {
          stagingDir: journal.stagingDir,
          manifest: this.manifest,
          placeExtra,
          onProgress,
          signal: deps.signal,
          writerThreads: deps.writerThreads,
        });
      } else {
        await extractPackage({
          archivePath: located.file,
          stagingDir: journal.stagingDir,
          expect: { osLabel: located.name.label, agentVersion: located.name.versionText },
          manifest: this.manifest,
          placeExtra,
          signal: deps.signal,
          writerThreads: deps.writerThreads,
          onProgress,
        });
      }
      setup = readPackageSetup(journal.stagingDir);
    } catch (error) {
      const failure = this.extractFailure(error);
      job.finish(extract, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
    this.prepareSetupDir();
    job.finish(
      extract,
      'Succeeded',
      `${this.manifest.payloadFiles} files (${this.manifest.payloadBytes} bytes) verified against the manifest`,
    );
    await deps.failpoints.reach('after-extract');
    this.checkCancelled();

    // Install: the service's state is journaled and a running service stopped, the previous version (if
    // any) set aside, the new tree renamed into place.
    const install = job.step('install', 'install', `Install to ${report.installLocation}`);
    const newService = setup.service?.name;
    const oldService = report.installed?.serviceName ?? undefined;
    try {
      const snapshots = {
        service: newService ? await captureService(newService, this.serviceContext()) : null,
        retiredService:
          oldService && oldService !== newService ? await captureService(oldService, this.serviceContext()) : null,
      };
      this.journal = { ...(this.journal as InstallJournal), ...snapshots };
      writeJournal(this.layout.journalFile, this.journal);
      for (const snapshot of [snapshots.service, snapshots.retiredService]) {
        const stopFailure = snapshot ? await stopForReplacement(snapshot, this.undoContext()) : undefined;
        if (stopFailure && snapshot)
          throw new JobFailure(
            setupError(
              'INSTALL_FAILED',
              `the running ${snapshot.name} service could not be stopped before the update: ${stopFailure}`,
              `Stop the ${snapshot.name} service, then run setup again.`,
            ),
          );
      }
    } catch (error) {
      const failure =
        error instanceof JobFailure
          ? error.error
          : setupError(
              'INSTALL_FAILED',
              (error as Error).message,
              'Check that the service manager answers (systemctl status), then run setup again.',
            );
      job.finish(install, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
    this.checkCancelled();
    try {
      if (journal.backupDir) {
        fs.renameSync(this.hostLocation, journal.backupDir);
        await deps.failpoints.reach('after-backup');
      }
      fs.renameSync(journal.stagingDir, this.hostLocation);
      syncDirectory(path.dirname(this.hostLocation));
    } catch (error) {
      const failure = setupError(
        'INSTALL_FAILED',
        `cannot move the new files into ${report.installLocation}: ${(error as Error).message}`,
      );
      job.finish(install, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
    const verb =
      report.mode === 'fresh'
        ? 'installed'
        : report.mode === 'repair'
          ? 'repaired'
          : `upgraded from ${report.installed?.agentVersion}`;
    job.finish(install, 'Succeeded', `${verb}: version ${this.manifest.agentVersion} at ${report.installLocation}`);
    await deps.failpoints.reach('after-swap');
    this.checkCancelled();

    await this.runComponents(request, setup);
    await deps.failpoints.reach('after-components');
    this.checkCancelled();
    const registeredService = await this.runService(setup);
    this.checkCancelled();

    // Commit: the agent config, then the record naming this transaction. Past this, the install stands.
    const finish = job.step('configure', 'configure', 'Write the agent configuration and install record');
    const record: InstallRecord = {
      schema: 1,
      transactionId: this.transactionId,
      agentVersion: this.manifest.agentVersion,
      osLabel: this.manifest.osLabel,
      role: request.role,
      platform: request.platform,
      installLocation: report.installLocation,
      packageFile: path.basename(located.file),
      installedAt: this.deps.probe.now().toISOString(),
      serviceName: registeredService,
      // Any Warning so far (an optional component, a service not started) is what the record says.
      status: job.status() === 'Warning' ? 'Warning' : 'Succeeded',
    };
    try {
      writeFileAtomic(
        path.join(this.hostLocation, AGENT_CONFIG_FILE),
        `${JSON.stringify({ role: record.role, platform: record.platform, agentVersion: record.agentVersion, osLabel: record.osLabel, installLocation: record.installLocation, installedAt: record.installedAt, logFile: job.logFile }, null, 2)}\n`,
        0o644,
      );
      writeInstallRecord(this.layout.recordFile, record);
    } catch (error) {
      const failure = setupError('INSTALL_FAILED', `cannot write the install record: ${(error as Error).message}`);
      job.finish(finish, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
    await deps.failpoints.reach('after-record');
    await this.cleanUpCommitted();
    job.finish(finish, 'Succeeded', `recorded in ${this.layout.recordFile}`);
    return job.outcome(null, {
      installLocation: report.installLocation,
      agentVersion: record.agentVersion,
      osLabel: record.osLabel,
      mode: report.mode,
      role: record.role,
      platform: record.platform,
    });
  }

  /** Journal first, then the staging folder: a kill at any point leaves a journal that explains the debris. */
  private begin(): void {
    const parent = path.dirname(this.hostLocation);
    const missing: string[] = [];
    for (let dir = parent; !fs.existsSync(dir); dir = path.dirname(dir)) missing.unshift(dir);
    const tag = this.transactionId.slice(0, 8);
    const name = path.basename(this.hostLocation);
    const journal: InstallJournal = {
      schema: 1,
      transactionId: this.transactionId,
      startedAt: this.deps.probe.now().toISOString(),
      pid: process.pid,
      installLocation: this.hostLocation,
      stagingDir: path.join(parent, `.${name}.ASRSetup-staging-${tag}`),
      backupDir: fs.existsSync(this.hostLocation) ? path.join(parent, `.${name}.ASRSetup-previous-${tag}`) : null,
      discardDir: path.join(parent, `.${name}.ASRSetup-discard-${tag}`),
      createdDirs: missing,
      service: null,
      retiredService: null,
      recordFile: this.layout.recordFile,
    };
    writeJournal(this.layout.journalFile, journal);
    this.journal = journal;
    for (const dir of missing) fs.mkdirSync(dir, { mode: 0o755 });
    // Owner-only while it fills: nobody else can look into, or plant anything in, a half-verified tree.
    fs.mkdirSync(journal.stagingDir, { mode: 0o700 });
  }

  private prepareSetupDir(): void {
    const journal = this.journal as InstallJournal;
    const setupDir = path.join(journal.stagingDir, SETUP_DIR_NAME);
    fs.mkdirSync(setupDir, { mode: 0o755, recursive: true });
    fs.chmodSync(setupDir, 0o755);
    if (this.manifest.indexOf(RELEASE_ENGINE) !== -1) writeConfiguratorLauncher(journal.stagingDir);
    fs.writeFileSync(path.join(journal.stagingDir, TRANSACTION_MARKER), `${this.transactionId}\n`, { mode: 0o644 });
    // An upgrade or repair keeps the agent's registration with its configuration server; its public
    // status is written anew from the record (older agents have none, a killed run may have left it stale).
    if (journal.backupDir && fs.existsSync(path.join(this.hostLocation, REGISTRATION_FILE))) {
      // Copied as it is, even if this version cannot read it: it is the agent's, not setup's, to drop.
      fs.copyFileSync(
        path.join(this.hostLocation, REGISTRATION_FILE),
        path.join(journal.stagingDir, REGISTRATION_FILE),
      );
      fs.chmodSync(path.join(journal.stagingDir, REGISTRATION_FILE), 0o600);
      const registration = readRegistration(this.hostLocation);
      if (registration) writeRegistrationStatus(journal.stagingDir, registration);
      this.job.note(
        'info',
        `kept the registration with the configuration server${registration ? ` ${registration.csEndpoint}` : ''}`,
      );
    }
  }

  private extractFailure(error: unknown): SetupError {
    if (error instanceof ExtractError) {
      switch (error.kind) {
        case 'invalid-package':
          return setupError(
            'PACKAGE_INVALID',
            `${path.basename(this.report.located?.file ?? '')}: ${error.message}; nothing was installed`,
          );
        case 'disk-full':
          return setupError('INSUFFICIENT_DISK_SPACE', `${error.message}; the partial files were removed`);
        case 'cancelled':
          return cancelledError();
        case 'io':
          return setupError('INSTALL_FAILED', `cannot extract the package: ${error.message}`);
      }
    }
    if (error instanceof PackageSetupError)
      return setupError(
        'PACKAGE_INVALID',
        `${path.basename(this.report.located?.file ?? '')}: ${error.message}; nothing was installed`,
      );
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT')
      return setupError('INSUFFICIENT_DISK_SPACE', `the disk filled up while extracting: ${(error as Error).message}`);
    return setupError('INSTALL_FAILED', `cannot extract the package: ${(error as Error).message}`);
  }

  private async runComponents(request: InstallRequest, setup: PackageSetup): Promise<void> {
    const { job, deps } = this;
    const label = this.manifest.osLabel;
    const family = supportRowByLabel(label)?.family ?? 'linux';
    for (const component of setup.components) {
      const step = job.step(`component:${component.id}`, 'component', component.title, component.optional);
      const skip = componentSkipReason(component, {
        role: request.role,
        platform: request.platform,
        osLabel: label,
        family,
      });
      if (skip) {
        job.finish(step, 'Skipped', skip);
        continue;
      }
      const outcome = await deps.runner.run(path.join(this.hostLocation, component.run), component.args, {
        cwd: this.hostLocation,
        env: scrubbedEnv({
          INSTALL_DIR: this.hostLocation,
          ROLE: request.role,
          PLATFORM: request.platform,
          OS_LABEL: label,
        }),
        timeoutMs: component.timeoutSeconds * 1000,
        signal: deps.signal,
        onOutput: (line, stream) => job.detail(`${component.id} ${stream}: ${line}`),
      });
      if (outcome.kind === 'cancelled') {
        job.finish(step, 'Failed', 'cancelled');
        throw new JobFailure(cancelledError());
      }
      if (outcome.kind === 'exited' && outcome.code === 0) {
        job.finish(step, 'Succeeded', `${component.run} completed`);
        continue;
      }
      const what = `${component.title} (${component.run}) ${describeOutcome(outcome)}`;
      if (component.optional) {
        job.finish(
          step,
          'Failed',
          `${what}; it is optional, so the installation continues and ends with a Warning (the component can be installed later by hand)`,
        );
      } else {
        const failure = setupError('COMPONENT_FAILED', `${what}; the installation was rolled back`);
        job.finish(step, 'Failed', failure.message, failure);
        throw new JobFailure(failure);
      }
    }
  }

  private serviceContext() {
    return {
      layout: this.layout,
      probe: this.deps.probe,
      runner: this.deps.runner,
      signal: this.deps.signal,
      log: (line: string) => this.job.detail(line),
    };
  }

  /** Undo and cleanup run to the end even after a cancel: no signal. */
  private undoContext() {
    return { layout: this.layout, runner: this.deps.runner, log: (line: string) => this.job.detail(line) };
  }

  private async runService(setup: PackageSetup): Promise<string | null> {
    const { job } = this;
    const step = job.step('service', 'service', 'Register the agent service');
    const spec = setup.service;
    const snapshot = this.journal?.service;
    const retired = this.journal?.retiredService;
    if (!spec && !retired?.existed) {
      job.finish(step, 'Skipped', 'the package declares no service (setup/service.json)');
      return null;
    }
    try {
      const outcomes: ServiceOutcome[] = [];
      if (retired?.existed) outcomes.push(await removeService(retired, this.serviceContext()));
      if (spec && snapshot && outcomes.every((o) => o.status !== 'Failed'))
        outcomes.push(await registerService(spec, this.report.installLocation, snapshot, this.serviceContext()));
      const failed = outcomes.find((o) => o.status === 'Failed');
      const status = failed ? 'Failed' : outcomes.some((o) => o.status === 'Warning') ? 'Warning' : 'Succeeded';
      job.finish(step, status, outcomes.map((o) => o.message).join('; '), failed?.error);
      if (failed) throw new JobFailure(failed.error ?? setupError('INSTALL_FAILED', failed.message));
    } catch (error) {
      if (error instanceof JobFailure) throw error;
      const failure = setupError('INSTALL_FAILED', `cannot register the service: ${(error as Error).message}`);
      job.finish(step, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
    return spec?.name ?? null;
  }

  private async cleanUpCommitted(): Promise<void> {
    const journal = this.journal;
    if (!journal) return;
    try {
      await settleJournal(this.layout.journalFile, journal, this.undoContext());
    } catch (error) {
      this.job.note(
        'warn',
        `the installation is complete, but cleaning up ${journal.backupDir ?? journal.stagingDir} failed: ${(error as Error).message}; the next setup run retries`,
      );
    }
  }

  /** Undoes everything this transaction did. */
  async undo(): Promise<void> {
    const journal = this.journal;
    if (!journal) return;
    try {
      await settleJournal(this.layout.journalFile, journal, this.undoContext());
      this.job.note('info', 'rolled back: the system is as it was before this run');
    } catch (error) {
      this.job.note(
        'error',
        `rolling back failed: ${(error as Error).message}; the next setup run retries from ${this.layout.journalFile}`,
      );
    }
  }
}
