import { execFileSync } from 'node:child_process';
import type { TestMachine } from '../../e2e/test-machines/test-machines';

// What the Configuration Manager script's tests do on a test machine: copy a package folder in (as the
// ConfigMgr client downloads it to its cache), write a private file, read /usr/local/.vx_version, and watch
// every process's argv for a secret while the script runs.

/** Copies the files of a folder on this host into `dir` on the machine (tar on standard input). */
export async function copyFolder(machine: TestMachine, from: string, dir: string): Promise<void> {
  const archive = execFileSync('tar', ['-cf', '-', '-C', from, '.'], { maxBuffer: 1024 * 1024 * 1024 });
  const result = await machine.exec(['sh', '-c', 'mkdir -p "$1" && tar -xf - -C "$1"', 'copy', dir], {
    input: archive,
    timeoutMs: 180_000,
  });
  if (result.code !== 0) throw new Error(`copying ${from} to ${machine.id}:${dir} failed: ${result.stderr}`);
}

/** Writes a file on the machine with the given mode; the content travels on standard input, never in argv. */
export async function writeMachineFile(
  machine: TestMachine,
  file: string,
  content: string,
  mode = '600',
): Promise<void> {
  const result = await machine.exec(['sh', '-c', 'umask 077 && cat > "$1" && chmod "$2" "$1"', 'write', file, mode], {
    input: content,
  });
  if (result.code !== 0) throw new Error(`writing ${machine.id}:${file} failed: ${result.stderr}`);
}

/** /usr/local/.vx_version as key=value pairs; empty when there is none. */
export async function vxVersion(machine: TestMachine): Promise<Record<string, string>> {
  const result = await machine.exec(['cat', '/usr/local/.vx_version']);
  if (result.code !== 0) return {};
  const fields: Record<string, string> = {};
  for (const line of result.stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) fields[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return fields;
}

export interface ArgvWatch {
  /** Stops the watch and returns how many samples saw the secret in some process's argv. */
  stop(): Promise<number>;
}

/**
 * Samples /proc/<pid>/cmdline of every process on the machine every 20 ms until stopped, counting the
 * samples in which one holds `secret`; resolves once the first sample is taken. The secret reaches the
 * watcher on standard input and is matched by awk from its environment, so the watch itself never shows it
 * in an argv.
 */
export async function watchArgv(machine: TestMachine, secret: string): Promise<ArgvWatch> {
  const flag = `/run/argv-watch-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`;
  const script = [
    'IFS= read -r SECRET; export SECRET',
    'hits=0',
    `while [ ! -e ${flag}.stop ]; do`,
    "  n=$(cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\\000' '\\n' | awk 'index($0, ENVIRON[\"SECRET\"]) { n++ } END { print n + 0 }')",
    '  [ "$n" -gt 0 ] && hits=$((hits + 1))',
    `  [ -e ${flag}.ready ] || : > ${flag}.ready`,
    '  sleep 0.02',
    'done',
    `rm -f ${flag}.ready ${flag}.stop`,
    'echo "$hits"',
  ].join('\n');
  const running = machine.exec(['sh', '-c', script], { input: `${secret}\n`, timeoutMs: 900_000 });
  const ready = await machine.exec(
    ['sh', '-c', `for i in $(seq 1 200); do [ -e ${flag}.ready ] && exit 0; sleep 0.02; done; exit 1`],
    { timeoutMs: 30_000 },
  );
  if (ready.code !== 0) throw new Error(`the argv watch on ${machine.id} did not start: ${(await running).stderr}`);
  return {
    stop: async () => {
      await machine.exec(['touch', `${flag}.stop`]);
      const result = await running;
      if (result.code !== 0) throw new Error(`the argv watch on ${machine.id} failed: ${result.stderr}`);
      return Number(result.stdout.trim());
    },
  };
}
