import type { JobRecorder } from '../log/job-recorder';
import type { ProcessRunner } from '../system/process-runner';
import type { SystemLayout } from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import { runServiceTool } from './service-tool';

// Files setup puts in place are created in a private staging folder and renamed into place, or written to a
// temp file and renamed, so under SELinux (enforcing by default on RHEL, CentOS and Oracle Linux) they keep
// the label of where they were made, not the one the policy gives their final path: an init script labelled
// etc_t, a daemon labelled tmp_t. Where the system has restorecon, setup runs it on what it installed and says
// so in the setup log. A failure is logged, not fatal: the service's settle window shows whether it runs.

export interface LabelContext {
  readonly layout: SystemLayout;
  readonly probe: SystemProbe;
  readonly runner: ProcessRunner;
  readonly job: Pick<JobRecorder, 'note' | 'detail'>;
}

/** Restores the policy's labels on `paths` (folders recursively); nothing where SELinux is absent or off. */
export async function restoreLabels(context: LabelContext, paths: readonly string[]): Promise<void> {
  const { layout, probe } = context;
  // Under --root the image's policy is not this machine's: its first boot relabels (or the image builder does).
  if (!layout.liveRoot || layout.platform !== 'linux' || paths.length === 0) return;
  const restorecon = probe.findCommand('restorecon');
  if (!restorecon) return;
  const tool = { runner: context.runner, cwd: layout.root, log: (line: string) => context.job.detail(line) };
  const enabled = probe.findCommand('selinuxenabled');
  if (enabled && !(await runServiceTool(tool, enabled, [], { quiet: true })).ok) {
    context.job.detail('SELinux is disabled here: no labels to restore');
    return;
  }
  const result = await runServiceTool(tool, restorecon, ['-R', ...paths]);
  if (result.ok) context.job.note('info', `SELinux labels restored: restorecon -R ${paths.join(' ')}`);
  else
    context.job.note(
      'warn',
      `SELinux labels could not be restored (${result.failure}); run restorecon -R ${paths.join(' ')}`,
    );
}
