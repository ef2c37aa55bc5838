import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { boot } from './state/actions';
import './styles.css';
// After styles.css, so their rules win over it at equal specificity.
import './components/reflow.css';
import './components/contrast.css';

const container = document.getElementById('root');
if (container) {
  // The state (installed? registered?) decides the first page; asking for it before the first render
  // means one render of the right page instead of a loading page followed by it.
  const root = createRoot(container);
  void boot().finally(() =>
    root.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
}
