import type { StepPlan } from '../../../shared/job-events';
import { setupError } from '../../../shared/error-catalog';
import type { JobRecorder } from '../log/job-recorder';
import { describeFlush, flushToDisk } from '../system/disk-flush';
import { JobFailure } from './job-failure';

/**
 * The durable half of the swap: the new tree reaches the disk before anything runs from it, and so before the
 * install record (the commit point). Right after the swap, because on Windows a running service's program
 * cannot be opened for the flush (FlushFileBuffers wants write access), and nothing has run from it yet.
 */
export function flushPayload(job: JobRecorder, step: StepPlan, tree: string): void {
  try {
    const flushed = flushToDisk(tree);
    // A fallback is worth an admin's notice (it flushed more, or took longer); the usual syncfs is a detail.
    if (flushed.method === 'syncfs') job.detail(describeFlush(flushed));
    else job.note('info', describeFlush(flushed));
  } catch (error) {
    const failure = setupError('INSTALL_FAILED', `cannot flush the new files to disk: ${(error as Error).message}`);
    job.finish(step, 'Failed', failure.message, failure);
    throw new JobFailure(failure);
  }
}
