import { createIntl, createIntlCache, ReactIntlErrorCode, type IntlConfig, type IntlShape } from 'react-intl';
import { IntlMessageFormat } from 'intl-messageformat';
import { create } from 'zustand';
import { ERROR_CATALOG, ERROR_CODES, type ErrorCode } from '../../shared/error-catalog';
import { chooseLocale, type WizardLocale } from './locale-choice';
import { messagesEnProgress } from './messages-en-progress';
import { messagesEnWizard } from './messages-en-wizard';

// The chosen language as a zustand slice: the react-intl object pages format with (through the provider)
// and the error catalog's titles and remedies in that language. English is built in, but only the messages of
// the install pages and the error panel: the dialogs' and logs view's messages and the push pages' load with
// those (loadMessages), so the first page's JavaScript carries neither. German and the pseudo-locale load on
// demand, whole.

/** The parts of the English catalog that load with the pages that show them. */
export type MessagePart = 'dialogs' | 'push';
const MESSAGE_PARTS: Readonly<Record<MessagePart, () => Promise<Readonly<Record<string, string>>>>> = {
  dialogs: () => import('./messages-en-dialogs').then((module) => module.messagesEnDialogs),
  push: () => import('./messages-en-push').then((module) => module.messagesEnPush),
};
const loadedParts = new Map<MessagePart, Readonly<Record<string, string>>>();

export interface CatalogText {
  readonly title: string;
  readonly remedy: string;
}

interface LocaleSlice {
  readonly locale: WizardLocale;
  readonly intl: IntlShape;
  readonly catalog: Readonly<Record<ErrorCode, CatalogText>>;
}

const cache = createIntlCache();

const onError: NonNullable<IntlConfig['onError']> = (error) => {
  // A browser without data for the pseudo-locale formats its numbers and dates as English, which is fine.
  if (error.code === ReactIntlErrorCode.MISSING_DATA) return;
  console.error(error);
};

/**
 * createIntl asks Intl which locales have number and date data (supportedLocalesOf) only to report missing
 * data through onError, and that first question starts ICU's locale services: ~25 ms on the way to the first
 * page, which formats no number or date. The wizard's locales are English, German (data in every Chromium)
 * and the pseudo-locale, whose missing data is ignored anyway (onError), so the question is answered here.
 */
function withoutLocaleProbe<T>(make: () => T): T {
  const number = Intl.NumberFormat.supportedLocalesOf;
  const date = Intl.DateTimeFormat.supportedLocalesOf;
  const answer = (locales?: string | readonly string[]): string[] =>
    locales === undefined ? [] : typeof locales === 'string' ? [locales] : [...locales];
  Intl.NumberFormat.supportedLocalesOf = answer;
  Intl.DateTimeFormat.supportedLocalesOf = answer;
  try {
    return make();
  } finally {
    Intl.NumberFormat.supportedLocalesOf = number;
    Intl.DateTimeFormat.supportedLocalesOf = date;
  }
}

// Each message's formatter asks the same question (IntlMessageFormat.resolveLocale) when it is first used; the
// answer for the wizard's own locales is the locale itself, so nothing starts ICU before a number, date or
// plural needs it.
IntlMessageFormat.resolveLocale = (locales) =>
  typeof Intl.Locale === 'undefined'
    ? undefined
    : new Intl.Locale(typeof locales === 'string' ? locales : (locales[0] ?? 'en'));

function intlFor(locale: WizardLocale, messages: Parameters<typeof createIntl>[0]['messages']): IntlShape {
  return withoutLocaleProbe(() => createIntl({ locale, defaultLocale: 'en', messages, onError }, cache));
}

const englishCatalog = Object.fromEntries(
  ERROR_CODES.map((code) => [code, { title: ERROR_CATALOG[code].title, remedy: ERROR_CATALOG[code].remedy }]),
) as Record<ErrorCode, CatalogText>;

/** English with the parts loaded so far (parts only ever add messages, so a page shown keeps its text). */
function englishMessages(): Record<string, string> {
  return Object.assign({}, messagesEnWizard, messagesEnProgress, ...loadedParts.values()) as Record<string, string>;
}

function englishSlice(): LocaleSlice {
  return { locale: 'en', intl: intlFor('en', englishMessages()), catalog: englishCatalog };
}

export const useLocale = create<LocaleSlice>(englishSlice);

/**
 * Loads a part of the English catalog before the page or dialog that shows it renders (its lazy loader
 * waits for both). Other languages load whole, so only an English wizard is changed.
 */
export async function loadMessages(part: MessagePart): Promise<void> {
  if (loadedParts.has(part)) return;
  const messages = await MESSAGE_PARTS[part]();
  if (loadedParts.has(part)) return;
  loadedParts.set(part, messages);
  if (useLocale.getState().locale === 'en') useLocale.setState(englishSlice(), true);
}

async function sliceFor(locale: WizardLocale): Promise<LocaleSlice> {
  switch (locale) {
    case 'en':
      return englishSlice();
    case 'de': {
      const [{ messagesDe }, { ERROR_CATALOG_DE }] = await Promise.all([
        import('./messages-de'),
        import('../../shared/error-catalog-de'),
      ]);
      return { locale, intl: intlFor(locale, messagesDe), catalog: ERROR_CATALOG_DE };
    }
    case 'en-XA': {
      const [{ pseudoMessages, pseudoSentence }] = await Promise.all([
        import('./pseudo-locale'),
        loadMessages('dialogs'),
        loadMessages('push'),
      ]);
      const catalog = Object.fromEntries(
        ERROR_CODES.map((code) => [
          code,
          { title: pseudoSentence(englishCatalog[code].title), remedy: pseudoSentence(englishCatalog[code].remedy) },
        ]),
      ) as Record<ErrorCode, CatalogText>;
      return { locale, intl: intlFor(locale, pseudoMessages(englishMessages())), catalog };
    }
    default: {
      const unreachable: never = locale;
      return unreachable;
    }
  }
}

/** Switches the wizard to the language asked for (or its nearest catalog) and marks the page with it. */
export async function applyLocale(tag: string | null | undefined): Promise<WizardLocale> {
  const locale = chooseLocale(tag);
  useLocale.setState(await sliceFor(locale), true);
  // Screen readers pick their voice by it, and the browser its hyphenation and quotes.
  document.documentElement.lang = locale;
  return locale;
}

/** The react-intl object for code outside components (Copy details, the clipboard text). */
export function currentIntl(): IntlShape {
  return useLocale.getState().intl;
}

/** Tests of the lazy loaders start with the install pages' messages only. */
export function forgetMessagePartsForTests(): void {
  loadedParts.clear();
}

/** Tests start every case in English (with the parts loaded so far). */
export function resetLocale(): void {
  useLocale.setState(englishSlice(), true);
}
