import { parse } from '@formatjs/icu-messageformat-parser';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The renderer is written against React's API and runs on Preact's implementation of it (preact/compat):
 * react-dom alone was 207 KB of the first load's 333 KB, and the page became interactive 1.3-1.4x later than a
 * bare page; with Preact the first load is 136 KB (issue 23). The tests resolve the same way (vitest.config.ts),
 * so they test the runtime that ships; the types stay React's.
 */
export const reactOnPreact = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom\/test-utils$/, replacement: 'preact/test-utils' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
];

// The message catalogs go into the bundle already parsed (the ICU syntax trees react-intl formats from), so
// the page parses no message at start-up and needs no parser at all: the parser's import resolves to
// FormatJS's no-parser build, as FormatJS recommends for precompiled messages. Tests and the e2e specs read
// the same catalogs as text.
function precompiledMessages(): Plugin {
  return {
    name: 'precompiled-messages',
    // After esbuild: the module is plain JavaScript, one exported object literal of strings.
    enforce: 'post',
    transform(code, id) {
      if (!/\/renderer\/i18n\/messages-(en|de)-[a-z]+\.ts$/.test(id)) return null;
      const match = /export const (\w+)\s*=\s*(\{[\s\S]*\});?\s*(?:\/\/# sourceMappingURL=\S*\s*)?$/.exec(code);
      if (!match?.[1] || !match[2]) return this.error(`${id}: expected a single exported object literal`);
      // Our own source, at build time: the literal holds only strings.
      const catalog = new Function(`return ${match[2]};`)() as Record<string, string>;
      const compiled = Object.fromEntries(Object.entries(catalog).map(([key, text]) => [key, parse(text)]));
      return {
        code: `export const ${match[1]} = JSON.parse(${JSON.stringify(JSON.stringify(compiled))});\n`,
        map: null,
      };
    },
  };
}

// The renderer bundle: loaded over app:// in the desktop app and over loopback HTTP by the e2e harness,
// both with a CSP of default-src 'self', so nothing may be inlined.
export default defineConfig({
  root: 'renderer',
  base: '/',
  plugins: [react(), precompiledMessages()],
  resolve: {
    alias: [
      ...reactOnPreact,
      {
        find: /^@formatjs\/icu-messageformat-parser$/,
        replacement: '@formatjs/icu-messageformat-parser/lib/no-parser.js',
      },
    ],
  },
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
