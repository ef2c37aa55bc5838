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
import { describe, expect, it } from 'vitest';
import { allElements } from '../test-support/message-elements';
import { ERROR_CATALOG, ERROR_CODES } from '../../shared/error-catalog';
import { ERROR_CATALOG_DE } from '../../shared/error-catalog-de';
import { messagesDe } from './messages-de';
import { messagesDeDialogs } from './messages-de-dialogs';
import { messagesDeProgress } from './messages-de-progress';
import { messagesDePush } from './messages-de-push';
import { messagesDeWizard } from './messages-de-wizard';
import { messagesEn } from './messages-en';
import { messagesEnDialogs } from './messages-en-dialogs';
import { messagesEnProgress } from './messages-en-progress';
import { messagesEnPush } from './messages-en-push';
import { messagesEnWizard } from './messages-en-wizard';

// Every language has every message, and only those, with the same ICU arguments: a German message that lost
// {count} or renamed {path} would show the wrong thing only when that page comes up.

type Catalog = Readonly<Record<string, string>>;

// Vite's glob import (this test runs under Vitest): the renderer's sources as text.
declare global {
  interface ImportMeta {
    glob(
      patterns: readonly string[],
      options: { readonly query: '?raw'; readonly import: 'default'; readonly eager: true },
    ): Record<string, string>;
  }
}

/** A message's shape: each argument with how it is formatted, each tag, each select's cases. */
function shape(elements: readonly MessageFormatElement[]): Set<string> {
  const into = new Set<string>();
  for (const element of allElements(elements)) {
    if (isArgumentElement(element)) into.add(`{${element.value}}`);
    else if (isNumberElement(element)) into.add(`{${element.value}, number}`);
    else if (isDateElement(element) || isTimeElement(element)) into.add(`{${element.value}, date/time}`);
    else if (isTagElement(element)) into.add(`<${element.value}>`);
    else if (isPluralElement(element)) into.add(`{${element.value}, plural}`);
    else if (isSelectElement(element))
      into.add(`{${element.value}, select, ${Object.keys(element.options).sort().join(' ')}}`);
  }
  return into;
}

function shapeOf(text: string): string[] {
  return [...shape(parse(text))].sort();
}

const SECTIONS: readonly (readonly [string, Catalog, Catalog])[] = [
  ['wizard', messagesEnWizard, messagesDeWizard],
  ['progress', messagesEnProgress, messagesDeProgress],
  ['dialogs', messagesEnDialogs, messagesDeDialogs],
  ['push', messagesEnPush, messagesDePush],
];

describe('the message catalogs', () => {
  it('German has every English id and no other, section by section', () => {
    for (const [name, en, de] of SECTIONS) {
      const missing = Object.keys(en).filter((id) => !(id in de));
      const extra = Object.keys(de).filter((id) => !(id in en));
      expect({ name, missing, extra }).toEqual({ name, missing: [], extra: [] });
    }
    expect(Object.keys(messagesDe).sort()).toEqual(Object.keys(messagesEn).sort());
  });

  it('no id is defined in two sections (the later one would silently win)', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [name, en] of SECTIONS)
      for (const id of Object.keys(en)) {
        if (seen.has(id)) twice.push(`${id} (${seen.get(id) ?? ''}, ${name})`);
        seen.set(id, name);
      }
    expect(twice).toEqual([]);
  });

  it('every message parses as ICU MessageFormat in both languages', () => {
    const bad: string[] = [];
    for (const catalog of [messagesEn, messagesDe] as Catalog[])
      for (const [id, text] of Object.entries(catalog)) {
        try {
          parse(text);
        } catch (error) {
          bad.push(`${id}: ${(error as Error).message}`);
        }
      }
    expect(bad).toEqual([]);
  });

  it('German messages take the same arguments, tags and select cases as English', () => {
    const differ = Object.entries(messagesEn as Catalog)
      .map(([id, text]) => ({ id, en: shapeOf(text), de: shapeOf((messagesDe as Catalog)[id] ?? '') }))
      .filter(({ en, de }) => JSON.stringify(en) !== JSON.stringify(de));
    expect(differ).toEqual([]);
  });

  it('the shape check itself sees a lost, renamed or retyped argument', () => {
    expect(shapeOf('{count, plural, one {# file} other {# files}}')).not.toEqual(shapeOf('{count} Dateien'));
    expect(shapeOf('at {path}')).not.toEqual(shapeOf('in {pfad}'));
    expect(shapeOf('<b>x</b> {a}')).not.toEqual(shapeOf('x {a}'));
    expect(shapeOf('{kind, select, a {A} other {B}}')).not.toEqual(shapeOf('{kind, select, b {A} other {B}}'));
  });

  it('every message is shown somewhere: no id is left unused in the renderer', () => {
    const sources = import.meta.glob(['../**/*.ts', '../**/*.tsx', '!../**/*.test.*', '!./messages-*.ts'], {
      query: '?raw',
      import: 'default',
      eager: true,
    });
    const all = Object.values(sources).join('\n');
    expect(Object.keys(sources).length).toBeGreaterThan(30);
    expect(Object.keys(messagesEn).filter((id) => !all.includes(`'${id}'`))).toEqual([]);
  });
});

describe('the error catalog in German', () => {
  it('has a title and a remedy for every code, and no other code', () => {
    expect(Object.keys(ERROR_CATALOG_DE).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) {
      expect(ERROR_CATALOG_DE[code].title.length).toBeGreaterThan(0);
      expect(ERROR_CATALOG_DE[code].remedy.length).toBeGreaterThan(0);
      expect(ERROR_CATALOG_DE[code].remedy).not.toBe(ERROR_CATALOG[code].remedy);
    }
  });

  it('keeps the commands and options an admin types as they are', () => {
    for (const code of ERROR_CODES) {
      const commands =
        ERROR_CATALOG[code].remedy.match(/--[a-z-]+|genpassphrase\.exe|ssh-keygen|\/usr\/local\/ASR/g) ?? [];
      for (const command of commands) expect(ERROR_CATALOG_DE[code].remedy).toContain(command);
    }
  });
});
