import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceConfigServer } from '../../e2e/config-server/reference-config-server';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI, runCli } from '../engine/test-support/run-cli';

// The agent's life after the install: --status for deployment tools, and /usr/local/.vx_version as ASR
// writes it, which Configuration Manager's documented scripts read.

const scratch = new Scratch();
let repo: string;
beforeAll(async () => {
  repo = scratch.path('repo');
  await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0'));
});
afterAll(() => scratch.cleanup());

async function status(root: string, syntax: 'posix' | 'windows' = 'posix'): Promise<Record<string, unknown>> {
  const args = syntax === 'posix' ? ['--status', '--json', '--root', root] : ['/Status', '/Json', '/Root', root];
  const run = await runCli(CLI.unifiedAgent, args);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim()) as Record<string, unknown>;
}

function vxVersion(root: string): string | undefined {
  const file = path.join(root, 'usr/local/.vx_version');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

describe('--status and .vx_version', () => {
  it('say nothing is installed, then what was installed, then where it is registered', async () => {
    const root = makeRoot(scratch);
    expect(await status(root, 'windows')).toEqual({
      type: 'status',
      installed: false,
      agentVersion: null,
      installLocation: null,
      role: null,
      platform: null,
      registration: null,
      service: 'absent',
      lastResult: null,
    });
    expect(vxVersion(root)).toBeUndefined();

    const install = await runCli(CLI.unifiedAgent, [
      '-r',
      'MT',
      '-v',
      'Azure',
      '-q',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(install.code).toBe(0);
    expect(await status(root)).toMatchObject({
      installed: true,
      agentVersion: '9.60.0.0',
      installLocation: '/usr/local/ASR',
      role: 'MT',
      platform: 'Azure',
      registration: null,
      // Under --root nothing can ask a service manager.
      service: 'unknown',
      lastResult: { status: 'Succeeded' },
    });
    // Durable commit: one syncfs over the new tree before the record (the commit point) is written.
    const installerLog = fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'), 'utf8');
    expect(installerLog).toMatch(/payload flushed to disk in \d+ ms[\s\S]*recorded in/);
    expect(vxVersion(root)).toBe(
      'VERSION=9.60.0.0\nINSTALLATION_DIR=/usr/local/ASR\nROLE=MT\nPLATFORM=Azure\nAGENT_CONFIGURATION_STATUS=NotConfigured\n',
    );

    const passphraseFile = scratch.path('passphrase');
    fs.writeFileSync(passphraseFile, 'lifecycle passphrase\n', { mode: 0o600 });
    const cs = await startReferenceConfigServer({ port: 0, passphraseFile });
    try {
      const register = await runCli(CLI.configurator, [
        '-i',
        `127.0.0.1:${cs.port}`,
        '-P',
        passphraseFile,
        '--json',
        '--root',
        root,
      ]);
      expect(register.code, register.stdout).toBe(0);
      const hostId = cs.registeredHosts()[0]?.hostId;
      expect(await status(root)).toMatchObject({ registration: { csEndpoint: `127.0.0.1:${cs.port}`, hostId } });
      expect(vxVersion(root)).toContain('AGENT_CONFIGURATION_STATUS=Succeeded\n');
      expect(vxVersion(root)).toContain(`HOST_ID=${hostId}\n`);

      // Unregister: a wrong passphrase keeps everything; the right one removes the host on both sides.
      const wrong = scratch.path('wrong-passphrase');
      fs.writeFileSync(wrong, 'not it\n', { mode: 0o600 });
      const refused = await runCli(CLI.configurator, ['-u', '-P', wrong, '--json', '--root', root]);
      expect(refused.result?.error?.code).toBe('CS_AUTH_FAILED');
      expect(cs.registeredHosts()).toHaveLength(1);
      expect(await status(root)).toMatchObject({ registration: { hostId } });
      const removed = await runCli(CLI.configurator, [
        '/Unregister',
        '/PassphraseFilePath',
        passphraseFile,
        '/Json',
        '/Root',
        root,
      ]);
      expect(removed.code, removed.stdout).toBe(0);
      expect(cs.registeredHosts()).toEqual([]);
      expect(await status(root)).toMatchObject({ installed: true, registration: null });
      expect(vxVersion(root)).toContain('AGENT_CONFIGURATION_STATUS=NotConfigured\n');
      expect(fs.existsSync(path.join(root, 'usr/local/ASR/.asrsetup/registration.json'))).toBe(false);
      // Again: nothing to remove, and that is success, so automation can run it again and again.
      const again = await runCli(CLI.configurator, ['-u', '-P', passphraseFile, '--json', '--root', root]);
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(/not registered with a configuration server; nothing to remove/);
    } finally {
      await cs.close();
    }
  });

  it('prints a human summary without --json', async () => {
    const root = makeRoot(scratch);
    const run = await runCli(CLI.unifiedAgent, ['--status', '--root', root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('The Mobility service agent is not installed.\n');
  });

  it('exits 1 when the state cannot be read', async () => {
    const root = makeRoot(scratch);
    fs.mkdirSync(path.join(root, 'var/lib/ASRSetup'), { recursive: true });
    fs.writeFileSync(path.join(root, 'var/lib/ASRSetup/install-record.json'), '{ damaged');
    const run = await runCli(CLI.unifiedAgent, ['--status', '--json', '--root', root]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/the install state cannot be read/);
  });
});
