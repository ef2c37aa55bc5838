import { RawIntlProvider } from 'react-intl';
import type { ReactNode } from 'react';
import { useLocale } from './locale-store';

// The one provider the wizard renders under: react-intl's, fed the intl object of the chosen language.
export function I18nProvider({ children }: { readonly children: ReactNode }) {
  const intl = useLocale((s) => s.intl);
  return <RawIntlProvider value={intl}>{children}</RawIntlProvider>;
}
