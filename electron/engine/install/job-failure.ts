import { setupError, type SetupError } from '../../../shared/error-catalog';
import type { StepPlan } from '../../../shared/job-events';
import type { JobOutcome, JobRecorder } from '../log/job-recorder';
import { PackageSetupError } from '../package/package-setup';
import { ExtractError } from '../package/extract-error';

// A step that fails throws its catalog error as a JobFailure; the job turns it into its outcome.
export class JobFailure extends Error {
  constructor(readonly error: SetupError) {
    super(error.message);
  }
}

export function cancelledError(): SetupError {
  return setupError('CANCELLED', 'setup was cancelled; every change it had made was undone');
}

/** The catalog error for a failed extraction: an invalid package, a full disk, a cancel, or I/O. */
export function extractFailure(error: unknown, packageFile: string): SetupError {
  if (error instanceof ExtractError) {
    switch (error.kind) {
      case 'invalid-package':
        return setupError('PACKAGE_INVALID', `${packageFile}: ${error.message}; nothing was installed`);
      case 'disk-full':
        return setupError('INSUFFICIENT_DISK_SPACE', `${error.message}; the partial files were removed`);
      case 'cancelled':
        return cancelledError();
      case 'io':
        return setupError('INSTALL_FAILED', `cannot extract the package: ${error.message}`);
    }
  }
  if (error instanceof PackageSetupError)
    return setupError('PACKAGE_INVALID', `${packageFile}: ${error.message}; nothing was installed`);
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return setupError('INSUFFICIENT_DISK_SPACE', `the disk filled up while extracting: ${(error as Error).message}`);
  return setupError('INSTALL_FAILED', `cannot extract the package: ${(error as Error).message}`);
}

/** Ends a step, and the job, with the failure an error stands for (a JobFailure's own, else INSTALL_FAILED). */
export function failStep(job: JobRecorder, step: StepPlan, error: unknown): JobOutcome {
  const failure = error instanceof JobFailure ? error.error : setupError('INSTALL_FAILED', (error as Error).message);
  job.finish(step, 'Failed', failure.message, failure);
  return job.outcome(failure);
}
