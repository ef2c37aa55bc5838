import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceConfigServer } from '../../e2e/config-server/reference-config-server';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { startSilentPeer } from '../engine/test-support/fake-servers';
import { CLI, runCli, startCli } from '../engine/test-support/run-cli';

// --cancel-on-stdin-eof: how the wizard cancels a registration that runs as root (pkexec), which it cannot
// signal: the passphrase is the first line of stdin, and stdin closing after it cancels. It used to be
// impossible to cancel "Registering…" at all.

const scratch = new Scratch();
let root: string;
beforeAll(async () => {
  const repo = scratch.path('repo');
  await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0'));
  root = makeRoot(scratch);
  const run = await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--repository', repo, '--root', root]);
  expect(run.code).toBe(0);
});
afterAll(() => scratch.cleanup());

const registrationFile = () => path.join(root, 'usr/local/ASR/.asrsetup/registration.json');

describe('--cancel-on-stdin-eof', () => {
  it('stdin closed while the server has not answered: CANCELLED at once, nothing registered', async () => {
    const peer = await startSilentPeer();
    try {
      const run = startCli(
        CLI.configurator,
        ['-i', `127.0.0.1:${peer.port}`, '-P', '-', '--cancel-on-stdin-eof', '--json', '--root', root],
        { input: 'a-passphrase\n', keepStdinOpen: true },
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(run.child.exitCode).toBeNull();
      run.child.stdin?.end();
      const { code, result, stdout } = await run.done;
      expect(code).toBe(4);
      expect(result?.error?.code).toBe('CANCELLED');
      expect(fs.existsSync(registrationFile())).toBe(false);
      expect(stdout).not.toContain('a-passphrase');
    } finally {
      await peer.close();
    }
  });

  it('left open, the registration finishes and the process exits without waiting for stdin', async () => {
    const passphraseFile = scratch.path('cs-passphrase');
    fs.writeFileSync(passphraseFile, 'the-passphrase\n', { mode: 0o600 });
    const cs = await startReferenceConfigServer({ port: 0, passphraseFile, stateFile: scratch.path('cs.json') });
    try {
      const run = startCli(
        CLI.configurator,
        ['-i', `127.0.0.1:${cs.port}`, '-P', '-', '--cancel-on-stdin-eof', '--json', '--root', root],
        { input: 'the-passphrase\n', keepStdinOpen: true },
      );
      const { code, result } = await run.done;
      expect(code, JSON.stringify(result)).toBe(0);
      expect(cs.registeredHosts()).toHaveLength(1);
      expect(fs.existsSync(registrationFile())).toBe(true);
      run.child.stdin?.end();
    } finally {
      await cs.close();
    }
  });

  it('needs -P -, and is not given with --proceed-on-stdin', async () => {
    const file = scratch.path('p');
    fs.writeFileSync(file, 'x\n', { mode: 0o600 });
    const withFile = await runCli(CLI.configurator, [
      '-i',
      '127.0.0.1:9',
      '-P',
      file,
      '--cancel-on-stdin-eof',
      '--json',
    ]);
    expect(withFile.result?.error?.message).toMatch(/--cancel-on-stdin-eof .* needs -P -/);
    const both = await runCli(
      CLI.configurator,
      ['-i', '127.0.0.1:9', '-P', '-', '--cancel-on-stdin-eof', '--proceed-on-stdin', '--json'],
      { input: 'x\n' },
    );
    expect(both.code).toBe(2);
    expect(both.result?.error?.message).toMatch(/cannot be used together/);
  });
});
