import type { SetupError } from './error-catalog';
import type { JobEvent, StepStatus } from './job-events';

// Push installation's events (the CLI's --json lines and the wizard's live table): what happens on each
// server, tagged with the server as the admin named it, then one result line for the whole push.

export const PUSH_STEPS = ['connect', 'detect', 'copy', 'install', 'register'] as const;
export type PushStep = (typeof PUSH_STEPS)[number];

/** NotStarted: a staged rollout stopped (a canary failed, or --max-failures was passed) before this server. */
export type HostStatus = 'Succeeded' | 'Warning' | 'Unchanged' | 'Failed' | 'NotStarted';

export interface HostResult {
  readonly host: string;
  readonly status: HostStatus;
  readonly osLabel: string | null;
  readonly agentVersion: string | null;
  readonly hostId: string | null;
  /** Where a failed or cancelled push stopped on this server. */
  readonly stoppedAt: PushStep | null;
  readonly error: SetupError | null;
}

export type PushEvent =
  | {
      readonly type: 'push-started';
      readonly hosts: readonly string[];
      readonly time: string;
      readonly logFile: string;
    }
  | {
      readonly type: 'host-step';
      readonly host: string;
      readonly step: PushStep;
      readonly status: 'started' | StepStatus;
      readonly message: string;
      readonly time: string;
    }
  | { readonly type: 'host-progress'; readonly host: string; readonly bytesDone: number; readonly bytesTotal: number }
  /** An event of the installer or configurator running on the server, relayed. */
  | { readonly type: 'host-job-event'; readonly host: string; readonly event: JobEvent }
  | { readonly type: 'host-result'; readonly result: HostResult }
  | {
      readonly type: 'result';
      readonly status: 'Succeeded' | 'Warning' | 'Failed';
      readonly exitCode: number;
      readonly hosts: readonly HostResult[];
      /** Set when the push did not start: invalid arguments (exit 2), with no hosts. */
      readonly error?: SetupError;
    };

/**
 * The push's status: Failed if any server failed or was not started, Warning if any ended in Warning, else
 * Succeeded. Of the CLI's results, and of the wizard's rows (a retry's table holds every server's last status).
 */
export function pushStatusOf(hosts: readonly { readonly status: string }[]): 'Succeeded' | 'Warning' | 'Failed' {
  if (hosts.some((host) => host.status === 'Failed' || host.status === 'NotStarted')) return 'Failed';
  return hosts.some((host) => host.status === 'Warning') ? 'Warning' : 'Succeeded';
}
