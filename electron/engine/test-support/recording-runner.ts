import type { ProcessOutcome, ProcessRunner, RunOptions } from '../system/process-runner';

// A ProcessRunner that stands in for systemctl, init scripts and sc.exe: it records every call and answers
// what the test says (an outcome, or output lines with an exit code).

export type RunnerAnswer = (
  command: string,
  args: readonly string[],
) => ProcessOutcome | { readonly output: string; readonly code: number };

export function recordingRunner(answer: RunnerAnswer): ProcessRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (command: string, args: readonly string[], options: RunOptions) => {
      calls.push([command, ...args]);
      const reply = answer(command, args);
      if ('output' in reply) {
        for (const line of reply.output.split('\n')) options.onOutput?.(line, 'stdout');
        return { kind: 'exited', code: reply.code };
      }
      return reply;
    },
  };
}
