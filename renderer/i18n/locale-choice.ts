// Which of the wizard's catalogs a requested language gets: German for any German tag (de-AT, de-CH), the
// pseudo-locale when asked for by name, English for the rest, since every admin tool here falls back to it.

export const PSEUDO_LOCALE = 'en-XA';

export const WIZARD_LOCALES = ['en', 'de', PSEUDO_LOCALE] as const;
export type WizardLocale = (typeof WIZARD_LOCALES)[number];

export function chooseLocale(tag: string | null | undefined): WizardLocale {
  // app.getLocale() and --lang may use either separator (en_US, en-US).
  const normalised = (tag ?? '').trim().replace(/_/g, '-').toLowerCase();
  if (normalised === PSEUDO_LOCALE.toLowerCase()) return PSEUDO_LOCALE;
  return normalised.split('-')[0] === 'de' ? 'de' : 'en';
}
