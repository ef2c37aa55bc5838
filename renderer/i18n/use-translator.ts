import { useMemo, type ReactNode } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import type { ErrorCode, SetupError } from '../../shared/error-catalog';
import { ERROR_CATALOG } from '../../shared/error-catalog';
import { formatText, type Text } from './message';
import type { MessageId } from './messages-en';
import { useLocale, type CatalogText } from './locale-store';
import { RICH_TEXT } from './rich-text';

// What pages format with: catalog messages by id, stored messages and engine text, and the error catalog in
// the chosen language.

export interface Translator {
  readonly intl: IntlShape;
  readonly locale: string;
  /** A catalog message with plain arguments. */
  readonly t: (id: MessageId, values?: Readonly<Record<string, string | number>>) => string;
  /** A catalog message with markup (<b>, <code>, <hidden>) or elements among its arguments. */
  readonly rich: (
    id: MessageId,
    values?: Readonly<Record<string, ReactNode | ((chunks: ReactNode[]) => ReactNode)>>,
  ) => ReactNode;
  /** A message from the state, or engine text as sent. */
  readonly text: (text: Text) => string;
  /** The catalog title of an error code. */
  readonly errorTitle: (code: ErrorCode) => string;
  /**
   * An error's remedy in the chosen language: in English the engine's own (it may name a path or a time to
   * wait for this very case); in any other language the catalog's, so "Was tun:" is never followed by English.
   */
  readonly remedy: (error: Pick<SetupError, 'code' | 'remedy'>) => string;
  /**
   * Outside English, the engine's remedy for this very case when it says more than the catalog's: shown
   * beside the translated one, marked as English. Undefined in English or when it is the catalog's.
   */
  readonly caseRemedy: (error: Pick<SetupError, 'code' | 'remedy'>) => string | undefined;
}

/** English proper: the pseudo-locale (en-XA) stands in for a translation, so it counts as another language. */
function english(intl: IntlShape): boolean {
  return intl.locale === 'en';
}

export function createTranslator(intl: IntlShape, catalog: Readonly<Record<ErrorCode, CatalogText>>): Translator {
  return {
    intl,
    locale: intl.locale,
    t: (id, values) => intl.formatMessage({ id }, values),
    rich: (id, values) => intl.formatMessage({ id }, { ...RICH_TEXT, ...values }),
    text: (text) => formatText(intl, text),
    errorTitle: (code) => catalog[code].title,
    remedy: (error) => (english(intl) ? error.remedy : catalog[error.code].remedy),
    caseRemedy: (error) =>
      english(intl) || error.remedy === ERROR_CATALOG[error.code].remedy ? undefined : error.remedy,
  };
}

export function useTranslator(): Translator {
  const intl = useIntl();
  const catalog = useLocale((s) => s.catalog);
  return useMemo(() => createTranslator(intl, catalog), [intl, catalog]);
}
