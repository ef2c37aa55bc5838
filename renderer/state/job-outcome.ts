import type { JobView } from './job-state';

// The progress page's outcome, said once: one sentence for the finished install or uninstall. A failure's
// code, message and remedy follow it in the error panel, so the sentence does not repeat them.

export type ProgressKind = 'install' | 'uninstall';

function trimmed(text: string): string {
  return text.replace(/[.\s]+$/, '');
}

export function outcomeSentence(kind: ProgressKind, job: JobView): string | undefined {
  const result = job.result;
  if (!result) return undefined;
  const where = result.summary.installLocation;
  if (kind === 'install') {
    switch (result.status) {
      case 'Succeeded':
        return where ? `Installation succeeded: the agent is installed in ${where}.` : 'Installation succeeded.';
      case 'Warning':
        return where
          ? `Installation finished with a warning: the agent is installed in ${where}, but an optional step did not succeed.`
          : 'Installation finished with a warning.';
      case 'Failed':
        return 'Installation failed.';
      default: {
        const unreachable: never = result.status;
        return unreachable;
      }
    }
  }
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
