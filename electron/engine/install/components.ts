import * as path from 'node:path';
import { setupError } from '../../../shared/error-catalog';
import type { AgentPlatform, Role } from '../../../shared/agent-kinds';
import { supportRowByLabel } from '../../../shared/support-matrix';
import type { JobRecorder } from '../log/job-recorder';
import { componentSkipReason, type PackageSetup } from '../package/package-setup';
import { describeOutcome, scrubbedEnv, type ProcessRunner } from '../system/process-runner';
import { cancelledError, JobFailure } from './job-failure';
import { isWindowsPath } from '../../../shared/install-location';
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

/** Lines of a component's output that reach the wizard's details; the log gets them all. */
export const STREAMED_LINES = 200;

/** The command that runs a component by hand, as setup ran it (its folder, environment and arguments). */
function laterCommand(context: ComponentContext, run: string, args: readonly string[]): string {
  const quote = (value: string): string =>
    /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
  const env = {
    INSTALL_DIR: context.installDir,
    ROLE: context.role,
    PLATFORM: context.platform,
    OS_LABEL: context.osLabel,
  };
  if (isWindowsPath(context.installDir))
    return [
      `cd /d "${context.installDir}"`,
      ...Object.entries(env).map(([key, value]) => `set "${key}=${value}"`),
      [`".\\${run.replace(/\//g, '\\')}"`, ...args.map((arg) => `"${arg}"`)].join(' '),
    ].join(' && ');
  return [
    `cd ${quote(context.installDir)} &&`,
    'env',
    ...Object.entries(env).map(([key, value]) => `${key}=${quote(value)}`),
    quote(`./${run}`),
    ...args.map(quote),
  ].join(' ');
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
    // The first lines of output go to the wizard as well; the rest to the log only, so a chatty component
    // cannot flood the event stream. The last stderr line is what a failure quotes.
    let sent = 0;
    let lastError: string | undefined;
    const onOutput = (line: string, stream: 'stdout' | 'stderr'): void => {
      if (stream === 'stderr' && line.trim() !== '') lastError = line.trim();
      const text = `${component.id} ${stream}: ${line}`;
      if (sent < STREAMED_LINES) job.output(text);
      else job.detail(text);
      sent++;
      if (sent === STREAMED_LINES) job.note('info', `${component.title}: further output goes to the setup log only`);
    };
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
      onOutput,
    });
    if (outcome.kind === 'cancelled') {
      job.finish(step, 'Failed', 'cancelled');
      throw new JobFailure(cancelledError());
    }
    if (outcome.kind === 'exited' && outcome.code === 0) {
      job.finish(step, 'Succeeded', `${component.run} completed`);
      continue;
    }
    const said = lastError === undefined ? '' : ` (last error output: "${lastError.slice(0, 300)}")`;
    const what = `${component.title} (${component.run}) ${describeOutcome(outcome)}${said}`;
    if (component.optional) {
      job.finish(
        step,
        'Failed',
        `${what}; it is optional, so the installation continues and ends with a Warning; to install it later, run as root: ${laterCommand(context, component.run, component.args)}`,
      );
    } else {
      const failure = setupError('COMPONENT_FAILED', `${what}; the installation was rolled back`);
      job.finish(step, 'Failed', failure.message, failure);
      throw new JobFailure(failure);
    }
  }
}
