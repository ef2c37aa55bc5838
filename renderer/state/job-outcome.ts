import type { JobStatus } from '../../shared/job-events';
import { stepPosition } from './job-progress';
import type { JobStep, JobView } from './job-state';

// The progress page's outcome, said once: one sentence for the finished install or uninstall. A failure's
// code, message and remedy follow it in the error panel, so the sentence does not repeat them.

export type ProgressKind = 'install' | 'uninstall';

/** How a finished job reads: a cancel is its own outcome, never a failure. */
export type OutcomeStatus = JobStatus | 'Cancelled';

export function outcomeStatus(job: JobView): OutcomeStatus | undefined {
  const result = job.result;
  if (!result) return undefined;
  return result.status === 'Failed' && result.error?.code === 'CANCELLED' ? 'Cancelled' : result.status;
}

const ROLE_NAME: Readonly<Record<string, string>> = { MS: 'Mobility service', MT: 'master target' };

/** "Installed Mobility service 9.60.0.0 at /usr/local/ASR", from the summary the install result carries. */
function installedWhat(summary: Readonly<Record<string, string>>): string {
  const what = ROLE_NAME[summary.role ?? 'MS'] ?? 'Mobility service';
  const version = summary.agentVersion;
  const where = summary.installLocation ? ` at ${summary.installLocation}` : '';
  switch (summary.mode) {
    case 'upgrade':
      return `Upgraded ${what}${version ? ` to ${version}` : ''}${where}`;
    case 'repair':
      return `Repaired ${what}${version ? ` ${version}` : ''}${where}`;
    default:
      return `Installed ${what}${version ? ` ${version}` : ''}${where}`;
  }
}

function warningOf(step: JobStep | undefined): string {
  if (!step) return 'see the steps below';
  return step.kind === 'component' ? `${step.title} did not install` : `${step.title}: ${trimmed(step.message)}`;
}

/** "at step 5 of 8 (Install the components)", or "after …" when the cancel came between two steps. */
function whereItStopped(job: JobView): string {
  const { index, count, step } = stepPosition(job);
  if (!step) return ' before its first step';
  return ` ${step.state === 'Cancelled' ? 'at' : 'after'} step ${index} of ${count} (${step.title})`;
}

function trimmed(text: string): string {
  return text.replace(/[.\s]+$/, '');
}

export function outcomeSentence(kind: ProgressKind, job: JobView): string | undefined {
  const result = job.result;
  const status = outcomeStatus(job);
  if (!result || !status) return undefined;
  const where = result.summary.installLocation;
  if (kind === 'install') {
    switch (status) {
      case 'Succeeded':
        return `${installedWhat(result.summary)}.`;
      case 'Warning': {
        const warned = job.steps.find((step) => step.state === 'Warning' || step.state === 'Failed');
        return `${installedWhat(result.summary)} with a warning: ${warningOf(warned)}.`;
      }
      case 'Failed': {
        const { index, count, step } = stepPosition(job);
        return step ? `Installation failed at step ${index} of ${count} (${step.title}).` : 'Installation failed.';
      }
      case 'Cancelled':
        return `Installation cancelled${whereItStopped(job)}: nothing was changed.`;
      default: {
        const unreachable: never = status;
        return unreachable;
      }
    }
  }
  if (status === 'Cancelled') return 'Uninstall cancelled.';
  if (result.status === 'Failed') return 'Uninstall failed.';
  if (result.summary.installed === 'false')
    return 'The Mobility service agent is not installed here; nothing to remove.';
  const removed = `Removed the Mobility service agent from ${where ?? 'its install location'}`;
  const kept = result.summary.kept ? ` (kept what setup did not put there: ${result.summary.kept})` : '';
  if (result.status === 'Warning') {
    const warned = job.steps.find((step) => step.state === 'Warning' || step.state === 'Failed');
    return `${removed}${kept} with a warning: ${warned ? trimmed(warned.message) : 'see the steps above'}.`;
  }
  return `${removed}${kept}.`;
}
