import { afterEach, beforeAll, vi } from 'vitest';
import { cleanup } from '@testing-library/react';
import type * as TestingLibrary from '@testing-library/react';
import { createElement, type ReactNode } from 'react';
import { I18nProvider } from './i18n/i18n-provider';
import { loadMessages, resetLocale } from './i18n/locale-store';
import { shutdown } from './state/actions';
import { shutdownFleet } from './state/fleet-actions';
import { resetFleetStore } from './state/fleet-store';
import { shutdownPush } from './state/push-actions';
import { resetPushStore } from './state/push-store';
import { resetStores } from './state/stores';
import { useSetupApiForTests } from './setup-api';

// Every render is under the wizard's one i18n provider, as main.tsx renders the app, so a page tested alone
// formats its messages as it does in the wizard (English unless the test switches the language).
vi.mock('@testing-library/react', async (importOriginal) => {
  const library = await importOriginal<typeof TestingLibrary>();
  const wrapper = ({ children }: { readonly children: ReactNode }) => createElement(I18nProvider, null, children);
  return {
    ...library,
    render: (ui: Parameters<typeof library.render>[0], options?: Parameters<typeof library.render>[1]) =>
      library.render(ui, { wrapper, ...options }),
  };
});

// Pages and dialogs are tested alone, without the lazy loaders that load their part of the catalog with them
// (app.test.tsx tests those loaders): every part is loaded up front.
beforeAll(() => Promise.all([loadMessages('dialogs'), loadMessages('push')]));

// Every renderer test starts from clean stores, no listeners, no fake API left by the one before, in English.
afterEach(() => {
  cleanup();
  shutdown();
  shutdownPush();
  shutdownFleet();
  resetStores();
  resetPushStore();
  resetFleetStore();
  resetLocale();
  document.documentElement.lang = 'en';
  useSetupApiForTests(undefined);
});

// jsdom has no user-agent style for <wbr>, so accessible names got a space at each break opportunity
// ("web- 01"); browsers lay it out inline and name the row "web-01".
const wbrStyle = document.createElement('style');
wbrStyle.textContent = 'wbr { display: inline; }';
document.head.appendChild(wbrStyle);
