import { ERROR_CATALOG, type Outcome, type SetupError } from './error-catalog';
import type { JobStatus } from './job-events';

// Windows deployment tools already understand Windows Installer's codes, so Windows exits with them.
// A POSIX exit status holds only 0-255 (1603 would arrive as 67), so Linux maps the same outcomes to small codes.
export type ExitCodeStyle = 'windows' | 'posix';

export const MSI_EXIT_CODES = {
  succeeded: 0,
  cancelled: 1602,
  failed: 1603,
  busy: 1618,
  'invalid-input': 1639,
} as const satisfies Record<Outcome | 'succeeded', number>;

export const POSIX_EXIT_CODES = {
  succeeded: 0,
  failed: 1,
  'invalid-input': 2,
  busy: 3,
  cancelled: 4,
} as const satisfies Record<Outcome | 'succeeded', number>;

export interface ExitCodes {
  /** The status the process actually exits with. */
  readonly exitCode: number;
  /** The Windows Installer code of the same outcome, for tools that log MSI codes. */
  readonly msiCode: number;
}

export function exitCodesFor(outcome: Outcome | 'succeeded', style: ExitCodeStyle): ExitCodes {
  const msiCode = MSI_EXIT_CODES[outcome];
  return { exitCode: style === 'windows' ? msiCode : POSIX_EXIT_CODES[outcome], msiCode };
}

export function exitCodeStyleFor(platform: string): ExitCodeStyle {
  return platform === 'win32' ? 'windows' : 'posix';
}

/** The exit codes of a finished job: a failure exits by its error's outcome (cancelled, busy, invalid input…). */
export function resultCodes(status: JobStatus, error: SetupError | null, platform: string): ExitCodes {
  const outcome =
    status === 'Failed' && error ? ERROR_CATALOG[error.code].outcome : status === 'Failed' ? 'failed' : 'succeeded';
  return exitCodesFor(outcome, exitCodeStyleFor(platform));
}
