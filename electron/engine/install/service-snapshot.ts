import * as z from 'zod/mini';
import type { StepStatus } from '../../../shared/job-events';
import type { SetupError } from '../../../shared/error-catalog';
import type { ProcessRunner } from '../system/process-runner';
import type { SystemLayout } from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import { runServiceTool, type ToolResult } from './service-tool';

// What the service backends (systemd, SysV init, Windows' sc.exe) share: the journaled snapshot of a service
// before a run touched it, what a step's service work ends in, and what it may use.

const windowsConfigSchema = z.object({
  binPath: z.string(),
  startType: z.enum(['auto', 'demand', 'disabled', 'boot', 'system']),
  displayName: z.string(),
  /** What a re-created service must keep (journals from before these were read have none). */
  description: z._default(z.nullable(z.string()), null),
  /** The FailureActions value as hex, and the program its "run" action runs. */
  failureActions: z._default(z.nullable(z.string()), null),
  failureCommand: z._default(z.nullable(z.string()), null),
});

export type WindowsServiceConfig = z.infer<typeof windowsConfigSchema>;

const runlevelLinkSchema = z.object({ path: z.string(), target: z.string() });

export const serviceSnapshotSchema = z.object({
  name: z.string(),
  platform: z.enum(['linux', 'win32']),
  /** Linux: which init the service was set up for (journals from before SysV support are all systemd). */
  initSystem: z._default(z.enum(['systemd', 'sysv']), 'systemd'),
  /** Linux: the unit file (systemd) or init script (SysV) and its content before this run (null: none). */
  unitPath: z.nullable(z.string()),
  previousUnit: z.nullable(z.string()),
  /** SysV: the runlevel links to the script before this run, to put back exactly. */
  previousLinks: z._default(z.array(runlevelLinkSchema), []),
  /** SysV: the tool that registers scripts for their runlevels here (null: setup makes the links itself). */
  rcTool: z._default(
    z.nullable(z.object({ kind: z.enum(['chkconfig', 'update-rc.d', 'insserv']), command: z.string() })),
    null,
  ),
  /** Windows: the service's configuration before this run. */
  windowsConfig: z._default(z.nullable(windowsConfigSchema), null),
  /** Whether this run may (and did) run service commands: a live root with a service manager running. */
  managed: z.boolean(),
  existed: z.boolean(),
  wasEnabled: z.boolean(),
  wasActive: z.boolean(),
});

export type ServiceSnapshot = z.infer<typeof serviceSnapshotSchema>;

export interface ServiceOutcome {
  readonly status: StepStatus;
  readonly message: string;
  readonly error?: SetupError;
}

export interface ServiceContext {
  readonly layout: SystemLayout;
  readonly probe: SystemProbe;
  readonly runner: ProcessRunner;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
  /** Waits between polls of a stopping or starting service; tests make it instant. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** How long a started service must stay running before the service step succeeds. */
  readonly settleMs?: number;
}

/** What undoing needs: no probe (the snapshot says what was managed) and, deliberately, no cancel signal. */
export type UndoContext = Pick<ServiceContext, 'layout' | 'runner' | 'log' | 'sleep'>;

export class ServiceError extends Error {}

export const realSleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The service tools run with this context's runner and log, in the system root. */
export function tool(
  context: UndoContext & { readonly signal?: AbortSignal },
  command: string,
  args: string[],
  options: { readonly quiet?: boolean } = {},
): Promise<ToolResult> {
  return runServiceTool(
    { runner: context.runner, cwd: context.layout.root, log: context.log, signal: context.signal },
    command,
    args,
    options,
  );
}

/** A query that must run to its end (a half-read state would be undone wrongly): no cancel, and a failure throws. */
export async function query(context: UndoContext, name: string, command: string, args: string[]): Promise<ToolResult> {
  const result = await tool({ ...context, signal: undefined }, command, args);
  if (!result.ran) throw new ServiceError(`cannot read the state of the ${name} service: ${result.failure}`);
  return result;
}
