import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { I18nProvider } from './i18n/i18n-provider';
import { boot } from './state/actions';
import './styles.css';
// After styles.css, so their rules win over it at equal specificity.
import './components/reflow.css';
import './components/contrast.css';

const container = document.getElementById('root');
if (container) {
  // The state (installed? registered? which language?) decides the first page; asking for it before the
  // first render means one render of the right page instead of a loading page followed by it.
  const root = createRoot(container);
  void boot().finally(() =>
    root.render(
      <StrictMode>
        <I18nProvider>
          <App />
        </I18nProvider>
      </StrictMode>,
    ),
  );
}
