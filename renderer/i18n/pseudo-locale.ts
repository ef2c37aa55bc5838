import {
  createLiteralElement,
  isLiteralElement,
  isPluralElement,
  isSelectElement,
  isTagElement,
  parse,
  type MessageFormatElement,
} from '@formatjs/icu-messageformat-parser';

// The pseudo-locale (en-XA), made from the English catalog when it is chosen: every letter accented, so text
// that bypasses the catalog stands out as plain English; about 40% longer, as German and French run, so a
// layout that only fits English breaks; and each message in brackets, so a cut-off end is visible. Only the
// literal text changes: arguments, plurals and tags stay, so every message formats as the English one does.

const ACCENTED: Readonly<Record<string, string>> = {
  a: 'å',
  b: 'ƀ',
  c: 'ç',
  d: 'ð',
  e: 'é',
  f: 'ƒ',
  g: 'ĝ',
  h: 'ĥ',
  i: 'î',
  j: 'ĵ',
  k: 'ķ',
  l: 'ļ',
  m: 'ɱ',
  n: 'ñ',
  o: 'ö',
  p: 'þ',
  q: 'ǫ',
  r: 'ŕ',
  s: 'š',
  t: 'ţ',
  u: 'û',
  v: 'ṽ',
  w: 'ŵ',
  x: 'ẋ',
  y: 'ý',
  z: 'ž',
  A: 'Å',
  B: 'Ɓ',
  C: 'Ç',
  D: 'Ð',
  E: 'É',
  F: 'Ƒ',
  G: 'Ĝ',
  H: 'Ĥ',
  I: 'Î',
  J: 'Ĵ',
  K: 'Ķ',
  L: 'Ļ',
  M: 'Ṁ',
  N: 'Ñ',
  O: 'Ö',
  P: 'Þ',
  Q: 'Ǫ',
  R: 'Ŕ',
  S: 'Š',
  T: 'Ţ',
  U: 'Û',
  V: 'Ṽ',
  W: 'Ŵ',
  X: 'Ẋ',
  Y: 'Ý',
  Z: 'Ž',
};

// Vowels and n and r are about half of English letters: doubling them lengthens the catalog by about two
// fifths (pseudo-locale.test.ts measures it), inside each word, so long words (German's compounds) are
// tested too, not just more of them.
const DOUBLED = new Set('aeiouynrAEIOUYNR');

/** Accented and about 40% longer, without brackets: for catalog text that is not a message (error remedies). */
export function pseudoText(text: string): string {
  let out = '';
  for (const char of text) {
    const accented = ACCENTED[char] ?? char;
    out += DOUBLED.has(char) ? accented + accented : accented;
  }
  return out;
}

/** A whole sentence of catalog text, bracketed as messages are. */
export function pseudoSentence(text: string): string {
  return `[${pseudoText(text)}]`;
}

function pseudoElements(elements: readonly MessageFormatElement[]): MessageFormatElement[] {
  return elements.map((element): MessageFormatElement => {
    if (isLiteralElement(element)) return { ...element, value: pseudoText(element.value) };
    if (isTagElement(element)) return { ...element, children: pseudoElements(element.children) };
    if (isPluralElement(element) || isSelectElement(element)) {
      const options: typeof element.options = {};
      for (const [key, option] of Object.entries(element.options))
        options[key] = { ...option, value: pseudoElements(option.value) };
      return { ...element, options };
    }
    return element;
  });
}

/**
 * The pseudo-locale's catalog, as syntax trees (react-intl formats from them). The English catalog comes as
 * text to tests and the e2e specs, and already parsed in the bundle (vite.config.ts), which has no parser.
 */
export function pseudoMessages(
  english: Readonly<Record<string, string | readonly MessageFormatElement[]>>,
): Record<string, MessageFormatElement[]> {
  const out: Record<string, MessageFormatElement[]> = {};
  for (const [id, text] of Object.entries(english)) {
    const elements = typeof text === 'string' ? parse(text) : text;
    out[id] = [createLiteralElement('['), ...pseudoElements(elements), createLiteralElement(']')];
  }
  return out;
}
