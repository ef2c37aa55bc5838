import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOP } from './engine/test-support/run-cli';

// The house rules for sources (tests aside): no file over 400 lines, wherever it is (the app, the CLIs, the
// benchmarks, the e2e harness and test machines, the build scripts, the Ansible role and ConfigMgr script, the
// Windows launcher), and at most a handful of files directly in electron/ and electron/engine/, the rest in
// folders by concern.

const SOURCE_PATTERNS = ['*.ts', '*.tsx', '*.mjs', '*.cjs', '*.sh', '*.py', '*.yml', '*.yaml', '*.c', '*.nsi'];

const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', ...SOURCE_PATTERNS], {
  cwd: TOP,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file && fs.existsSync(path.join(TOP, file)))
  .filter((file) => !/\.(test|spec)\.tsx?$/.test(file));

describe('source files', () => {
  it('include the benchmarks, the e2e harness, the build scripts and the deployment scripts', () => {
    for (const folder of ['bench/', 'e2e/', 'scripts/', 'deploy/configmgr/', 'deploy/ansible/'])
      expect(
        sources.some((file) => file.startsWith(folder)),
        folder,
      ).toBe(true);
    expect(sources).toContain('deploy/configmgr/install_linux.sh');
  });

  it('are at most 400 lines each', () => {
    const long = sources
      .map((file) => ({ file, lines: fs.readFileSync(path.join(TOP, file), 'utf8').split('\n').length - 1 }))
      .filter(({ lines }) => lines > 400);
    expect(long).toEqual([]);
  });

  it('stand in folders by concern: at most 6 directly in electron/ and 8 directly in electron/engine/', () => {
    const directlyIn = (folder: string) => sources.filter((file) => path.dirname(file) === folder);
    expect(directlyIn('electron').length).toBeLessThanOrEqual(6);
    expect(directlyIn('electron/engine').length).toBeLessThanOrEqual(8);
  });
});
