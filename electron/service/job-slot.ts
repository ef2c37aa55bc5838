import { setupError } from '../../shared/error-catalog';
import type { EventChannels, JobKind } from '../../shared/ipc-contract';
import { IpcError } from './ipc-dispatch';
import {
  launchJob,
  spawnPlan,
  type CliRuntime,
  type Elevator,
  type HelperCommand,
  type RunningJob,
} from './job-launcher';
import type { ElevationMode } from '../../shared/ipc-contract';

// One job at a time per window: a second start while one runs is ANOTHER_INSTALL_RUNNING, as the CLI's
// lock would answer anyway, but before a second elevation prompt.

export interface JobSlotOptions {
  readonly runtime: CliRuntime;
  readonly elevation: ElevationMode;
  readonly elevator: Elevator | undefined;
  readonly onEvent: (payload: EventChannels['setup:job-event']) => void;
}

/** The root helper's command for a job: the configurator registers, the installer bundle does the rest. */
export function helperCommandFor(kind: JobKind): HelperCommand {
  switch (kind) {
    case 'register':
      return 'configure';
    case 'install':
    case 'uninstall':
    case 'diagnostics':
      return 'install';
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

export class JobSlot {
  private current: RunningJob | undefined;
  /** Whether the current job has sent its result (its process may still be exiting). */
  private currentReported = false;

  constructor(private readonly options: JobSlotOptions) {}

  get running(): RunningJob | undefined {
    return this.current;
  }

  /**
   * The running job while its result is still to come: what a reloaded window re-attaches to. A job that has
   * sent its result sends nothing more, so a window that re-attached to it would wait forever.
   */
  get awaitingResult(): RunningJob | undefined {
    return this.currentReported ? undefined : this.current;
  }

  /**
   * The job still to report, after letting one that has reported finish exiting (bounded: a child that lingers
   * is not waited for), so that "no job" also means a new one can start.
   */
  async settledAwaitingResult(lingerMs = 5000): Promise<RunningJob | undefined> {
    const job = this.current;
    if (job && this.currentReported) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([job.done, new Promise((resolve) => (timer = setTimeout(resolve, lingerMs)))]);
      clearTimeout(timer);
    }
    return this.awaitingResult;
  }

  start(kind: JobKind, script: string, cliArgs: string[], stdin?: string): { jobId: string } {
    return { jobId: this.launch(kind, script, cliArgs, stdin).jobId };
  }

  /** Starts a job and hands back the running job, for callers that wait for its result. */
  launch(kind: JobKind, script: string, cliArgs: string[], stdin?: string): RunningJob {
    const { options } = this;
    if (this.current)
      throw new IpcError(
        setupError(
          'ANOTHER_INSTALL_RUNNING',
          `a ${this.current.kind} job is already running in this window`,
          'Wait for it to finish, or cancel it.',
        ),
      );
    const command = helperCommandFor(kind);
    // The diagnostics bundle holds only files any user may read (the logs, the record, the public
    // registration status): collected as the app's own user it needs no prompt, and lands in a file of theirs.
    const elevation = kind === 'diagnostics' ? 'elevated' : options.elevation;
    const plan = spawnPlan(options.runtime, script, cliArgs, elevation, options.elevator, command);
    const job = launchJob({
      kind,
      plan,
      stdin,
      // An install and a registration run with --cancel-on-stdin-eof (a root child hears only its stdin close);
      // the others get their stdin closed at once.
      cancelByClosingStdin: kind === 'install' || kind === 'register',
      elevated: elevation === 'will-prompt',
      onEvent: (event) => {
        if (event.type === 'result' && this.current === job) this.currentReported = true;
        options.onEvent({ jobId: job.jobId, kind, event });
      },
    });
    this.current = job;
    this.currentReported = false;
    void job.done.then(() => {
      if (this.current === job) this.current = undefined;
    });
    return job;
  }

  cancel(jobId?: string): void {
    if (jobId === undefined || this.current?.jobId === jobId) this.current?.cancel();
  }
}
