import {
  isArgumentElement,
  isDateElement,
  isNumberElement,
  isPluralElement,
  isSelectElement,
  isTagElement,
  isTimeElement,
  parse,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';
import type { ReactNode } from 'react';
import { createIntl } from 'react-intl';
import { describe, expect, it } from 'vitest';
import { allElements } from '../test-support/message-elements';
import { chooseLocale } from './locale-choice';
import { messagesEn } from './messages-en';
import { pseudoMessages, pseudoText } from './pseudo-locale';

// The pseudo-locale (en-XA) exists to catch layouts that only fit English: it must format every message the
// way English does (same arguments), look nothing like English, run about 40% longer and mark each end.

type Values = Record<string, string | number | ((chunks: ReactNode[]) => string)>;

function argumentsOf(elements: readonly MessageFormatElement[]): Values {
  const into: Values = {};
  for (const element of allElements(elements)) {
    if (isTagElement(element)) into[element.value] = (chunks) => chunks.join('');
    else if (isPluralElement(element)) into[element.value] = 2;
    else if (isSelectElement(element)) into[element.value] = 'other';
    else if (isNumberElement(element)) into[element.value] = 2;
    else if (isArgumentElement(element) || isDateElement(element) || isTimeElement(element)) into[element.value] ??= '';
  }
  return into;
}

describe('choosing a language', () => {
  it.each([
    ['de', 'de'],
    ['de-DE', 'de'],
    ['de-AT', 'de'],
    ['de-CH', 'de'],
    ['de_CH', 'de'],
    ['DE', 'de'],
    ['en-US', 'en'],
    ['en_GB', 'en'],
    ['fr-FR', 'en'],
    ['ja', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    ['en-XA', 'en-XA'],
    ['en_xa', 'en-XA'],
  ])('%j gets %s', (tag, locale) => {
    expect(chooseLocale(tag)).toBe(locale);
  });
});

describe('the pseudo-locale', () => {
  const pseudo = createIntl({ locale: 'en', messages: pseudoMessages(messagesEn) });

  it('accents every letter and leaves arguments alone', () => {
    expect(pseudoText('Install')).toBe('ÎÎññšţååļļ');
    expect(pseudo.formatMessage({ id: 'progress.position' }, { index: 3, count: 7, title: 'Extract' })).toBe(
      '[Šţééþ 3 ööƒ 7: Extract]',
    );
  });

  it('keeps plurals, selects and tags working', () => {
    expect(pseudo.formatMessage({ id: 'progress.planned' }, { count: 1 })).toBe('[1 šţééþ þļååññññééð]');
    expect(pseudo.formatMessage({ id: 'progress.planned' }, { count: 7 })).toBe('[7 šţééþš þļååññññééð]');
    expect(pseudo.formatMessage({ id: 'progress.title' }, { kind: 'uninstall' })).toBe('[ÛÛññîîññšţååļļ Þŕŕööĝŕŕééšš]');
    const parts = pseudo.formatMessage({ id: 'error.remedy' }, { b: (chunks) => `*${chunks.join('')}*`, remedy: 'R' });
    expect(parts).toBe('[*Ŵĥååţ ţöö ðöö:* R]');
  });

  it('is about 40% longer than English over the whole catalog, with no plain English word left', () => {
    const plain = createIntl({ locale: 'en', messages: messagesEn });
    let english = 0;
    let longer = 0;
    for (const id of Object.keys(messagesEn) as (keyof typeof messagesEn)[]) {
      // Arguments count as nothing (empty text, the number 2, the "other" case): only our own words count.
      const values = argumentsOf(parse(messagesEn[id]));
      const text = plain.formatMessage({ id }, values);
      const accented = pseudo.formatMessage({ id }, values);
      english += text.length;
      longer += accented.length - 2;
      expect(accented.startsWith('[') && accented.endsWith(']'), id).toBe(true);
      // A run of three plain lowercase letters is English that escaped the pseudo-locale.
      expect(accented, id).not.toMatch(/[a-z]{3}/);
    }
    expect(longer / english).toBeGreaterThan(1.35);
    expect(longer / english).toBeLessThan(1.5);
  });
});
