import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  startMachine,
  testMachinesUnavailable,
  type Fleet,
  type TestMachine,
} from '../e2e/test-machines/test-machines';
import { WindowsMachine, windowsNode, wineUnavailable } from '../e2e/wine/wine-machine';
import { buildStandInService, windowsPayload } from '../e2e/wine/windows-releases';
import { median } from './bench-stats';

// bench/windows-install: the seed's silent install of one package on Windows Server 2016 under Wine beside the
// same install on Linux, in the same run. Both packages hold the same files (a data folder of 1,000 files, half
// random, half compressible, about 64 MB, and the sample agent's layout); only the service binary is each
// platform's own build of the stand-in service. Both installs verify, lay down, flush, start the service and
// watch it for the same settle window.
//   Windows: `UnifiedAgent.exe /Role MS /InstallLocation C:\ASR /Platform VmWare /Silent` from the release's
//            /q /x: folder, in a Wine prefix set up as Server 2016 (e2e/wine), then /Uninstall /Silent.
//   Linux:   the release's `./install -d /usr/local/ASR -r MS -v VmWare -q` on a systemd test machine
//            (e2e/test-machines), then uninstall.sh -Y.
// The ratio is Wine's overhead on this Linux host (its emulated Win32 file and process calls, its wineserver
// round trips, its service manager), not Windows' speed: nothing here says how fast real Windows is. Each side
// also reports what one empty command costs there (`cmd /c ver` through Wine; `true` in the machine), which is in
// every timing. Not a test: it prints.
// Usage: npm run build && npm run -s bench:windows [-- --rounds 5 --files 1000]

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const rounds = Number(option('rounds', '5'));
const files = Number(option('files', '1000'));
const top = path.resolve(__dirname, '..', '..');
const packAgent = path.join(top, 'dist', 'cli', 'pack-agent.cjs');
const VERSION = '9.70.0.0';

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The bulk both packages share: `count` files of 64 KiB, odd ones random, even ones compressible text. */
function writeData(dir: string, count: number): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const text = Buffer.from('Mobility service data block. '.repeat(2260).slice(0, 65_536));
  for (let i = 0; i < count; i++) {
    const sub = path.join(dir, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) fs.mkdirSync(sub, { mode: 0o755 });
    fs.writeFileSync(path.join(sub, `f${i}.bin`), i % 2 ? randomBytes(65_536) : text, { mode: 0o644 });
  }
}

function pack(from: string, osLabel: string, out: string, extra: readonly string[]): string {
  fs.mkdirSync(out, { recursive: true });
  execFileSync(
    process.execPath,
    [
      packAgent,
      ...['--from', from, '--os', osLabel, '--agent-version', VERSION, '--out', out],
      ...['--with-installer', '--level', '1', ...extra],
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const release = fs.readdirSync(out).find((name) => /_release\.exe$|\.tar\.gz$/.test(name));
  if (!release) throw new Error(`pack-agent wrote no release into ${out}`);
  return path.join(out, release);
}

interface Side {
  readonly installs: number[];
  readonly emptyCommand: number;
}

async function windowsSide(work: string, data: string): Promise<Side> {
  const service = buildStandInService(path.join(work, 'stand-in'), path.join(top, 'e2e', 'wine', 'stand-in-service.c'));
  const payload = windowsPayload(path.join(work, 'payload-windows'), 'sample', service);
  fs.cpSync(data, path.join(payload, 'data'), { recursive: true });
  const release = pack(payload, 'Windows', path.join(work, 'release-windows'), ['--node', await windowsNode()]);
  const machine = await WindowsMachine.start('server-2016');
  try {
    fs.copyFileSync(release, machine.hostPath('C:\\asr-test\\MobilityServiceInstaller.exe'));
    const extract = await machine.run('C:\\asr-test\\MobilityServiceInstaller.exe /q /x:C:\\Temp\\Extracted');
    if (extract.code !== 0) throw new Error(`the Windows release did not extract (exit ${extract.code})`);
    const agent = 'C:\\Temp\\Extracted\\UnifiedAgent.exe';
    const empties: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = process.hrtime.bigint();
      await machine.run('ver');
      empties.push(seconds(start));
    }
    const installs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const start = process.hrtime.bigint();
      const run = await machine.run(`${agent} /Role MS /InstallLocation C:\\ASR /Platform VmWare /Silent`);
      const time = seconds(start);
      if (run.code !== 0) throw new Error(`Windows install exited ${run.code}: ${run.stderr}`);
      installs.push(time);
      const uninstall = await machine.run(`${agent} /Uninstall /Silent`);
      if (uninstall.code !== 0) throw new Error(`Windows uninstall exited ${uninstall.code}: ${uninstall.stderr}`);
    }
    return { installs, emptyCommand: median(empties) };
  } finally {
    await machine.stop();
  }
}

async function linuxSide(work: string, data: string): Promise<Side> {
  const payload = path.join(work, 'payload-linux');
  fs.cpSync(path.join(top, 'assets', 'sample-agent'), payload, { recursive: true });
  fs.cpSync(data, path.join(payload, 'data'), { recursive: true });
  const release = pack(payload, 'DEBIAN12-64', path.join(work, 'release-linux'), []);
  let fleet: Fleet | undefined;
  try {
    let machine: TestMachine;
    ({ fleet, machine } = await startMachine());
    const unpack = await machine.exec(['sh', '-c', 'mkdir -p /root/release && tar -xzf - -C /root/release'], {
      input: fs.readFileSync(release),
      timeoutMs: 300_000,
    });
    if (unpack.code !== 0) throw new Error(`the Linux release did not unpack: ${unpack.stderr}`);
    const install = `/root/release/${path.basename(release).replace(/\.tar\.gz$/, '')}/install`;
    const empties: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = process.hrtime.bigint();
      await machine.exec(['true']);
      empties.push(seconds(start));
    }
    const installs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const start = process.hrtime.bigint();
      const run = await machine.exec([install, '-d', '/usr/local/ASR', '-r', 'MS', '-v', 'VmWare', '-q'], {
        timeoutMs: 600_000,
      });
      const time = seconds(start);
      if (run.code !== 0) throw new Error(`Linux install exited ${run.code}: ${run.stderr}`);
      installs.push(time);
      const uninstall = await machine.exec(['/usr/local/ASR/uninstall.sh', '-Y'], { timeoutMs: 300_000 });
      if (uninstall.code !== 0) throw new Error(`Linux uninstall exited ${uninstall.code}: ${uninstall.stderr}`);
    }
    return { installs, emptyCommand: median(empties) };
  } finally {
    await fleet?.teardown();
  }
}

async function main(): Promise<void> {
  const unavailable = wineUnavailable() ?? testMachinesUnavailable();
  if (unavailable) throw new Error(`bench:windows cannot run here: ${unavailable}`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-bench-windows-'));
  try {
    const data = path.join(work, 'data');
    writeData(data, files);
    console.log(`package: the sample agent plus ${files} files of 64 KiB; ${rounds} rounds each`);
    const linux = await linuxSide(work, data);
    const windows = await windowsSide(work, data);
    const show = (list: readonly number[]): string => list.map((value) => value.toFixed(2)).join(' ');
    console.log(
      `Linux (systemd test machine)   install s: ${show(linux.installs)}  median ${median(linux.installs).toFixed(2)}`,
    );
    console.log(
      `Windows Server 2016 under Wine install s: ${show(windows.installs)}  median ${median(windows.installs).toFixed(2)}`,
    );
    console.log(
      `one empty command: Linux ${linux.emptyCommand.toFixed(3)} s, Wine ${windows.emptyCommand.toFixed(3)} s`,
    );
    console.log(
      `Wine/Linux ratio: ${(median(windows.installs) / median(linux.installs)).toFixed(2)}x ` +
        "(Wine's overhead on this host, not Windows' speed)",
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
