import * as path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { TOP } from './engine/test-support/run-cli';

// The layering lives in eslint.config.js; these cases prove each rule fires on the import it forbids (and
// stays quiet on the import it allows), so a config edit that silently drops a rule fails here.

const eslint = new ESLint({ cwd: TOP });

async function problems(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(TOP, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'import-x/no-restricted-paths' || m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('layering rules', () => {
  it.each([
    [
      'electron/engine/system/new-file.ts',
      "export { acquireInstallLock } from '../install/install-lock';",
      /lower layer/,
    ],
    [
      'electron/engine/package/new-file.ts',
      "export { runRegistration } from '../registration/registration-job';",
      /lower layer/,
    ],
    ['electron/engine/log/new-file.ts', "export { runInstall } from '../install/install-job';", /lower layer/],
    ['electron/engine/system/new-file.ts', "export { runPush } from '../push/push-run';", /lower layer/],
    [
      'electron/engine/system/new-file.ts',
      "export { extractPackage } from '../package/safe-extract';",
      /below package/,
    ],
    [
      'electron/engine/install/new-file.ts',
      "export { JobSlot } from '../../service/job-slot';",
      /depends only on shared/,
    ],
    ['electron/service/new-file.ts', "export { chooseOutputMode } from '../cli/cli-output';", /application service/],
    ['electron/service/new-file.ts', "import { app } from 'electron';\nexport const a = app;", /Only electron\/main/],
    [
      'electron/engine/install/new-file.ts',
      "import { app } from 'electron';\nexport const a = app;",
      /Only electron\/main/,
    ],
    ['electron/cli/new-file.ts', "export { createSecureWindow } from '../main/window-security';", /run the engine/],
    [
      'e2e/harness/new-file.ts',
      "export { createSecureWindow } from '../../electron/main/window-security';",
      /without Electron/,
    ],
    [
      'shared/new-file.ts',
      "export { systemLayout } from '../electron/engine/system/system-layout';",
      /imports nothing of ours/,
    ],
    ['shared/new-file.ts', "import * as fs from 'node:fs';\nexport const f = fs;", /pure TypeScript/],
    [
      'renderer/new-file.ts',
      "export { SETUP_VERSION } from '../electron/engine/install/install-job';",
      /imports only shared/,
    ],
  ])('%s: %s is refused', async (file, code, message) => {
    const found = await problems(file, code);
    expect(found.length, found.join('\n')).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(message);
  });

  it.each([
    ['electron/engine/install/new-file.ts', "export { systemLayout } from '../system/system-layout';"],
    ['electron/engine/registration/new-file.ts', "export { acquireInstallLock } from '../install/install-lock';"],
    ['electron/service/new-file.ts', "export { runPreflight } from '../engine/install/preflight';"],
    ['electron/main/new-file.ts', "import { app } from 'electron';\nexport const a = app;"],
    ['e2e/harness/new-file.ts', "export { createSetupService } from '../../electron/service/setup-service';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await problems(file, code)).toEqual([]);
  });
});
