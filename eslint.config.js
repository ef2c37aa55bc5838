// Lint is where the layering of DESIGN.md is enforced (as VS Code's code-layering rule does), beside the
// per-layer tsconfigs: shared/ <- electron/engine/ <- electron/ ; renderer/ <- shared/ only.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
            'TLS verification may only be relaxed in the passphrase-bound registration client (electron/engine/cs-client.ts).',
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
              ['electron', 'react', 'react-dom', 'zustand', ...nodeBuiltins],
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
        {
          patterns: [
            pattern(
              ['**/electron/**', '**/e2e/**', '**/bench/**', '**/scripts/**'],
              'renderer/ imports only shared/ (and UI libraries); it talks to main through the preload API.',
            ),
            pattern(['electron', ...nodeBuiltins], 'renderer/ runs sandboxed: no Node or Electron imports.'),
          ],
        },
      ],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(
              ['electron', 'electron/*'],
              'electron/engine/ never imports electron: the CLI runs it under plain Node.',
            ),
            pattern(
              ['**/renderer/**', '../cli/*', '../*.ts', '../main', '../preload', '../ipc*'],
              'electron/engine/ depends only on shared/ and Node.',
            ),
          ],
        },
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/ipc-main-typed.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'electron', property: 'ipcMain', message: 'Use the typed wrappers in electron/ipc-main-typed.ts.' },
      ],
    },
  },
);
