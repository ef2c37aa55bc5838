import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The renderer bundle: loaded over app:// in the desktop app and over loopback HTTP by the e2e harness,
// both with a CSP of default-src 'self', so nothing may be inlined.
export default defineConfig({
  root: 'renderer',
  base: '/',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: 'chrome120',
    reportCompressedSize: false,
  },
});
