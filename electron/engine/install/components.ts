import * as path from 'node:path';
import { setupError } from '../../../shared/error-catalog';
import type { AgentPlatform, Role } from '../../../shared/agent-kinds';
import { supportRowByLabel } from '../../../shared/support-matrix';
import type { JobRecorder } from '../log/job-recorder';
import { componentSkipReason, type PackageSetup } from '../package/package-setup';
import { describeOutcome, scrubbedEnv, type ProcessRunner } from '../system/process-runner';
import { cancelledError, JobFailure } from './job-failure';
import { COMPONENTS_PLACEHOLDER, componentSteps } from './job-plans';

// The package's components (setup/components.json), run in order on the installed files: argv, no shell,
// a scrubbed environment. A required one failing fails the job (and so rolls it back); an optional one,
// such as the VSS provider, ends in Failed and makes the job a Warning.

export interface ComponentContext {
  readonly job: JobRecorder;
  readonly runner: ProcessRunner;
  readonly signal: AbortSignal | undefined;
  /** The install location as this machine sees it. */
  readonly installDir: string;
  readonly osLabel: string;
  readonly role: Role;
  readonly platform: AgentPlatform;
}

export async function runComponents(context: ComponentContext, setup: PackageSetup): Promise<void> {
  const { job, installDir } = context;
  const label = context.osLabel;
  const family = supportRowByLabel(label)?.family ?? 'linux';
  job.expandPlan(COMPONENTS_PLACEHOLDER, componentSteps(setup));
  for (const component of setup.components) {
    const step = job.step(`component:${component.id}`, 'component', component.title, component.optional);
    const skip = componentSkipReason(component, {
      role: context.role,
      platform: context.platform,
      osLabel: label,
      family,
    });
    if (skip) {
      job.finish(step, 'Skipped', skip);
      continue;
    }
    const outcome = await context.runner.run(path.join(installDir, component.run), component.args, {
      cwd: installDir,
      env: scrubbedEnv({
        INSTALL_DIR: installDir,
        ROLE: context.role,
        PLATFORM: context.platform,
        OS_LABEL: label,
      }),
      timeoutMs: component.timeoutSeconds * 1000,
      signal: context.signal,
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
