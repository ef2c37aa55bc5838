import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built as the wizard is (vite.config.ts: the same React plugin, target and module preload) but on React itself: the baseline is
// the plain React + zustand page; the wizard runs React's API on Preact (its aliases are not used here).
export default defineConfig({
  root: 'bench/bare-page',
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: '../../dist/bench/bare-page',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    target: 'chrome120',
    reportCompressedSize: false,
  },
});
