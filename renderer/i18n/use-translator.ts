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
   * An error's remedy: the catalog's in the chosen language when the error carries the catalog's default;
   * a remedy the engine wrote for this case (naming a path, a time to wait) stays as sent, in English.
   */
  readonly remedy: (error: Pick<SetupError, 'code' | 'remedy'>) => string;
}

export function createTranslator(intl: IntlShape, catalog: Readonly<Record<ErrorCode, CatalogText>>): Translator {
  return {
    intl,
    locale: intl.locale,
    t: (id, values) => intl.formatMessage({ id }, values),
    rich: (id, values) => intl.formatMessage({ id }, { ...RICH_TEXT, ...values }),
    text: (text) => formatText(intl, text),
    errorTitle: (code) => catalog[code].title,
    remedy: (error) => (error.remedy === ERROR_CATALOG[error.code].remedy ? catalog[error.code].remedy : error.remedy),
  };
}

export function useTranslator(): Translator {
  const intl = useIntl();
  const catalog = useLocale((s) => s.catalog);
  return useMemo(() => createTranslator(intl, catalog), [intl, catalog]);
}
