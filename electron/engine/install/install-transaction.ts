import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { setupError } from '../../../shared/error-catalog';
import { syncDirectory, writeFileAtomic } from '../system/atomic-file';
import { planJournal, settleJournal, TRANSACTION_MARKER, writeJournal, type InstallJournal } from './install-journal';
import { writeInstallRecord, type InstallRecord } from './install-record';
import type { JobOutcome, JobRecorder } from '../log/job-recorder';
import { readPackageSetup, type PackageSetup } from '../package/package-setup';
import type { PreflightReport } from './preflight';
import { ExtractError, type ExtractProgress } from '../package/extract-error';
import { extractPackage } from '../package/safe-extract';
import { extractPackageDirectory } from '../package/directory-package';
import { PAYLOAD_ROOT } from '../package/package-manifest';
import {
  captureService,
  registerService,
  removeService,
  stopForReplacement,
  type ServiceOutcome,
} from './service-registration';
import { AGENT_CONFIG_FILE, SETUP_DIR_NAME, type SystemLayout } from '../system/system-layout';
import { carryOverRegistration, readRegistrationStatus } from '../registration/registration-store';
import { recordVxVersion } from './vx-version';
import { cancelledError, extractFailure, JobFailure } from './job-failure';
import { runComponents } from './components';
import { restoreLabels } from './selinux-labels';
import { flushPayload } from './payload-flush';
import { releaseFileTarget, writeReleaseScripts } from './configurator-launcher';
import { writeInstalledFiles } from './installed-files';
import type { EngineDeps, InstallRequest } from './install-request';
import type { LocatedPackage } from '../package/package-locate';
import type { StepPlan } from '../../../shared/job-events';

// One install's changes, as a transaction: begin (journal, staging), extract, swap, components, service,
// commit (the install record). Every change is journaled before it is made, so undo() here, or the next
// run after a kill, can put back exactly what was there.
export class InstallTransaction {
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

  private get located(): LocatedPackage {
    const located = this.report.located;
    if (!located) throw new Error('preflight passed without a package');
    return located;
  }

  /** The journal of this transaction, once begin() has written it. */
  private get openJournal(): InstallJournal {
    if (!this.journal) throw new Error('the transaction has not begun');
    return this.journal;
  }

  private checkCancelled(): void {
    if (this.deps.signal?.aborted) throw new JobFailure(cancelledError());
  }

  /** The transaction's stages in order; a throw from any of them leaves the undo to the caller. */
  async run(request: InstallRequest): Promise<JobOutcome> {
    const setup = await this.extract(request);
    await this.deps.failpoints.reach('after-extract');
    this.checkCancelled();
    await this.swap(setup);
    await this.deps.failpoints.reach('after-swap');
    this.checkCancelled();
    const { job, deps, hostLocation: installDir } = this;
    await restoreLabels({ ...this.serviceContext(), job }, [installDir]);
    const { role, platform } = request;
    const { osLabel } = this.manifest;
    await runComponents({ job, runner: deps.runner, signal: deps.signal, installDir, osLabel, role, platform }, setup);
    await this.deps.failpoints.reach('after-components');
    this.checkCancelled();
    const registeredService = await this.runService(setup);
    await this.deps.failpoints.reach('after-service');
    this.checkCancelled();
    return this.commit(request, registeredService);
  }

  /** Verify and extract into staging beside the install location, so the final move is a rename on one file system. */
  private async extract(request: InstallRequest): Promise<PackageSetup> {
    const { job, deps } = this;
    const step = job.step('extract', 'extract', 'Verify and extract the package');
    this.begin();
    await deps.failpoints.reach('after-journal');
    let setup: PackageSetup;
    try {
      if (this.manifest.indexOf(`${PAYLOAD_ROOT}/${SETUP_DIR_NAME}`) !== -1) {
        throw new ExtractError(
          'invalid-package',
          `the payload contains ${SETUP_DIR_NAME}/, a name setup reserves for its own files`,
        );
      }
      await this.extractInto(this.openJournal.stagingDir, request, step);
      setup = readPackageSetup(this.openJournal.stagingDir);
    } catch (error) {
      const failure = extractFailure(error, path.basename(this.located.file));
      job.finish(step, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
    this.prepareSetupDir();
    job.finish(
      step,
      'Succeeded',
      `${this.manifest.payloadFiles} files (${this.manifest.payloadBytes} bytes) verified against the manifest`,
    );
    return setup;
  }

  private async extractInto(stagingDir: string, request: InstallRequest, step: StepPlan): Promise<void> {
    const { job, deps } = this;
    let halfway = false;
    const onProgress = async (p: ExtractProgress): Promise<void> => {
      job.progress(step, p.bytesDone, p.bytesTotal, p.filesDone, p.filesTotal);
      if (!halfway && p.filesDone * 2 >= p.filesTotal && p.filesTotal > 0) {
        halfway = true;
        await deps.failpoints.reach('mid-extract');
      }
    };
    const placeExtra = (archivePath: string): string | undefined => releaseFileTarget(stagingDir, archivePath);
    const common = {
      stagingDir,
      manifest: this.manifest,
      placeExtra,
      onProgress,
      signal: deps.signal,
      writerThreads: deps.writerThreads,
    };
    if (request.packageDir) {
      await extractPackageDirectory(request.packageDir, common);
      return;
    }
    const located = this.located;
    await extractPackage({
      ...common,
      archivePath: located.file,
      expect: { osLabel: located.name.label, agentVersion: located.name.versionText },
    });
  }

  /**
   * The service's state is journaled and a running service stopped, the previous version (if any) set
   * aside, and the new tree renamed into place.
   */
  private async swap(setup: PackageSetup): Promise<void> {
    const { job, report } = this;
    const step = job.step('install', 'install', `Install to ${report.installLocation}`);
    await this.stopServices(step, setup);
    this.checkCancelled();
    await this.moveIntoPlace(step);
    flushPayload(job, step, this.hostLocation);
    const verb =
      report.mode === 'fresh'
        ? 'installed'
        : report.mode === 'repair'
          ? 'repaired'
          : `upgraded from ${report.installed?.agentVersion}`;
    job.finish(step, 'Succeeded', `${verb}: version ${this.manifest.agentVersion} at ${report.installLocation}`);
  }

  private async stopServices(step: StepPlan, setup: PackageSetup): Promise<void> {
    const newService = setup.service?.name;
    const oldService = this.report.installed?.serviceName ?? undefined;
    try {
      const snapshots = {
        service: newService ? await captureService(newService, this.serviceContext()) : null,
        retiredService:
          oldService && oldService !== newService ? await captureService(oldService, this.serviceContext()) : null,
      };
      this.journal = { ...this.openJournal, ...snapshots };
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
      this.job.finish(step, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
  }

  private async moveIntoPlace(step: StepPlan): Promise<void> {
    const journal = this.openJournal;
    try {
      if (journal.backupDir) {
        fs.renameSync(this.hostLocation, journal.backupDir);
        await this.deps.failpoints.reach('after-backup');
      }
      fs.renameSync(journal.stagingDir, this.hostLocation);
      syncDirectory(path.dirname(this.hostLocation));
    } catch (error) {
      const failure = setupError(
        'INSTALL_FAILED',
        `cannot move the new files into ${this.report.installLocation}: ${(error as Error).message}`,
      );
      this.job.finish(step, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
  }

  /** The agent config, then the record naming this transaction (the commit point). Past this, the install stands. */
  private async commit(request: InstallRequest, registeredService: string | null): Promise<JobOutcome> {
    const { job, report, deps } = this;
    const step = job.step('configure', 'configure', 'Write the agent configuration and install record');
    const record: InstallRecord = {
      schema: 1,
      transactionId: this.transactionId,
      agentVersion: this.manifest.agentVersion,
      osLabel: this.manifest.osLabel,
      role: request.role,
      platform: request.platform,
      installLocation: report.installLocation,
      packageFile: path.basename(this.located.file),
      installedAt: deps.probe.now().toISOString(),
      serviceName: registeredService,
      // Any Warning so far (an optional component, a service not started) is what the record says.
      status: job.status() === 'Warning' ? 'Warning' : 'Succeeded',
    };
    try {
      const agentConfig = {
        role: record.role,
        platform: record.platform,
        agentVersion: record.agentVersion,
        osLabel: record.osLabel,
        installLocation: record.installLocation,
        installedAt: record.installedAt,
        logFile: job.logFile,
      };
      writeFileAtomic(
        path.join(this.hostLocation, AGENT_CONFIG_FILE),
        `${JSON.stringify(agentConfig, null, 2)}\n`,
        0o644,
      );
      writeInstallRecord(this.layout.recordFile, record);
      recordVxVersion(this.layout, record, readRegistrationStatus(this.hostLocation));
    } catch (error) {
      const failure = setupError('INSTALL_FAILED', `cannot write the install record: ${(error as Error).message}`);
      job.finish(step, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
    await deps.failpoints.reach('after-record');
    await this.cleanUpCommitted();
    job.finish(step, 'Succeeded', `recorded in ${this.layout.recordFile}`);
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
    const { journal, missingDirs } = planJournal({
      transactionId: this.transactionId,
      startedAt: this.deps.probe.now().toISOString(),
      installLocation: this.hostLocation,
      recordFile: this.layout.recordFile,
    });
    writeJournal(this.layout.journalFile, journal);
    this.journal = journal;
    for (const dir of missingDirs) fs.mkdirSync(dir, { mode: 0o755 });
    // Owner-only while it fills: nobody else can look into, or plant anything in, a half-verified tree.
    fs.mkdirSync(journal.stagingDir, { mode: 0o700 });
  }

  private prepareSetupDir(): void {
    const journal = this.openJournal;
    const setupDir = path.join(journal.stagingDir, SETUP_DIR_NAME);
    fs.mkdirSync(setupDir, { mode: 0o755, recursive: true });
    fs.chmodSync(setupDir, 0o755);
    const scripts = writeReleaseScripts(journal.stagingDir, this.hostLocation, this.manifest);
    writeInstalledFiles(journal.stagingDir, this.manifest, scripts);
    fs.writeFileSync(path.join(journal.stagingDir, TRANSACTION_MARKER), `${this.transactionId}\n`, { mode: 0o644 });
    if (journal.backupDir) {
      const kept = carryOverRegistration(this.hostLocation, journal.stagingDir);
      if (kept)
        this.job.note(
          'info',
          `kept the registration with the configuration server${kept.csEndpoint ? ` ${kept.csEndpoint}` : ''}`,
        );
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
      if (spec && snapshot?.unitPath) await restoreLabels({ ...this.serviceContext(), job }, [snapshot.unitPath]);
      const failed = outcomes.find((o) => o.status === 'Failed');
      const status = failed ? 'Failed' : outcomes.some((o) => o.status === 'Warning') ? 'Warning' : 'Succeeded';
      job.finish(step, status, outcomes.map((o) => o.message).join('; '), failed?.error);
      // A service command stopped by a cancel is the cancel, not a service that failed.
      if (failed && this.deps.signal?.aborted) throw new JobFailure(cancelledError());
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

  /** Undoes everything this transaction did; true when it had changed something and all of it is undone. */
  async undo(): Promise<boolean> {
    const journal = this.journal;
    if (!journal) return false;
    try {
      await settleJournal(this.layout.journalFile, journal, this.undoContext());
      this.job.note('info', 'rolled back: the system is as it was before this run');
      return true;
    } catch (error) {
      this.job.note(
        'error',
        `rolling back failed: ${(error as Error).message}; the next setup run retries from ${this.layout.journalFile}`,
      );
      return false;
    }
  }
}
