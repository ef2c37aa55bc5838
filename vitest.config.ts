import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

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
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/**/*.test.ts', 'renderer/**/*.test.tsx'],
          setupFiles: ['renderer/test-setup.ts'],
          maxWorkers: 2,
        },
      },
    ],
  },
});
