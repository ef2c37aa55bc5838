import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startReferenceConfigServer } from '../../e2e/config-server/reference-config-server';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI, runCli } from '../engine/test-support/run-cli';

// The diagnostics bundle: named files only, private, and nothing secret in it.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe('--collect-diagnostics', () => {
  it('writes a 0600 gzip tar of the logs, state, release files, preflight, status and package list; no secret in it', async () => {
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0'));
    const root = makeRoot(scratch);
    expect(
      (await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--repository', repo, '--root', root])).code,
    ).toBe(0);
    const passphraseFile = scratch.path('passphrase');
    const canary = 'diagnostics-canary-5b1e';
    fs.writeFileSync(passphraseFile, `${canary}\n`, { mode: 0o600 });
    const cs = await startReferenceConfigServer({ port: 0, passphraseFile });
    try {
      expect(
        (await runCli(CLI.configurator, ['-i', `127.0.0.1:${cs.port}`, '-P', passphraseFile, '--json', '--root', root]))
          .code,
      ).toBe(0);
    } finally {
      await cs.close();
    }
    const out = path.join(scratch.path('support'), 'bundle.tar.gz');
    fs.mkdirSync(path.dirname(out), { mode: 0o700 });
    const run = await runCli(CLI.unifiedAgent, [
      '/CollectDiagnostics',
      out,
      '/Json',
      '/Root',
      root,
      '/Repository',
      repo,
    ]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.result?.summary?.file).toBe(out);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const listing = execFileSync('tar', ['-tzf', out], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listing).toEqual(
      [
        'diagnostics/logs/ASRUnifiedAgentConfigurator.log',
        'diagnostics/logs/ASRUnifiedAgentInstaller.log',
        'diagnostics/os/etc/os-release',
        'diagnostics/preflight.json',
        'diagnostics/repository-packages.txt',
        // How the service is set up (here a unit, under --root in a root without SysV init scripts).
        'diagnostics/service/asr-mobility.service',
        'diagnostics/state/install-record.json',
        'diagnostics/state/registration-status.json',
        'diagnostics/status.json',
      ].sort(),
    );
    const unpacked = scratch.path('unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', out, '-C', unpacked]);
    const all = execFileSync(
      'cat',
      listing.map((name) => path.join(unpacked, name)),
      { encoding: 'utf8' },
    );
    expect(all).not.toContain(canary);
    expect(all).toContain('"installed": true');
    expect(all).toContain('Microsoft-ASR_UA_9.60.0.0_DEBIAN12-64');

    const again = await runCli(CLI.unifiedAgent, ['--collect-diagnostics', out, '--json', '--root', root]);
    expect(again.code).toBe(2);
    expect(again.stdout).toMatch(/exists already/);
  });
});

describe('--collect-diagnostics with a repository root does not own', () => {
  it('refuses a --repository another user can change, and never opens a FIFO named like a package', async () => {
    const root = makeRoot(scratch);
    const userRepo = scratch.path('user-repo');
    fs.mkdirSync(userRepo, { mode: 0o755 });
    fs.chownSync(userRepo, 65534, 65534);
    // A FIFO named like a package would block whoever opened it.
    execFileSync('mkfifo', [path.join(userRepo, 'Microsoft-ASR_UA_9.60.0.0_DEBIAN12-64_GA_01Dec2026_release.tar.gz')]);
    const out = path.join(scratch.path('support'), 'bundle.tar.gz');
    fs.mkdirSync(path.dirname(out), { mode: 0o700 });
    const refused = await runCli(CLI.unifiedAgent, [
      '--collect-diagnostics',
      out,
      '--json',
      '--root',
      root,
      '--repository',
      userRepo,
    ]);
    expect(refused.code).toBe(2);
    expect(refused.result?.error?.message).toMatch(/--repository .*belongs to uid 65534/);
    // In a repository root owns, a FIFO is not a package: it is left alone, never opened.
    const rootRepo = scratch.path('root-repo');
    fs.mkdirSync(rootRepo, { mode: 0o755 });
    execFileSync('mkfifo', [path.join(rootRepo, 'Microsoft-ASR_UA_9.60.0.0_DEBIAN12-64_GA_01Dec2026_release.tar.gz')]);
    const run = await runCli(
      CLI.unifiedAgent,
      ['--collect-diagnostics', out, '--json', '--root', root, '--repository', rootRepo],
      { timeoutMs: 30_000 },
    );
    expect(run.code, run.stdout).toBe(0);
    const packages = execFileSync('tar', ['-xzOf', out, 'diagnostics/repository-packages.txt'], { encoding: 'utf8' });
    expect(packages.trim()).toBe('');
  });
});
