import * as fs from 'node:fs';
import * as path from 'node:path';

// Named points in the install where a test can stop the engine and kill -9 it, to prove that the next run
// finishes or undoes the interrupted one. Set ASRSETUP_TEST_FAILPOINT=name and ASRSETUP_TEST_FAILPOINT_DIR=dir:
// at that point the engine writes dir/name.reached and waits until dir/name.continue exists. Only a caller
// who can already set a root process's environment can use it, and it can only pause the run.

export type FailpointName =
  | 'after-plan'
  | 'after-journal'
  | 'mid-extract'
  | 'after-extract'
  | 'after-backup'
  | 'after-swap'
  | 'after-components'
  | 'after-service'
  | 'after-record'
  | 'uninstall-after-journal'
  | 'uninstall-after-move';

export interface Failpoints {
  reach(name: FailpointName): Promise<void>;
}

export const noFailpoints: Failpoints = { reach: async () => undefined };

export function failpointsFromEnv(env: NodeJS.ProcessEnv): Failpoints {
  const names = new Set((env.ASRSETUP_TEST_FAILPOINT ?? '').split(',').filter(Boolean));
  const dir = env.ASRSETUP_TEST_FAILPOINT_DIR;
  if (names.size === 0 || !dir) return noFailpoints;
  return {
    async reach(name) {
      if (!names.has(name)) return;
      fs.writeFileSync(path.join(dir, `${name}.reached`), String(process.pid));
      while (!fs.existsSync(path.join(dir, `${name}.continue`)))
        await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}
