import { spawn, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/job-events';
import { startReferenceConfigServer } from '../../e2e/config-server/reference-config-server';
import { oldKernelUnavailable, onOldKernel } from '../../e2e/old-kernel/old-kernel';
import { makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI, runCli, TOP } from '../engine/test-support/run-cli';

// The release on the kernels of the seed's systems, imitated (e2e/old-kernel/): RHEL 6's 2.6.32, without
// syncfs, getrandom, prlimit64, statx, clone3 and every call after 2.6.32; and RHEL 7's 3.10. Under each, the
// release's own ./install installs, the installed UnifiedAgentConfigurator.sh registers with the reference CS,
// a newer release upgrades, and uninstall.sh removes the agent and its registration, every process of them
// under the old kernel. Where syncfs is missing, the install says at INFO how it flushed instead.

const scratch = new Scratch();
const unavailable = oldKernelUnavailable();
const payload = path.join(TOP, 'assets', 'sample-agent');

const KERNELS = [
  {
    kernel: '2.6.32',
    label: 'RHEL6-64',
    release: { 'etc/redhat-release': 'CentOS release 6.10 (Final)\n' },
    flush:
      /INFO .*no syncfs here \(sync -f said ".*Function not implemented"\): payload flushed to disk with sync\(2\)/,
  },
  {
    kernel: '3.10',
    label: 'RHEL7-64',
    release: {
      'etc/os-release':
        'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n',
    },
    flush: /payload flushed to disk in \d+ ms/,
  },
] as const;

const extracted = new Map<string, string>();

async function packAndExtract(label: string, version: string): Promise<string> {
  const out = scratch.path(`release-${label}-${version}`);
  const run = await runCli(
    CLI.packAgent,
    ['--from', payload, '--os', label, '--agent-version', version, '--out', out, '--with-installer', '--level', '1'],
    { timeoutMs: 120_000 },
  );
  expect(run.code, run.stderr).toBe(0);
  execFileSync('tar', ['-xf', run.stdout.trim()], { cwd: out });
  return path.join(out, path.basename(run.stdout.trim(), '.tar.gz'));
}

/** Runs argv under the old kernel, with no Node on PATH, without blocking (the CS answers in this process). */
function onKernel(
  kernel: string,
  argv: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, ...args] = onOldKernel(kernel, argv);
  return new Promise((resolve) => {
    const child = spawn(command ?? '', args, { cwd, env: { PATH: '/usr/bin:/bin' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function result(stdout: string): Extract<JobEvent, { type: 'result' }> {
  const last =
    stdout
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .pop() ?? '{}';
  return JSON.parse(last) as Extract<JobEvent, { type: 'result' }>;
}

beforeAll(async () => {
  if (unavailable) return;
  for (const { label } of KERNELS)
    for (const version of ['9.61.0.0', '9.62.0.0'])
      extracted.set(`${label} ${version}`, await packAndExtract(label, version));
}, 300_000);
afterAll(() => scratch.cleanup());

describe.skipIf(unavailable).each(KERNELS)(
  'the release on a $kernel kernel ($label)',
  ({ kernel, label, release, flush }) => {
    it('installs, registers, upgrades and uninstalls, every step under that kernel', async () => {
      const root = makeRoot(scratch, release);
      const first = extracted.get(`${label} 9.61.0.0`) ?? '';
      const second = extracted.get(`${label} 9.62.0.0`) ?? '';
      const install = await onKernel(
        kernel,
        ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--json', '--root', root],
        first,
      );
      expect(result(install.stdout), install.stderr).toMatchObject({ status: 'Succeeded', exitCode: 0 });
      const log = fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'), 'utf8');
      expect(log).toMatch(flush);
      expect(log).not.toMatch(/could not be flushed/);

      const passphraseFile = scratch.path('passphrase');
      fs.writeFileSync(passphraseFile, `old kernel ${kernel} passphrase\n`, { mode: 0o600 });
      const cs = await startReferenceConfigServer({ port: 0, passphraseFile });
      try {
        const location = path.join(root, 'usr/local/ASR');
        const register = await onKernel(
          kernel,
          [
            './UnifiedAgentConfigurator.sh',
            '-i',
            `127.0.0.1:${cs.port}`,
            '-P',
            passphraseFile,
            '--root',
            root,
            '--json',
          ],
          path.join(location, 'Vx', 'bin'),
        );
        expect(register.code, register.stdout + register.stderr).toBe(0);
        expect(cs.registeredHosts()).toHaveLength(1);

        const upgrade = await onKernel(
          kernel,
          ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--json', '--root', root],
          second,
        );
        expect(result(upgrade.stdout), upgrade.stderr).toMatchObject({ status: 'Succeeded' });
        const status = await onKernel(kernel, ['./install', '--status', '--json', '--root', root], second);
        expect(JSON.parse(status.stdout)).toMatchObject({
          agentVersion: '9.62.0.0',
          registration: { csEndpoint: `127.0.0.1:${cs.port}` },
        });

        const uninstall = await onKernel(
          kernel,
          [path.join(location, 'uninstall.sh'), '-Y', '-P', passphraseFile, '--root', root, '--json'],
          '/',
        );
        expect(result(uninstall.stdout), uninstall.stderr).toMatchObject({ status: 'Succeeded' });
        expect(fs.existsSync(location)).toBe(false);
        expect(cs.registeredHosts()).toEqual([]);
      } finally {
        await cs.close();
      }
    }, 180_000);
  },
);
