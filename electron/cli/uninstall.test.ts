import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceConfigServer } from '../../e2e/config-server/reference-config-server';
import { agentPayload, makePackage, makeRoot, Scratch, snapshotTree } from '../engine/test-support/fixtures';
import { CLI, runCli, startCli, waitForFile } from '../engine/test-support/run-cli';

// Uninstall as deployment tools run it again and again: it removes exactly what setup laid down, keeps what
// the admin put beside it, unregisters when given the passphrase, and survives a kill -9 at any moment.

const scratch = new Scratch();
let repo: string;
let payloadDir: string;
beforeAll(async () => {
  repo = scratch.path('repo');
  ({ payloadDir } = await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0')));
});
afterAll(() => scratch.cleanup());

async function installed(): Promise<string> {
  const root = makeRoot(scratch);
  const run = await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--repository', repo, '--root', root]);
  expect(run.code).toBe(0);
  return root;
}

const location = (root: string): string => path.join(root, 'usr/local/ASR');

/** What is left of the agent on the system: the location, the record, .vx_version, any journal or staging. */
function remains(root: string): string[] {
  const found: string[] = [];
  for (const file of [
    'usr/local/ASR',
    'usr/local/.vx_version',
    'var/lib/ASRSetup/install-record.json',
    'var/lib/ASRSetup/uninstall-journal.json',
  ])
    if (fs.existsSync(path.join(root, file))) found.push(file);
  for (const name of fs.readdirSync(path.join(root, 'usr/local'))) if (name.includes('ASRSetup')) found.push(name);
  return found;
}

describe('--uninstall', () => {
  it('removes the agent, its record and .vx_version; the logs stay; again: not installed, nothing to remove', async () => {
    const root = await installed();
    expect(fs.existsSync(path.join(root, 'usr/local/.vx_version'))).toBe(true);
    const run = await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root]);
    expect(run.code, run.stdout).toBe(0);
    expect(remains(root)).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'), 'utf8')).toMatch(
      /\(uninstaller\)[\s\S]*removed \/usr\/local\/ASR/,
    );
    const again = await runCli(CLI.unifiedAgent, ['/Uninstall', '/Silent', '/Json', '/Root', root]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/not installed; nothing to remove/);
  });

  it('plans exactly the steps it will run before the first one starts (no unregister when not registered)', async () => {
    const root = await installed();
    const run = await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root]);
    expect(run.code, run.stdout).toBe(0);
    const plans = run.events.filter((event) => event.type === 'plan');
    expect(plans).toHaveLength(1);
    const planned = plans[0]?.type === 'plan' ? plans[0].steps.map((step) => step.title) : [];
    expect(planned).toEqual([
      'Find the installed agent',
      expect.stringMatching(/^Remove the .+ service$/),
      'Remove the agent from /usr/local/ASR',
    ]);
    const started = run.events.flatMap((event) => (event.type === 'step-started' ? [event.step.title] : []));
    expect(started).toEqual(planned);
    const planAt = run.events.indexOf(plans[0] as (typeof run.events)[number]);
    expect(planAt).toBeLessThan(run.events.findIndex((event) => event.type === 'step-started'));
  });

  it('refuses a --root another user owns, and a recorded location that is a symbolic link: nothing is moved', async () => {
    const theirs = await installed();
    fs.chownSync(theirs, 65534, 65534);
    const refused = await runCli(CLI.unifiedAgent, ['--uninstall', '-q', '--json', '--root', theirs]);
    expect(refused.code).toBe(2);
    expect(refused.result?.error?.message).toMatch(/^--root .*belongs to uid 65534/);
    expect(fs.existsSync(location(theirs))).toBe(true);

    // The record names /usr/local/ASR, which is now a link to a root-only folder holding someone's secrets.
    const root = await installed();
    const secrets = scratch.path('root-only');
    fs.mkdirSync(secrets, { mode: 0o700 });
    fs.writeFileSync(path.join(secrets, 'id_rsa'), 'private');
    fs.rmSync(location(root), { recursive: true });
    fs.symlinkSync(secrets, location(root));
    const run = await runCli(CLI.unifiedAgent, ['--uninstall', '-q', '--json', '--root', root]);
    expect(run.code).not.toBe(0);
    expect(run.result?.error?.code).toBe('INSTALL_LOCATION_INVALID');
    expect(run.result?.error?.message).toMatch(/symbolic link.*nothing was removed/);
    expect(fs.readdirSync(secrets)).toEqual(['id_rsa']);
    expect(fs.lstatSync(location(root)).isSymbolicLink()).toBe(true);
  });

  it('keeps what setup did not put there, names it, and removes the folder only when empty', async () => {
    const root = await installed();
    fs.writeFileSync(path.join(location(root), 'notes.txt'), 'mine');
    const someFolder = Object.keys(snapshotTree(payloadDir)).find((p) => p.endsWith('/')) as string;
    fs.writeFileSync(path.join(location(root), someFolder, 'custom.conf'), 'also mine');
    const run = await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root]);
    expect(run.code).toBe(0);
    expect(run.result?.summary?.kept?.split(', ').sort()).toEqual([`${someFolder}custom.conf`, 'notes.txt'].sort());
    expect(Object.keys(snapshotTree(location(root))).sort()).toEqual(
      [someFolder, `${someFolder}custom.conf`, 'notes.txt'].sort(),
    );
  });

  it('with -P removes the server from its configuration server; an unreachable one is a Warning naming the entry left', async () => {
    const root = await installed();
    const passphraseFile = scratch.path('passphrase');
    fs.writeFileSync(passphraseFile, 'uninstall passphrase\n', { mode: 0o600 });
    const cs = await startReferenceConfigServer({ port: 0, passphraseFile });
    const register = await runCli(CLI.configurator, [
      '-i',
      `127.0.0.1:${cs.port}`,
      '-P',
      passphraseFile,
      '--json',
      '--root',
      root,
    ]);
    expect(register.code).toBe(0);
    const port = cs.port;
    const hostId = cs.registeredHosts()[0]?.hostId as string;
    await cs.close();
    // The CS is gone: the agent still goes, and the result names what is left on the CS.
    const unreachable = await runCli(CLI.unifiedAgent, ['--uninstall', '-P', passphraseFile, '--json', '--root', root]);
    expect(unreachable.code).toBe(0);
    expect(unreachable.result?.status).toBe('Warning');
    const step = unreachable.events.find((e) => e.type === 'step-finished' && e.stepId === 'unregister');
    expect(step?.type === 'step-finished' && step.message).toMatch(
      new RegExp(`keeps its entry for host ${hostId}: remove it there`),
    );
    expect(remains(root)).toEqual([]);

    const root2 = await installed();
    const cs2 = await startReferenceConfigServer({ port: 0, passphraseFile });
    try {
      expect(
        (
          await runCli(CLI.configurator, [
            '-i',
            `127.0.0.1:${cs2.port}`,
            '-P',
            passphraseFile,
            '--json',
            '--root',
            root2,
          ])
        ).code,
      ).toBe(0);
      expect(cs2.registeredHosts()).toHaveLength(1);
      // A wrong passphrase stops before anything changes, and the result says so for the wizard.
      const refused = await runCli(CLI.unifiedAgent, ['--uninstall', '-P', '-', '--json', '--root', root2], {
        input: 'not the passphrase\n',
      });
      expect(refused.result?.error?.code).toBe('CS_AUTH_FAILED');
      expect(refused.result?.summary).toEqual({ removed: 'nothing' });
      expect(fs.existsSync(location(root2))).toBe(true);
      expect(cs2.registeredHosts()).toHaveLength(1);
      const run = await runCli(CLI.unifiedAgent, ['--uninstall', '-P', '-', '--json', '--root', root2], {
        input: 'uninstall passphrase\n',
      });
      expect(run.result?.status, run.stdout).toBe('Succeeded');
      expect(cs2.registeredHosts()).toEqual([]);
      expect(run.stdout).toContain("removed the agent's asr-mobility service");
      expect(run.stdout).not.toContain('of the previous version');
      expect(run.stdout).not.toContain('uninstall passphrase');
    } finally {
      await cs2.close();
    }
    void port;
  });

  it.each(['uninstall-after-journal', 'uninstall-after-move'])(
    'killed at %s: the payload is whole or gone, and the next uninstall (or install) finishes it',
    async (failpoint) => {
      for (const next of ['uninstall', 'install'] as const) {
        const root = await installed();
        fs.writeFileSync(path.join(location(root), 'notes.txt'), 'mine');
        const dir = scratch.path('failpoint');
        fs.mkdirSync(dir);
        const { child, done } = startCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root], {
          env: { ASRSETUP_TEST_FAILPOINT: failpoint, ASRSETUP_TEST_FAILPOINT_DIR: dir },
        });
        await waitForFile(path.join(dir, `${failpoint}.reached`));
        child.kill('SIGKILL');
        expect((await done).signal).toBe('SIGKILL');
        // Whole (not yet moved) or gone (moved aside): never a half-removed tree at the install location.
        const atLocation = fs.existsSync(location(root)) ? Object.keys(snapshotTree(location(root))) : [];
        if (failpoint === 'uninstall-after-move') expect(atLocation).toEqual([]);
        else expect(atLocation.length).toBeGreaterThan(1);

        const rerun =
          next === 'uninstall'
            ? await runCli(CLI.unifiedAgent, ['--uninstall', '--json', '--root', root])
            : // Killed before the move the agent is whole, and the install repairs it where it is; after the
              // move it is gone, and the admin's notes.txt keeps /usr/local/ASR, so it goes elsewhere.
              await runCli(CLI.unifiedAgent, [
                ...['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root],
                ...(failpoint === 'uninstall-after-move' ? ['-d', '/opt/ASR'] : []),
              ]);
        expect(rerun.code, rerun.stdout).toBe(0);
        if (next === 'uninstall' || failpoint === 'uninstall-after-move') {
          expect(fs.readdirSync(path.join(root, 'usr/local')).filter((n) => n.includes('ASRSetup'))).toEqual([]);
          expect(fs.existsSync(path.join(root, 'var/lib/ASRSetup/uninstall-journal.json'))).toBe(false);
        }
        if (next === 'uninstall') {
          expect(Object.keys(snapshotTree(location(root)))).toEqual(['notes.txt']);
          expect(remains(root)).toEqual(['usr/local/ASR']);
        }
      }
    },
  );
});
