import type { SetupError } from '../../shared/error-catalog';
import { errorDocLink } from '../../shared/error-docs';
import { formatDateTime } from './time-format';

// What "Copy details" puts on the clipboard: plain text an admin can paste into a ticket as it is.

export interface ErrorContext {
  readonly title: string;
  /** The setup log the failing run wrote, when one was written. */
  readonly logFile?: string;
  /** When the error happened (ISO 8601). */
  readonly time: string;
  readonly setupVersion: string | undefined;
  readonly agentVersion: string | undefined;
}

export function errorDetailsText(error: SetupError, context: ErrorContext): string {
  return [
    `${context.title} (${error.code})`,
    error.message,
    ...(error.details ?? []).map((detail) => `  - ${detail}`),
    `What to do: ${error.remedy}`,
    `Reference: ${errorDocLink(error.code)}`,
    ...(context.logFile ? [`Log: ${context.logFile}`] : []),
    `Time: ${formatDateTime(context.time)} (${context.time})`,
    `Setup version: ${context.setupVersion ?? 'unknown'}`,
    `Agent version: ${context.agentVersion ?? 'unknown'}`,
  ].join('\n');
}
