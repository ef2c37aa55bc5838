// Lint is where the layering of docs/architecture.md is enforced (as VS Code's code-layering rule does), beside the
// per-layer tsconfigs: shared/ <- electron/engine/ <- electron/{cli,service}/ <- electron/main/ ; renderer/ <- shared/ only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'net',
  'tls',
  'http',
  'https',
  'zlib',
  'worker_threads',
  'stream',
  'events',
  'util',
];
const pattern = (group, message) => ({ group, message });

const RENDERER_IMPORTS = [
  pattern(
    ['**/electron/**', '**/e2e/**', '**/bench/**', '**/scripts/**'],
    'renderer/ imports only shared/ (and UI libraries); it talks to main through the preload API.',
  ),
  pattern(['electron', ...nodeBuiltins], 'renderer/ runs sandboxed: no Node or Electron imports.'),
];
const REACT_API =
  "renderer/ is written against React's API: import react (the build runs it on Preact, see vite.config.ts).";
const ONLY_MAIN =
  'Only electron/main/ imports electron: the engine, the CLIs and the application service run under plain Node.';
const zone = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-results/**', 'assets/repository/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['scripts/**/*.mjs', '*.js', '*.mjs', '*.cjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
      },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "Property[key.name='rejectUnauthorized'][value.value=false]",
          message:
            'TLS verification may only be relaxed in the passphrase-bound registration client (electron/engine/registration/cs-transport.ts).',
        },
      ],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(['../*', '!./*'], 'shared/ imports nothing of ours outside shared/.'),
            pattern(
              ['electron', 'react', 'react-dom', 'preact', 'zustand', ...nodeBuiltins],
              'shared/ is pure TypeScript: no Node, Electron, DOM or UI imports.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...RENDERER_IMPORTS, pattern(['preact', 'preact/*'], REACT_API)] },
      ],
    },
  },
  {
    // The one place that names the runtime: the test that the renderer's tests run on what the bundle ships.
    files: ['renderer/runtime.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: RENDERER_IMPORTS }] },
  },
  {
    // Electron-free code: the engine (the CLI runs it under plain Node), the CLIs, and the application service
    // (which the e2e harness serves without Electron).
    files: ['electron/engine/**/*.ts', 'electron/cli/**/*.ts', 'electron/service/**/*.ts', 'e2e/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: ONLY_MAIN }],
          patterns: [{ regex: '^electron/', message: ONLY_MAIN }],
        },
      ],
    },
  },
  {
    // Direction between folders, by resolved path (as VS Code's code-layering rule does):
    // shared/ <- engine/{system,package,log} <- engine/{install,registration} <- cli/, service/ <- main/.
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.mjs'] } } },
    rules: {
      // No import circles, type-only ones included: a type two files share lives in a third.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            zone(
              './electron/engine',
              ['./electron/main', './electron/service', './electron/cli', './renderer', './e2e'],
              'electron/engine/ depends only on shared/, Node and its libraries.',
            ),
            zone(
              ['./electron/engine/system', './electron/engine/package', './electron/engine/log'],
              ['./electron/engine/install', './electron/engine/registration', './electron/engine/push'],
              'system/, package/ and log/ are the lower layer of the engine: they never import install/, registration/ or push/.',
            ),
            zone(
              './electron/engine/system',
              ['./electron/engine/package'],
              'system/ is below package/: it never imports it.',
            ),
            zone(
              './electron/service',
              ['./electron/main', './electron/cli', './renderer'],
              'electron/service/ is the Electron-free application service: no Electron process files, no CLI output.',
            ),
            zone(
              './electron/cli',
              ['./electron/main', './electron/service'],
              'The CLIs run the engine, not the desktop app.',
            ),
            zone('./e2e', ['./electron/main'], 'The e2e harness serves the application service without Electron.'),
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main/ipc-main-typed.ts', 'electron/main/preload.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'electron',
          property: 'ipcMain',
          message: 'Use the typed wrappers in electron/main/ipc-main-typed.ts.',
        },
      ],
    },
  },
);
