import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { reactOnPreact } from './vite.config.ts';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'shared/**/*.test.ts',
            'electron/**/*.test.ts',
            'e2e/**/*.unit.test.ts',
            'bench/**/*.test.ts',
            'deploy/**/*.test.ts',
          ],
          // Integration tests spawn the CLIs and mount tmpfs; two at a time keeps a 2-core machine honest.
          maxWorkers: 2,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        plugins: [react()],
        resolve: {
          alias: reactOnPreact,
          // The ES builds, as the bundle takes them: a CommonJS main (react-intl's, Testing Library's) would
          // require react past the aliases.
          mainFields: ['module', 'main'],
        },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          setupFiles: ['renderer/test-setup.ts'],
          // Inlined so that their own imports of react resolve to Preact too, as in the bundle.
          server: {
            deps: { inline: [/@testing-library\/react/, /react-intl/, /zustand/, /@tanstack\/react-virtual/] },
          },
          maxWorkers: 2,
        },
      },
    ],
  },
});
