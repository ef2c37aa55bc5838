import * as path from 'node:path';
import type { ConsoleStreams } from './cli-output';

// What every CLI entry point runs with, apart from unified-agent-cli.ts so that its subcommands and the other
// CLIs name it without importing the installer's CLI back.

export interface CliEnvironment {
  readonly streams: ConsoleStreams;
  readonly env: NodeJS.ProcessEnv;
  readonly scriptPath: string;
  readonly signal?: AbortSignal;
  /** Cancels the run as a signal would (rolls back). */
  readonly cancel?: () => void;
}

/** The bundled repository of a built CLI. */
export function defaultRepository(scriptPath: string): string {
  // Built CLIs live in dist/cli/; the bundled repository is assets/repository at the top of the app.
  return path.resolve(path.dirname(scriptPath), '..', '..', 'assets', 'repository');
}
