import * as fs from 'node:fs';
import * as path from 'node:path';
import { median } from '../bench-stats';

// bench/push-install's options (from argv), fixed paths and constants, and the small helpers every part uses to
// format its output.

export type ToolName = 'push-install' | 'ansible-playbook' | 'ansible (pipelined)' | 'OpenSSH loop';
const TOOLS: readonly { key: string; name: ToolName }[] = [
  { key: 'push', name: 'push-install' },
  { key: 'ansible', name: 'ansible-playbook' },
  { key: 'ansible-pipelined', name: 'ansible (pipelined)' },
  { key: 'ssh', name: 'OpenSSH loop' },
];

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
export const sizes = option('sizes', '8,32,100')
  .split(',')
  .map((text) => Number(text.trim()));
const roundsOption = args.includes('--rounds') ? Number(option('rounds', '1')) : undefined;
/** Default: 3 rounds under 32 servers (a median that one disturbed round cannot move), 1 at 32 and above (each round boots a fleet per tool). */
export const roundsFor = (n: number): number => roundsOption ?? (n >= 32 ? 1 : 3);
const toolKeys = option('tools', 'push,ansible,ansible-pipelined,ssh').split(',');
export const tools = TOOLS.filter((tool) => toolKeys.includes(tool.key));
export const runTimeoutMs = Number(option('timeout', '1200')) * 1000;
/** Keep the root ~/.bashrc the test machines inherit from this host (see stockBashrc in measure-once.ts). */
export const keepBashrc = args.includes('--keep-bashrc');

// The bundle is dist/bench/push-install.cjs: __dirname is dist/bench, whichever source file this code came from.
export const top = path.resolve(__dirname, '..', '..');
export const pushCli = path.join(top, 'dist', 'cli', 'push-install.cjs');
export const packAgentCli = path.join(top, 'dist', 'cli', 'pack-agent.cjs');
export const sampleAgent = path.join(top, 'assets', 'sample-agent');
export const TIME = '/usr/bin/time';
export const haveTime = fs.existsSync(TIME);
export const INSTALL_ARGS = '-d /usr/local/ASR -r MS -v VmWare -q --json';
export const CONFIGURATOR = '/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh';
export const OS_RELEASE =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
/** push-install's peak RSS targets by fleet size; a size without one is held to that of the largest size below it. */
export const RSS_TARGETS: readonly { readonly servers: number; readonly mb: number }[] = [
  { servers: 32, mb: 200 },
  { servers: 100, mb: 250 },
];

/**
 * How many servers each tool works on at once: all of them up to 32, then 32 (push-install's --parallel,
 * Ansible's forks). The host is CPU-bound long before 32 servers work at once, so more only adds memory and
 * contention: at 100, with forks = 100, most of Ansible's ./install tasks failed after 19 minutes on a host at
 * load ~450 (the same ./install that push-install, 32 at a time, ran on all 100 in 4.5 minutes).
 */
export const parallelismFor = (n: number): number => Math.min(n, 32);
/** Both tools' SSH connection timeout: Ansible's ANSIBLE_TIMEOUT, push-install's ConnectTimeout. */
export const CONNECT_TIMEOUT_S = 60;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const out = (line = ''): void => void process.stdout.write(`${line}\n`);
export const s = (ms: number): string => (ms / 1000).toFixed(1);
export const verdict = (ok: boolean): string => (ok ? 'meets target' : 'MISSES target');

export function tail(text: string, lines = 15): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

export function spread(values: readonly number[]): string {
  if (values.length === 0) return '   n/a';
  return `${s(median(values)).padStart(6)} / ${s(Math.max(...values)).padStart(6)}`;
}
