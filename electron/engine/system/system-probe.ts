import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { SAFE_PATH } from './process-runner';

// What the engine asks of the machine itself, behind one small interface so tests can be any machine.

export interface WindowsVersion {
  /** Kernel version "major.minor.build", e.g. 10.0.14393 for Server 2016. */
  readonly release: string;
  readonly server: boolean;
}

export interface SystemProbe {
  readonly platform: 'linux' | 'win32';
  isElevated(): boolean;
  /** The machine's architecture as the kernel names it (x86_64, aarch64, AMD64...). */
  machineArch(): string;
  windowsVersion(): WindowsVersion | undefined;
  /** Whether systemd manages this (live) system: /run/systemd/system exists, as sd_booted() checks. */
  systemdRunning(): boolean;
  /** Where a root's tool (chkconfig, update-rc.d...) is, looked up in root's own PATH; undefined when absent. */
  findCommand(name: string): string | undefined;
  hostName(): string;
  now(): Date;
}

function windowsIsElevated(): boolean {
  // "net session" needs administrator rights and changes nothing; its exit status is the answer.
  return spawnSync('net', ['session'], { stdio: 'ignore', windowsHide: true }).status === 0;
}

function windowsIsServer(): boolean {
  const result = spawnSync(
    'reg',
    ['query', 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion', '/v', 'InstallationType'],
    {
      encoding: 'utf8',
      windowsHide: true,
    },
  );
  return /InstallationType\s+REG_SZ\s+Server/i.test(result.stdout ?? '');
}

export function liveSystemProbe(): SystemProbe {
  const platform = process.platform === 'win32' ? 'win32' : 'linux';
  return {
    platform,
    isElevated: () => (platform === 'win32' ? windowsIsElevated() : process.getuid?.() === 0),
    machineArch: () => os.machine(),
    windowsVersion: () => (platform === 'win32' ? { release: os.release(), server: windowsIsServer() } : undefined),
    systemdRunning: () => {
      try {
        return fs.statSync('/run/systemd/system').isDirectory();
      } catch {
        return false;
      }
    },
    findCommand: (name) =>
      SAFE_PATH.split(path.delimiter)
        .map((dir) => path.join(dir, name))
        .find((file) => {
          try {
            return fs.statSync(file).isFile();
          } catch {
            return false;
          }
        }),
    hostName: () => os.hostname(),
    now: () => new Date(),
  };
}

const SIXTY_FOUR_BIT = new Set(['x86_64', 'amd64', 'AMD64', 'x64']);

/** Agent packages are built for 64-bit x86 ("-64" in every label). */
export function isSupportedArch(arch: string): boolean {
  return SIXTY_FOUR_BIT.has(arch);
}
