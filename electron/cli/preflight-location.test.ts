import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI, runCli } from '../engine/test-support/run-cli';

// The prerequisites of a location that is not a folder: the location check says why, and the free-space check
// measures nothing at a file (it used to say "72 GiB free at …/afile", as if the file were a place to install).

const scratch = new Scratch();
let repo: string;
beforeAll(async () => {
  repo = scratch.path('repo');
  await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0'));
});
afterAll(() => scratch.cleanup());

interface Check {
  readonly id: string;
  readonly ok: boolean | null;
  readonly message?: string;
}

function checksOf(stdout: string): Check[] {
  const line = stdout.split('\n').find((l) => l.includes('"id":"disk"')) ?? '';
  const checks = [
    ...line.matchAll(/\{"id":"(\w+)","title":"[^"]*","ok":(true|false|null)(?:,"message":"((?:[^"\\]|\\.)*)")?/g),
  ];
  return checks.map((match) => ({
    id: match[1] as string,
    ok: match[2] === 'null' ? null : match[2] === 'true',
    message: match[3],
  }));
}

describe('--preflight with a file as the install location', () => {
  it.each(['/opt/afile', '/opt/afile/agent'])(
    '%s: the location fails, and no free space is claimed at a file',
    async (location) => {
      const root = makeRoot(scratch);
      fs.mkdirSync(path.join(root, 'opt'));
      fs.writeFileSync(path.join(root, 'opt', 'afile'), 'not a folder');
      const run = await runCli(CLI.unifiedAgent, [
        ...['-r', 'MS', '-v', 'VmWare', '--json', '--preflight', '-d', location, '--repository', repo, '--root', root],
      ]);
      const checks = checksOf(run.stdout);
      const disk = checks.find((check) => check.id === 'disk');
      expect(disk?.ok, run.stdout).toBeNull();
      expect(disk?.message).toMatch(/not measured: .*\/opt\/afile is a file, not a folder/);
      expect(disk?.message).not.toMatch(/free at/);
      expect(checks.find((check) => check.id === 'location')?.ok).toBe(false);
    },
  );
});
