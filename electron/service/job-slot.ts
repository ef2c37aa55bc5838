import { setupError } from '../../shared/error-catalog';
import type { EventChannels, JobKind } from '../../shared/ipc-contract';
import { IpcError } from './ipc-dispatch';
import { launchJob, spawnPlan, type CliRuntime, type Elevator, type RunningJob } from './job-launcher';
import type { ElevationMode } from '../../shared/ipc-contract';

// One job at a time per window: a second start while one runs is ANOTHER_INSTALL_RUNNING, as the CLI's
// lock would answer anyway, but before a second elevation prompt.

export interface JobSlotOptions {
  readonly runtime: CliRuntime;
  readonly elevation: ElevationMode;
  readonly elevator: Elevator | undefined;
  readonly onEvent: (payload: EventChannels['setup:job-event']) => void;
}

export class JobSlot {
  private current: RunningJob | undefined;

  constructor(private readonly options: JobSlotOptions) {}

  get running(): RunningJob | undefined {
    return this.current;
  }

  start(kind: JobKind, script: string, cliArgs: string[], stdin?: string): { jobId: string } {
    const { options } = this;
    if (this.current)
      throw new IpcError(
        setupError(
          'ANOTHER_INSTALL_RUNNING',
          `a ${this.current.kind} job is already running in this window`,
          'Wait for it to finish, or cancel it.',
        ),
      );
    const command = kind === 'install' ? 'install' : 'configure';
    const plan = spawnPlan(options.runtime, script, cliArgs, options.elevation, options.elevator, command);
    const job = launchJob({
      kind,
      plan,
      stdin,
      cancelByClosingStdin: kind === 'install',
      elevated: options.elevation === 'will-prompt',
      onEvent: (event) => options.onEvent({ jobId: job.jobId, kind, event }),
    });
    this.current = job;
    void job.done.then(() => {
      if (this.current === job) this.current = undefined;
    });
    return { jobId: job.jobId };
  }

  cancel(jobId?: string): void {
    if (jobId === undefined || this.current?.jobId === jobId) this.current?.cancel();
  }
}
