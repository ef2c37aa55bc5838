import { formatText, type Text } from '../i18n/message';
import { currentIntl } from '../i18n/locale-store';

/** A message from the state as the English wizard says it (tests run in English unless they switch). */
export function english(text: Text | undefined): string | undefined {
  return text === undefined ? undefined : formatText(currentIntl(), text);
}
