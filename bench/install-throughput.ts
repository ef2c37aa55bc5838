import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildPackage } from '../electron/engine/package/package-builder';
import { runtimeLibraries } from '../electron/engine/package/runtime-libraries';
import { median } from './bench-stats';

// bench/install-throughput: the engine's verified install (the real CLI, silent, on a temp --root) beside
// GNU tar -xzf of the same archive, in the same run. Not a test: it prints ratios and peak memory.
//   (a) ~350 MB package, 2,000 files (half random, half compressible), installed onto the disk
//   (b) 100,000 small files, installed into a tmpfs (disk metadata noise swamps small-file timings)
//   (c) 100,000 highly compressible files of about 150 bytes, 1,000 to a folder, into a tmpfs
// The engine's time includes its durable commit (one syncfs before the install record); each workload is
// also compared with `tar -xzf ... && sync -f`, the baseline that makes the same promise, and the commit's
// own cost is read from the setup log.
// Each round also installs through the release's own loader and C library (as its ./install starts the engine):
// that costs at most 5% more than node started directly.
// Targets: (a) <= 0.8x GNU tar's time, (b) <= 1.5x, (c) <= 1.3x, engine peak RSS < 100 MB, loader <= 1.05x.
// Usage: npm run build && npm run -s bench:install [-- --rounds 3 --work DIR --only abc]

interface Measurement {
  readonly seconds: number;
  readonly peakRssMb: number;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const rounds = Number(option('rounds', '3'));
const only = option('only', 'abc');
const work = path.resolve(option('work', path.join(os.tmpdir(), 'asr-bench')));
const cli = path.resolve(__dirname, '..', 'cli', 'unified-agent.cjs');

/** Runs a command, timing it and sampling its peak RSS (VmHWM) from /proc while it runs. */
function measure(command: string, commandArgs: string[], env?: NodeJS.ProcessEnv): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], env: env ?? process.env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let peakKb = 0;
    const sample = (): void => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // The process has exited.
      }
    };
    const timer = setInterval(sample, 5);
    child.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${command} ${commandArgs.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ seconds, peakRssMb: peakKb / 1024 });
    });
  });
}

function writeBigPayload(dir: string): void {
  // 1,000 random files and 1,000 log-like (compressible) files of 340 KiB: a ~350 MB package.
  const size = 340 * 1024;
  for (let i = 0; i < 2000; i++) {
    const sub = path.join(dir, `d${i % 20}`);
    fs.mkdirSync(sub, { recursive: true });
    let content: Buffer;
    if (i % 2 === 0) content = randomBytes(size);
    else {
      const lines: string[] = [];
      let n = 0;
      while (n < size) {
        const line = `2026-11-25T10:${String(i % 60).padStart(2, '0')}:00Z INFO replication-${i % 7} block ${n} status=ok latency=${(n * 7) % 1000}ms\n`;
        lines.push(line);
        n += line.length;
      }
      content = Buffer.from(lines.join('')).subarray(0, size);
    }
    fs.writeFileSync(path.join(sub, `f${i}.bin`), content);
  }
}

function writeSmallPayload(dir: string): void {
  for (let d = 0; d < 500; d++) fs.mkdirSync(path.join(dir, `d${d}`), { recursive: true });
  for (let i = 0; i < 100_000; i++) {
    fs.writeFileSync(
      path.join(dir, `d${i % 500}`, `f${i}.txt`),
      `file ${i} ${randomBytes(50 + (i % 450)).toString('hex')}\n`,
    );
  }
}

function writeTinyPayload(dir: string): void {
  // About 150 bytes each, mostly the same text: what config, script and metadata trees of an agent look like.
  for (let d = 0; d < 100; d++) fs.mkdirSync(path.join(dir, `d${d}`), { recursive: true });
  for (let i = 0; i < 100_000; i++) {
    const text = `# agent setting ${i}\nname=replication-${i % 97}\nenabled=true\nretry=${i % 5}\npath=/usr/local/ASR/Vx/etc/s${i}\n`;
    fs.writeFileSync(path.join(dir, `d${Math.floor(i / 1000)}`, `s${i}.conf`), text.padEnd(150, '#'));
  }
}

/** The engine's own measure of its durable commit, from the setup log under the run's root. */
function durableCommitMs(root: string): number | undefined {
  const log = path.join(root, 'var', 'log', 'ASRSetupLogs', 'ASRUnifiedAgentInstaller.log');
  const match = /payload flushed to disk in (\d+) ms/.exec(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '');
  return match ? Number(match[1]) : undefined;
}

/** Files under dir, leaving out the top-level entries setup adds of its own (.asrsetup, Vx, uninstall.sh). */
function countFiles(dir: string, setupOwn: readonly string[] = []): number {
  let count = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const top = path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep)[0] ?? '';
    if (entry.isFile() && !setupOwn.includes(top)) count++;
  }
  return count;
}

const OS_RELEASE = 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n';

async function workload(
  name: string,
  description: string,
  target: number,
  baseDir: string,
  writePayload: (dir: string) => void,
): Promise<void> {
  const payload = path.join(work, `${name}-payload`);
  const repo = path.join(work, `${name}-repo`);
  fs.rmSync(repo, { recursive: true, force: true });
  if (!fs.existsSync(path.join(payload, '.complete'))) {
    fs.rmSync(payload, { recursive: true, force: true });
    process.stdout.write(`(${name}) writing the payload...\n`);
    writePayload(payload);
    fs.writeFileSync(path.join(payload, '.complete'), '');
  }
  process.stdout.write(`(${name}) packing it with pack-agent...\n`);
  const built = await buildPackage({ from: payload, osLabel: 'DEBIAN12-64', agentVersion: '9.60.0.0', outDir: repo });
  const packageMb = fs.statSync(built.file).size / 1e6;
  const expectedFiles = countFiles(payload);
  const tarTimes: number[] = [];
  const tarSyncTimes: number[] = [];
  const engineTimes: number[] = [];
  const loaderTimes: number[] = [];
  const commitTimes: number[] = [];
  let enginePeak = 0;
  let loaderPeak = 0;
  let tarPeak = 0;
  for (let round = 0; round < rounds; round++) {
    const tarOut = path.join(baseDir, 'tar-out');
    fs.rmSync(tarOut, { recursive: true, force: true });
    fs.mkdirSync(tarOut, { recursive: true });
    execFileSync('sync');
    const tar = await measure('tar', ['-C', tarOut, '-xzf', built.file]);
    tarTimes.push(tar.seconds);
    tarPeak = Math.max(tarPeak, tar.peakRssMb);
    fs.rmSync(tarOut, { recursive: true, force: true });
    fs.mkdirSync(tarOut, { recursive: true });
    execFileSync('sync');
    const script = 'tar -C "$1" -xzf "$2" && sync -f "$1"';
    tarSyncTimes.push((await measure('sh', ['-c', script, 'sh', tarOut, built.file])).seconds);
    fs.rmSync(tarOut, { recursive: true, force: true });

    // The engine as npm run unified-agent starts it, and as the release's ./install does (through the loader
    // and libraries it ships), taking turns at going first.
    const ways = round % 2 === 0 ? (['direct', 'loader'] as const) : (['loader', 'direct'] as const);
    for (const way of ways) {
      const measured = await installOnce(baseDir, repo, way, expectedFiles, name);
      if (way === 'direct') {
        engineTimes.push(measured.seconds);
        enginePeak = Math.max(enginePeak, measured.peakRssMb);
        if (measured.commitMs !== undefined) commitTimes.push(measured.commitMs);
      } else {
        loaderTimes.push(measured.seconds);
        loaderPeak = Math.max(loaderPeak, measured.peakRssMb);
      }
    }
  }
  const ratio = median(engineTimes) / median(tarTimes);
  const syncedRatio = median(engineTimes) / median(tarSyncTimes);
  const verdict = (ok: boolean): string => (ok ? 'meets target' : 'MISSES target');
  const commit = commitTimes.length > 0 ? `${median(commitTimes).toFixed(0)} ms` : 'not reported';
  process.stdout.write(
    [
      `(${name}) ${description}: package ${packageMb.toFixed(0)} MB, ${expectedFiles} files, ${rounds} rounds`,
      `    GNU tar -xzf             median ${median(tarTimes).toFixed(2)} s  (peak RSS ${tarPeak.toFixed(0)} MB)`,
      `    tar -xzf && sync -f      median ${median(tarSyncTimes).toFixed(2)} s`,
      `    engine install median ${median(engineTimes).toFixed(2)} s  (peak RSS ${enginePeak.toFixed(0)} MB, every file sha256-verified; durable commit ${commit})`,
      `    ratio engine/tar ${ratio.toFixed(2)}x (target <= ${target}x: ${verdict(ratio <= target)}); engine/(tar && sync -f) ${syncedRatio.toFixed(2)}x (${verdict(syncedRatio <= target)})`,
      `    peak memory ${verdict(enginePeak < 100)} (< 100 MB)`,
      `    through the release's loader and libraries: median ${median(loaderTimes).toFixed(2)} s (peak RSS ${loaderPeak.toFixed(0)} MB); loader/direct ${(median(loaderTimes) / median(engineTimes)).toFixed(3)}x (target <= 1.05x: ${verdict(median(loaderTimes) / median(engineTimes) <= 1.05)})`,
      '',
    ].join('\n'),
  );
}

/** The C library the release ships beside node (bench:install starts this node through it, as ./install does). */
const releaseLib = path.join(work, 'release-lib');

function prepareReleaseLib(): void {
  const libraries = runtimeLibraries(fs.realpathSync(process.execPath));
  fs.rmSync(releaseLib, { recursive: true, force: true });
  fs.mkdirSync(releaseLib, { recursive: true });
  let bytes = 0;
  for (const file of [...(libraries.loader ? [libraries.loader] : []), ...libraries.libraries]) {
    fs.copyFileSync(file.source, path.join(releaseLib, file.name));
    bytes += fs.statSync(file.source).size;
  }
  const gzipped = execFileSync('sh', ['-c', 'tar -cf - -C "$1" . | gzip -6 | wc -c', 'sh', releaseLib], {
    encoding: 'utf8',
  });
  process.stdout.write(
    `release's C library: ${libraries.libraries.length} libraries and the loader, ${(bytes / 1e6).toFixed(1)} MB (${(Number(gzipped) / 1e6).toFixed(1)} MB gzip -6)\n`,
  );
}

/** One install of the workload's package into a fresh root: directly (node) or through the release's loader. */
async function installOnce(
  baseDir: string,
  repo: string,
  way: 'direct' | 'loader',
  expectedFiles: number,
  name: string,
): Promise<Measurement & { readonly commitMs: number | undefined }> {
  const root = path.join(baseDir, 'root');
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  fs.writeFileSync(path.join(root, 'etc', 'os-release'), OS_RELEASE);
  execFileSync('sync');
  // The CLI as npm run unified-agent and the release's ./install start it (see package.json): a small young
  // generation keeps RSS flat, and two malloc arenas are enough for its threads.
  const nodeArgs = [
    '--max-semi-space-size=1',
    cli,
    '-r',
    'MS',
    '-v',
    'VmWare',
    '-q',
    '--repository',
    repo,
    '--root',
    root,
  ];
  const loader = path.join(releaseLib, 'ld-linux-x86-64.so.2');
  const [command, commandArgs] =
    way === 'direct'
      ? [process.execPath, nodeArgs]
      : [loader, ['--library-path', releaseLib, fs.realpathSync(process.execPath), ...nodeArgs]];
  const measured = await measure(command, commandArgs, { ...process.env, MALLOC_ARENA_MAX: '2' });
  const commitMs = durableCommitMs(root);
  const installed = countFiles(path.join(root, 'usr', 'local', 'ASR'), ['.asrsetup', 'Vx', 'uninstall.sh']);
  if (installed !== expectedFiles)
    throw new Error(`(${name}) the engine (${way}) installed ${installed} files, expected ${expectedFiles}`);
  fs.rmSync(root, { recursive: true, force: true });
  return { ...measured, commitMs };
}

async function main(): Promise<void> {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  fs.mkdirSync(work, { recursive: true });
  process.stdout.write(
    `install-throughput: work folder ${work}, ${os.cpus().length} cores, Node ${process.versions.node}\n`,
  );
  prepareReleaseLib();
  if (only.includes('a')) {
    const disk = path.join(work, 'disk');
    fs.mkdirSync(disk, { recursive: true });
    await workload('a', '2,000 files onto the disk', 0.8, disk, writeBigPayload);
  }
  if (only.includes('b')) await inTmpfs('b', '100,000 small files into a tmpfs', 1.5, writeSmallPayload);
  if (only.includes('c'))
    await inTmpfs('c', '100,000 files of ~150 bytes, 1,000 a folder, into a tmpfs', 1.3, writeTinyPayload);
}

async function inTmpfs(name: string, description: string, target: number, write: (dir: string) => void) {
  const tmpfs = path.join(work, 'tmpfs');
  fs.mkdirSync(tmpfs, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2g', 'tmpfs', tmpfs], { stdio: 'ignore' });
  } catch {
    process.stdout.write(`(${name}) not measured: mounting a tmpfs needs root\n`);
    return;
  }
  try {
    await workload(name, description, target, tmpfs, write);
  } finally {
    execFileSync('umount', [tmpfs]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
