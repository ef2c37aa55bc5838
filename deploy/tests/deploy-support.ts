import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, startCli, TOP } from '../../electron/engine/test-support/run-cli';
import type { Fleet, TestMachine } from '../../e2e/test-machines/test-machines';

// What the deployment tests share: releases packed for the test machines' OS labels, an SSH key, and
// ansible-playbook run against the machines with its recap parsed.

export const ROLE_DIR = path.join(TOP, 'deploy', 'ansible', 'roles');
export const UBUNTU = 'ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n';
export const ORACLE8 = 'NAME="Oracle Linux Server"\nID="ol"\nVERSION_ID="8.9"\nPRETTY_NAME="Oracle Linux Server 8.9"\n';
/** Debian's Python with Debian's ansible; the machines share this host's /usr. */
export const PYTHON = '/usr/bin/python3';

/** Whether Debian's ansible tools are here; the tests that need them say so when they are not. */
export function ansibleUnavailable(): string | undefined {
  for (const tool of ['ansible-playbook', 'ansible-lint']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (apt-get install -y ansible ansible-lint)`;
    }
  }
  return undefined;
}

export async function packReleases(out: string, version: string, labels: readonly string[]): Promise<void> {
  fs.mkdirSync(out, { recursive: true });
  for (const label of labels) {
    const run = await startCli(CLI.packAgent, [
      ...['--from', path.join(TOP, 'assets', 'sample-agent'), '--os', label, '--agent-version', version],
      ...['--out', out, '--with-installer', '--level', '1'],
    ]).done;
    if (run.code !== 0) throw new Error(`pack-agent ${label} ${version}: ${run.stderr}`);
  }
}

export function makeKey(dir: string): { key: string; publicKey: string } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  return { key, publicKey: fs.readFileSync(`${key}.pub`, 'utf8').trim() };
}

export function writeInventory(file: string, fleet: Fleet, key: string, knownHosts: string): void {
  const lines = ['[servers]'];
  for (const machine of fleet.machines)
    lines.push(
      [
        machine.id,
        `ansible_host=${machine.address}`,
        'ansible_user=root',
        `ansible_ssh_private_key_file=${key}`,
        `ansible_python_interpreter=${PYTHON}`,
        `ansible_ssh_common_args='-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${knownHosts}'`,
      ].join(' '),
    );
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

export interface PlaybookRun {
  readonly code: number | null;
  readonly output: string;
  /** The PLAY RECAP, host by host. */
  readonly recap: ReadonlyMap<string, { ok: number; changed: number; failed: number; unreachable: number }>;
}

export function parseRecap(output: string): PlaybookRun['recap'] {
  const recap = new Map<string, { ok: number; changed: number; failed: number; unreachable: number }>();
  const at = output.lastIndexOf('PLAY RECAP');
  for (const line of output.slice(at).split('\n')) {
    const match = /^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/.exec(line);
    if (match)
      recap.set(match[1] as string, {
        ok: Number(match[2]),
        changed: Number(match[3]),
        unreachable: Number(match[4]),
        failed: Number(match[5]),
      });
  }
  return recap;
}

/** ansible-playbook in its own ANSIBLE_HOME under work, the role from this checkout. */
export function runPlaybook(work: string, args: readonly string[], timeoutMs = 300_000): Promise<PlaybookRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('ansible-playbook', [...args], {
      cwd: work,
      env: {
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        HOME: work,
        ANSIBLE_HOME: path.join(work, '.ansible'),
        ANSIBLE_LOCAL_TEMP: path.join(work, '.ansible', 'tmp'),
        ANSIBLE_ROLES_PATH: ROLE_DIR,
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_FORCE_COLOR: '0',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        ANSIBLE_PYTHON_INTERPRETER: PYTHON,
        ANSIBLE_FORKS: '5',
        LANG: 'C.UTF-8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, recap: parseRecap(output) });
    });
  });
}

export function sh(machine: TestMachine, command: string): Promise<string> {
  return machine.sh(command);
}

/** The files on a machine that hold text: what it wrote (its overlay's upper layer is not reachable from
 * inside) is under these folders, /usr/local being its own tmpfs. */
export async function filesContaining(machine: TestMachine, text: string): Promise<string[]> {
  const result = await machine.exec(
    ['grep', '-rlsF', '--', text, '/root', '/tmp', '/var/tmp', '/var/log', '/var/lib', '/usr/local', '/etc', '/home'],
    { timeoutMs: 120_000 },
  );
  return result.stdout.split('\n').filter(Boolean);
}
