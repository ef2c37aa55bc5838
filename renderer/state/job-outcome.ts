import type { JobStatus } from '../../shared/job-events';
import { message, type Message } from '../i18n/message';
import { stepPosition } from './job-progress';
import type { JobStep, JobView } from './job-state';

// The progress page's outcome, said once: one sentence for the finished install or uninstall. A failure's
// code, message and remedy follow it in the error panel, so the sentence does not repeat them. Step titles
// and messages in it are the engine's (English, as the setup log has them).

export type ProgressKind = 'install' | 'uninstall';

/** How a finished job reads: a cancel is its own outcome, never a failure. */
export type OutcomeStatus = JobStatus | 'Cancelled';

export function outcomeStatus(job: JobView): OutcomeStatus | undefined {
  const result = job.result;
  if (!result) return undefined;
  return result.status === 'Failed' && result.error?.code === 'CANCELLED' ? 'Cancelled' : result.status;
}

/** "Installed Mobility service 9.60.0.0 at /usr/local/ASR", from the summary the install result carries. */
function installedWhat(summary: Readonly<Record<string, string>>): Message {
  const role = summary.role === 'MT' ? 'MT' : 'MS';
  const { agentVersion: version, installLocation: location } = summary;
  if (version === undefined || location === undefined) return message('outcome.installedSomething', { role });
  return message('outcome.installed', { mode: summary.mode ?? 'fresh', role, version, location });
}

function warningOf(step: JobStep | undefined): Message {
  if (!step) return message('outcome.warning.seeBelow');
  return step.kind === 'component'
    ? message('outcome.warning.component', { title: step.title })
    : message('outcome.warning.step', { title: step.title, message: trimmed(step.message) });
}

function trimmed(text: string): string {
  return text.replace(/[.\s]+$/, '');
}

/** "at step 5 of 8 (Install the components)", or "after …" when the cancel came between two steps. */
function cancelledSentence(job: JobView): Message {
  const { index, count, step } = stepPosition(job);
  if (!step) return message('outcome.install.cancelledBefore');
  return message('outcome.install.cancelledAt', {
    during: step.state === 'Cancelled' ? 'yes' : 'no',
    index,
    count,
    title: step.title,
  });
}

function installSentence(job: JobView, status: OutcomeStatus, summary: Readonly<Record<string, string>>): Message {
  switch (status) {
    case 'Succeeded':
      return message('outcome.done', { what: installedWhat(summary) });
    case 'Warning': {
      const warned = job.steps.find((step) => step.state === 'Warning' || step.state === 'Failed');
      return message('outcome.withWarning', { what: installedWhat(summary), warning: warningOf(warned) });
    }
    case 'Failed': {
      const { index, count, step } = stepPosition(job);
      return step
        ? message('outcome.install.failedAt', { index, count, title: step.title })
        : message('outcome.install.failed');
    }
    case 'Cancelled':
      return cancelledSentence(job);
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

export function outcomeSentence(kind: ProgressKind, job: JobView): Message | undefined {
  const result = job.result;
  const status = outcomeStatus(job);
  if (!result || !status) return undefined;
  if (kind === 'install') return installSentence(job, status, result.summary);
  if (status === 'Cancelled') return message('outcome.uninstall.cancelled');
  if (result.status === 'Failed')
    return message(
      result.summary.removed === 'nothing' ? 'outcome.uninstall.failedNothingRemoved' : 'outcome.uninstall.failed',
    );
  if (result.summary.installed === 'false') return message('outcome.uninstall.notInstalled');
  const where = result.summary.installLocation;
  const removedFrom =
    where === undefined
      ? message('outcome.uninstall.removed')
      : message('outcome.uninstall.removedFrom', { location: where });
  const removed = result.summary.kept
    ? message('outcome.uninstall.kept', { removed: removedFrom, kept: result.summary.kept })
    : removedFrom;
  if (result.status === 'Warning') {
    const warned = job.steps.find((step) => step.state === 'Warning' || step.state === 'Failed');
    return message('outcome.withWarning', {
      what: removed,
      warning: warned ? trimmed(warned.message) : message('outcome.warning.seeAbove'),
    });
  }
  return message('outcome.done', { what: removed });
}
