import { describeOutcome, scrubbedEnv, type ProcessRunner } from '../system/process-runner';

// How setup runs the service manager's tools (systemctl, sc.exe): a scrubbed environment, the system root as
// the working folder, a time limit, and every line they print in the setup log unless the caller only polls.

export interface ToolContext {
  readonly runner: ProcessRunner;
  /** The working folder (the system root). */
  readonly cwd: string;
  readonly log: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface ToolResult {
  readonly ok: boolean;
  /** The program ran to its end (whatever its exit code); false for a timeout, a cancel or a failed start. */
  readonly ran: boolean;
  readonly output: string;
  /** What went wrong, naming the command, or '' when it exited 0. */
  readonly failure: string;
}

export async function runServiceTool(
  context: ToolContext,
  command: string,
  args: readonly string[],
  options: { readonly quiet?: boolean; readonly timeoutMs?: number } = {},
): Promise<ToolResult> {
  const lines: string[] = [];
  const outcome = await context.runner.run(command, [...args], {
    cwd: context.cwd,
    env: scrubbedEnv({}),
    timeoutMs: options.timeoutMs ?? 120_000,
    signal: context.signal,
    onOutput: (line) => {
      lines.push(line);
      // A poll (the settle window's looks) would fill the log with the same properties: the caller says what it saw.
      if (!options.quiet) context.log(`${command}: ${line}`);
    },
  });
  const ok = outcome.kind === 'exited' && outcome.code === 0;
  return {
    ok,
    ran: outcome.kind === 'exited',
    output: lines.join('\n'),
    failure: ok ? '' : `${command} ${args.join(' ')} ${describeOutcome(outcome)}`,
  };
}
