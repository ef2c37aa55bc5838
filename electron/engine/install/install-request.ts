import type { AgentPlatform, Role } from '../../../shared/agent-kinds';
import type { Failpoints } from '../failpoints';
import type { EventSink } from '../log/job-recorder';
import type { ProcessRunner } from '../system/process-runner';
import type { SystemProbe } from '../system/system-probe';

// What an install job is asked, and what it runs with, apart from install-job.ts so that the transaction names
// them without importing the job back.

export interface InstallRequest {
  readonly role: Role;
  readonly platform: AgentPlatform;
  /** As given; undefined means the installed location, or the default. */
  readonly installLocation: string | undefined;
  readonly repository: string;
  readonly logDir: string | undefined;
  readonly root: string | undefined;
  /** For the log header; already free of secrets. */
  readonly argv: readonly string[];
  /** Install from an extracted self-contained release (its ./install passes its own folder). */
  readonly packageDir?: string;
}

export interface EngineDeps {
  readonly probe: SystemProbe;
  readonly runner: ProcessRunner;
  readonly failpoints: Failpoints;
  readonly emit: EventSink;
  readonly signal?: AbortSignal;
  readonly writerThreads?: number;
}
