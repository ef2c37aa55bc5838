import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI, runCli } from '../engine/test-support/run-cli';

// Security review finding 11: `-P 'the passphrase itself'`, typed instead of a file path, was written to
// the 0644 configurator log and printed in the error.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const TYPED = 'sunshine-typed-in-by-mistake';

describe('a -P value that is no readable file', () => {
  it.each([
    ['Linux syntax', ['-i', '127.0.0.1:9', '-P', TYPED]],
    ['Windows syntax', ['/CSEndPoint', '127.0.0.1:9', '/PassphraseFilePath', TYPED]],
  ])('(%s) is PASSPHRASE_FILE_UNREADABLE and shown nowhere', async (_syntax, args) => {
    const root = makeRoot(scratch);
    const run = await runCli(CLI.configurator, [...args, '--json', '--root', root]);
    expect(run.code).toBe(2);
    expect(run.result?.error?.code).toBe('PASSPHRASE_FILE_UNREADABLE');
    expect(run.result?.error?.message).toMatch(/does not exist; its name is not shown/);
    expect(run.stdout + run.stderr).not.toContain(TYPED);
    const logs = path.join(root, 'var', 'log', 'ASRSetupLogs');
    for (const file of fs.existsSync(logs) ? fs.readdirSync(logs) : [])
      expect(fs.readFileSync(path.join(logs, file), 'utf8')).not.toContain(TYPED);
  });
});
