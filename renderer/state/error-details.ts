import type { SetupError } from '../../shared/error-catalog';
import { errorDocLink } from '../../shared/error-docs';
import type { Translator } from '../i18n/use-translator';
import { formatDateTime } from './time-format';

// What "Copy details" puts on the clipboard: plain text an admin can paste into a ticket as it is, in the
// wizard's language (the code, the message as the engine wrote it and the reference stay as they are).

export interface ErrorContext {
  readonly title: string;
  /** The setup log the failing run wrote, when one was written. */
  readonly logFile?: string;
  /** When the error happened (ISO 8601). */
  readonly time: string;
  readonly setupVersion: string | undefined;
  readonly agentVersion: string | undefined;
}

export function errorDetailsText(error: SetupError, context: ErrorContext, tr: Translator): string {
  const { t } = tr;
  return [
    t('details.title', { title: context.title, code: error.code }),
    error.message,
    ...(error.details ?? []).map((detail) => `  - ${detail}`),
    t('details.remedy', { remedy: tr.remedy(error) }),
    ...((specific) => (specific ? [t('details.caseRemedy', { remedy: specific })] : []))(tr.caseRemedy(error)),
    t('details.reference', { link: errorDocLink(error.code) }),
    ...(context.logFile ? [t('details.log', { path: context.logFile })] : []),
    t('details.time', { time: formatDateTime(context.time, tr.locale), iso: context.time }),
    t('details.setupVersion', { version: context.setupVersion ?? t('details.unknown') }),
    t('details.agentVersion', { version: context.agentVersion ?? t('details.unknown') }),
  ].join('\n');
}
