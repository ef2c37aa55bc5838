import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { processCpuS } from './cpu-accounting';
import { inCgroup } from './controller-cgroups';
import { top } from './bench-options';

// The run's configuration server: the reference CS (dist/e2e/config-server.cjs) as a process of its own, as the
// real CS is a machine of its own, so the bench's bookkeeping and the CS's TLS and OPAQUE work do not queue behind
// each other, and the CS can have a cgroup of its own (controller-cgroups.ts). The registered hosts are read from
// its state file, kept on a tmpfs where there is one: the servers' installs flush the disk all run long, and the
// CS rewrites its state on every registration.

export interface BenchCs {
  readonly host: string;
  readonly port: number;
  /** The hosts registered so far (from the state file). */
  registeredHosts(): readonly { readonly hostName: string }[];
  /** CPU seconds the CS process has used so far. */
  cpuS(): number;
  close(): Promise<void>;
}

const csCli = path.join(top, 'dist', 'e2e', 'config-server.cjs');

function stateDir(work: string): string {
  return fs.existsSync('/dev/shm') ? fs.mkdtempSync('/dev/shm/asr-bench-cs-') : fs.mkdtempSync(path.join(work, 'cs-'));
}

export async function startCsProcess(options: {
  readonly host: string;
  readonly passphraseFile: string;
  readonly work: string;
  readonly cgroupProcs: string | undefined;
}): Promise<BenchCs> {
  if (!fs.existsSync(csCli)) throw new Error(`${csCli} is missing: run npm run build first`);
  const dir = stateDir(options.work);
  const stateFile = path.join(dir, 'state.json');
  const argv = inCgroup(options.cgroupProcs, [
    process.execPath,
    csCli,
    '--host',
    options.host,
    '--port',
    '0',
    '--passphrase-file',
    options.passphraseFile,
    '--state',
    stateFile,
  ]);
  const [file, ...rest] = argv as [string, ...string[]];
  const child = spawn(file, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const ready = await new Promise<string | undefined>((resolve) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line));
    void exited.then(() => resolve(undefined));
  });
  const port = /^listening https:\/\/.*:(\d+) fingerprint=/.exec(ready ?? '')?.[1];
  if (port === undefined) {
    await stop();
    throw new Error(`the reference CS did not start: ${ready ?? ''} ${stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  const pid = child.pid ?? 0;
  return {
    host: options.host,
    port: Number(port),
    registeredHosts: () => {
      try {
        return (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { hosts?: { hostName: string }[] }).hosts ?? [];
      } catch {
        return [];
      }
    },
    cpuS: () => processCpuS(pid) ?? 0,
    close: stop,
  };
}
