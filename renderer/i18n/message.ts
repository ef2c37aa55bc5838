import type { IntlShape } from 'react-intl';
import type { MessageId } from './messages-en';

// Sentences as values: the state (zustand actions, pure helpers) names what to say by catalog id and
// arguments, and the page says it in the chosen language. Nothing outside a page formats English.

export type MessageValue = string | number | Message | readonly (string | Message)[];

export interface Message {
  readonly id: MessageId;
  readonly values?: Readonly<Record<string, MessageValue>>;
}

/**
 * What a page shows: a catalog message, or text as the engine sent it (step titles, preflight results, error
 * messages, log lines). Engine text is English, the language of the setup log it also goes to, so what the
 * wizard shows can be found in the log.
 */
export type Text = string | Message;

export function message(id: MessageId, values?: Message['values']): Message {
  return values === undefined ? { id } : { id, values };
}

function isList(value: MessageValue): value is readonly (string | Message)[] {
  return Array.isArray(value);
}

function resolve(intl: IntlShape, value: MessageValue): string | number {
  if (typeof value === 'string' || typeof value === 'number') return value;
  // A list reads as the language lists ("A, B and C"; "A, B und C"), not as a comma-joined string.
  if (isList(value)) return intl.formatList(value.map((item) => formatText(intl, item)));
  return formatMessage(intl, value);
}

export function formatMessage(intl: IntlShape, msg: Message): string {
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(msg.values ?? {})) values[name] = resolve(intl, value);
  return intl.formatMessage({ id: msg.id }, values);
}

export function formatText(intl: IntlShape, text: Text): string {
  return typeof text === 'string' ? text : formatMessage(intl, text);
}
