import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Built exactly as the wizard is (vite.config.ts), so the comparison is of the pages, not of the builds.
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
