import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { create } from 'zustand';

// The baseline for bench/wizard: the smallest React + zustand page, built the same way as the wizard.
const useCount = create<{ count: number }>(() => ({ count: 0 }));

function App() {
  const count = useCount((s) => s.count);
  return (
    <main>
      <h1>Bare page</h1>
      <label htmlFor="field">Install location</label>
      <input id="field" defaultValue="/usr/local/ASR" />
      <button type="button" onClick={() => useCount.setState({ count: count + 1 })}>
        Clicked {count}
      </button>
    </main>
  );
}

const container = document.getElementById('root');
if (container)
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
