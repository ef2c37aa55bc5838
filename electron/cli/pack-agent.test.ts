import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRoot, Scratch, snapshotTree, writePayload } from '../engine/test-support/fixtures';
import { CLI, runCli } from '../engine/test-support/run-cli';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

describe('pack-agent', () => {
  it('builds a package the installer accepts, creating --out when missing', async () => {
    const from = writePayload(scratch.path('payload'), {
      'bin/agent': { content: '#!/bin/sh\n', mode: 0o755 },
      'doc/readme.txt': 'hello',
    });
    const out = path.join(scratch.path('nested'), 'deeper', 'repo');
    const run = await runCli(CLI.packAgent, [
      '--from',
      from,
      '--os',
      'ubuntu-22.04-64',
      '--agent-version',
      '9.61.0.0',
      '--out',
      out,
      '--date',
      '2026-11-03',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(
      path.join(out, 'Microsoft-ASR_UA_9.61.0.0_UBUNTU-22.04-64_GA_03Nov2026_release.tar.gz'),
    );
    const root = makeRoot(scratch, {
      'etc/os-release': 'ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n',
    });
    const install = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '-q',
      '--repository',
      out,
      '--root',
      root,
    ]);
    expect(install.code).toBe(0);
    expect(snapshotTree(path.join(root, 'usr/local/ASR'), ['.asrsetup'])).toEqual(snapshotTree(from));
  });

  it('refuses a payload file that group or others could write, naming it and the fix', async () => {
    const from = writePayload(scratch.path('open-payload'), { 'bin/agent': { content: '#!/bin/sh\n', mode: 0o775 } });
    const run = await runCli(CLI.packAgent, [
      '--from',
      from,
      '--os',
      'DEBIAN12-64',
      '--agent-version',
      '9.61.0.0',
      '--out',
      scratch.path('open-out'),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bin\/agent" can be written by group or others \(mode 775\).*chmod go-w/);
  });

  it.each([
    [['--os', 'DEBIAN12-64', '--agent-version', '9.60.0.0', '--out', '/tmp/x'], /--from is required/],
    [
      ['--from', '/tmp', '--os', 'FEDORA-64', '--agent-version', '9.60.0.0', '--out', '/tmp/x'],
      /"FEDORA-64" is not a label of the support matrix/,
    ],
    [
      ['--from', '/tmp', '--os', 'DEBIAN12-64', '--agent-version', '9.60', '--out', '/tmp/x'],
      /"9.60" is not of the form X.Y.Z.W/,
    ],
    [
      [
        '--from',
        '/tmp',
        '--os',
        'DEBIAN12-64',
        '--agent-version',
        '9.60.0.0',
        '--out',
        '/tmp/x',
        '--date',
        '03Nov2026',
      ],
      /YYYY-MM-DD/,
    ],
  ])('refuses %j with a message naming the value', async (args, message) => {
    const run = await runCli(CLI.packAgent, args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('refuses a payload with a setuid file (PACKAGE_INVALID) and leaves no partial package', async () => {
    const from = writePayload(scratch.path('payload'), { su: { content: 'x', mode: 0o4755 } });
    const out = scratch.path('out');
    const run = await runCli(CLI.packAgent, [
      '--from',
      from,
      '--os',
      'DEBIAN12-64',
      '--agent-version',
      '9.60.0.0',
      '--out',
      out,
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Error PACKAGE_INVALID: .*setuid/);
    expect(fs.existsSync(out) ? fs.readdirSync(out) : []).toEqual([]);
  });
});

describe('progress display on a terminal', () => {
  it('draws a live progress line and coloured step results on a TTY', () => {
    const root = makeRoot(scratch);
    // script(1) gives the installer a pseudo-terminal, as an admin's shell would.
    const command = `${process.execPath} ${CLI.unifiedAgent} -r MS -v VmWare --root ${root}`;
    const result = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TERM: 'xterm', COLUMNS: '120' },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('\r\u001b[2K');
    expect(result.stdout).toContain(`  ${String.fromCharCode(27)}[32m✔ Verify and extract the package: Succeeded`);
    expect(result.stdout).toMatch(/Succeeded: installLocation=\/usr\/local\/ASR/);
  });
});
