import type { CliEnvironment } from './cli-environment';

// Shared start-up for every CLI entry point: signals cancel the job (which then rolls back) instead of
// killing the process mid-change, and the exit code is set only after stdout has drained.

export function runEntry(
  main: (args: readonly string[], cli: CliEnvironment) => Promise<number>,
  args: readonly string[] = process.argv.slice(2),
  /**
   * What a second signal does: nothing for an install here (its rollback must finish), exit at once for a push,
   * whose installs roll back on the servers when their connections close.
   */
  secondSignal: 'wait' | 'exit' = 'wait',
): void {
  const controller = new AbortController();
  let signals = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      signals++;
      if (signals === 1) {
        process.stderr.write(`\n${signal} received: cancelling and rolling back; this can take a moment.\n`);
        controller.abort();
      } else if (secondSignal === 'exit') {
        process.stderr.write(`\n${signal} received again: stopping now.\n`);
        process.exit(130);
      }
    });
  }
  // A closed pipe (e.g. "| head") must not crash the run or interrupt a rollback.
  process.stdout.on('error', () => undefined);
  main(args, {
    streams: { stdout: process.stdout, stderr: process.stderr },
    env: process.env,
    scriptPath: process.argv[1] ?? __filename,
    signal: controller.signal,
    cancel: () => controller.abort(),
  })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`Internal error: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = process.platform === 'win32' ? 1603 : 1;
    });
}
