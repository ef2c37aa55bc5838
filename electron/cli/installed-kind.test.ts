import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI, runCli } from '../engine/test-support/run-cli';

// A role or platform other than the installed agent's is not an "upgrade": it used to go through as one
// ("Upgraded master target to 9.61.0.0"), keeping the MS/VMware registration under a different kind of agent.

const scratch = new Scratch();
let repo: string;
beforeEach(async () => {
  repo = scratch.path(`repo-${Math.random().toString(36).slice(2)}`);
  await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0'));
});
afterAll(() => scratch.cleanup());

function recordOf(root: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(root, 'var/lib/ASRSetup/install-record.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** An MS/VMware install (or repair, or upgrade) of the repository's newest package into root. */
const installMsVmware = (root: string) =>
  runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--json', '--repository', repo, '--root', root]);

async function installedRoot(): Promise<string> {
  const root = makeRoot(scratch);
  const first = await installMsVmware(root);
  expect(first.code, first.stdout).toBe(0);
  return root;
}

describe('an installed agent keeps its role and platform', () => {
  it.each([
    [['-r', 'MT', '-v', 'VmWare'], /with the role Mobility service \(MS\), not master target \(MT\)$/],
    [['-r', 'MS', '-v', 'Azure'], /with the platform VMware or physical \(VmWare\), not Azure$/],
    [
      ['-r', 'MT', '-v', 'Azure'],
      /role Mobility service \(MS\), not master target \(MT\) and the platform .* not Azure$/,
    ],
  ])('%j is refused before anything changes, with "uninstall first"', async (kind, message) => {
    const root = await installedRoot();
    await makePackage(scratch, repo, '9.61.0.0', agentPayload('9.61.0.0'));
    const before = fs.readFileSync(path.join(root, 'var/lib/ASRSetup/install-record.json'), 'utf8');
    const run = await runCli(CLI.unifiedAgent, [...kind, '-q', '--json', '--repository', repo, '--root', root]);
    expect(run.code).toBe(1);
    expect(run.result?.error?.code).toBe('INSTALLED_AGENT_DIFFERS');
    expect(run.result?.error?.message).toMatch(message);
    expect(run.result?.error?.remedy).toMatch(/Install with role MS and platform VmWare .* or uninstall it first/);
    expect(fs.readFileSync(path.join(root, 'var/lib/ASRSetup/install-record.json'), 'utf8')).toBe(before);
    expect(recordOf(root)).toMatchObject({ role: 'MS', platform: 'VmWare', agentVersion: '9.60.0.0' });
  });

  it('--preflight says so in the version check; the same kind still upgrades', async () => {
    const root = await installedRoot();
    const preflight = await runCli(CLI.unifiedAgent, [
      ...['-r', 'MT', '-v', 'VmWare', '--json', '--preflight', '--repository', repo, '--root', root],
    ]);
    expect(preflight.code).toBe(1);
    expect(preflight.stdout).toMatch(/"id":"version","title":"[^"]*","ok":false/);
    expect(preflight.result?.error?.code).toBe('INSTALLED_AGENT_DIFFERS');
    const same = await installMsVmware(root);
    expect(same.code, same.stdout).toBe(0);
    expect(recordOf(root)).toMatchObject({ role: 'MS', platform: 'VmWare' });
  });
});
