// Install location rules that need no file system: the wizard checks them as the admin types, the engine
// checks them again (and then looks at the disk). A location must be absolute, plain, and outside the
// folders the operating system owns.

/** Where the agent goes unless the admin says otherwise, on each system. */
export const DEFAULT_INSTALL_LOCATION = {
  linux: '/usr/local/ASR',
  win32: 'C:\\Program Files (x86)\\Microsoft Azure Site Recovery',
} as const;

/** A Windows path (a drive letter or a UNC share), as opposed to a Linux one. */
export function isWindowsPath(text: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(text) || text.startsWith('\\\\');
}

export type PathPlatform = 'linux' | 'win32';

/** What is wrong with a location, as data: the CLIs print its reason, the wizard says it in its own language. */
export type LocationProblem =
  | { readonly kind: 'not-utf8' }
  | { readonly kind: 'name-too-long'; readonly name: string; readonly bytes: number; readonly max: number }
  | { readonly kind: 'empty' }
  | { readonly kind: 'spaces-around'; readonly path: string }
  | { readonly kind: 'too-long'; readonly max: number }
  | { readonly kind: 'control-character' }
  | { readonly kind: 'not-absolute'; readonly path: string; readonly platform: PathPlatform }
  | { readonly kind: 'dot-components'; readonly path: string }
  | { readonly kind: 'system-folder'; readonly path: string; readonly suggestion: string | null }
  | { readonly kind: 'inside-system-folder'; readonly path: string; readonly folder: string }
  | { readonly kind: 'windows-character'; readonly path: string }
  | { readonly kind: 'list-separator'; readonly path: string }
  | { readonly kind: 'windows-name-end'; readonly path: string };

export type LocationCheck =
  | { readonly ok: true; readonly path: string }
  | { readonly ok: false; readonly reason: string; readonly problem: LocationProblem };

/** The problem in the CLIs' words (English, as the setup log has it). */
export function locationReason(problem: LocationProblem): string {
  switch (problem.kind) {
    case 'not-utf8':
      return 'the install location is not valid UTF-8 text (it holds bytes that are not characters)';
    case 'name-too-long':
      return `the folder name "${problem.name}…" in the install location is ${problem.bytes} bytes; each may be at most ${problem.max}`;
    case 'empty':
      return 'the install location is empty';
    case 'spaces-around':
      return `"${problem.path}" starts or ends with spaces`;
    case 'too-long':
      return `the install location is longer than ${problem.max} characters`;
    case 'control-character':
      return 'the install location contains a control character';
    case 'not-absolute':
      return problem.platform === 'win32'
        ? `"${problem.path}" is not an absolute path (it must start with a drive, such as C:\\)`
        : `"${problem.path}" is not an absolute path (it must start with /)`;
    case 'dot-components':
      return `"${problem.path}" contains "." or ".." components; give the plain absolute path`;
    case 'system-folder':
      return problem.suggestion === null
        ? `"${problem.path}" is a system folder; install into a folder of its own below it`
        : `"${problem.path}" is a system folder; install into a folder of its own, such as ${problem.suggestion}`;
    case 'inside-system-folder':
      return `"${problem.path}" is inside the system folder ${problem.folder}`;
    case 'windows-character':
      return `"${problem.path}" contains a character Windows does not allow in folder names (< > : " | ? *)`;
    case 'windows-name-end':
      return `"${problem.path}" has a folder name ending in a space or a dot`;
    case 'list-separator':
      return `"${problem.path}" contains ":" or ";", which the agent's runtime loader reads as list separators; choose a path without them`;
    default: {
      const unreachable: never = problem;
      return unreachable;
    }
  }
}

/** INSTALL_LOCATION_INVALID's remedy, with an example path of the platform the install is on. */
export function locationRemedy(platform: PathPlatform): string {
  const example =
    platform === 'win32' ? 'C:\\Program Files (x86)\\Microsoft Azure Site Recovery or D:\\ASR' : '/usr/local/ASR';
  return `Choose an absolute path to a new or empty folder outside the system folders, for example ${example}.`;
}

function refused(problem: LocationProblem): LocationCheck {
  return { ok: false, reason: locationReason(problem), problem };
}

const POSIX_EXACT_DENY = [
  '/',
  '/usr',
  '/usr/local',
  '/opt',
  '/var',
  '/home',
  '/tmp',
  '/root',
  '/srv',
  '/mnt',
  '/media',
];
const POSIX_TREE_DENY = [
  '/bin',
  '/sbin',
  '/lib',
  '/lib32',
  '/lib64',
  '/libx32',
  '/boot',
  '/dev',
  '/etc',
  '/proc',
  '/run',
  '/sys',
  '/usr/bin',
  '/usr/sbin',
  '/usr/lib',
  '/usr/lib32',
  '/usr/lib64',
  '/usr/libexec',
  '/usr/include',
  '/usr/share',
  '/usr/src',
  '/var/lib',
  '/var/log',
  '/var/run',
  '/var/cache',
  '/var/spool',
  '/var/lock',
];
const WINDOWS_EXACT_DENY = ['c:\\', 'c:\\program files', 'c:\\program files (x86)', 'c:\\programdata', 'c:\\users'];
const WINDOWS_TREE_DENY = ['c:\\windows'];

function inside(candidate: string, folder: string, separator: string): boolean {
  return candidate === folder || candidate.startsWith(folder.endsWith(separator) ? folder : folder + separator);
}

function checkPosix(raw: string): LocationCheck {
  if (!raw.startsWith('/')) return refused({ kind: 'not-absolute', path: raw, platform: 'linux' });
  const parts = raw.split('/').filter((part) => part !== '');
  if (parts.some((part) => part === '..' || part === '.')) return refused({ kind: 'dot-components', path: raw });
  // The release starts its runtime with --library-path <location>/.asrsetup/runtime/lib, a list split at : and ;.
  if (/[:;]/.test(raw)) return refused({ kind: 'list-separator', path: raw });
  const path = `/${parts.join('/')}`;
  if (POSIX_EXACT_DENY.includes(path))
    return refused({ kind: 'system-folder', path, suggestion: `${path === '/' ? '' : path}/ASR` });
  const owner = POSIX_TREE_DENY.find((folder) => inside(path, folder, '/'));
  if (owner) return refused({ kind: 'inside-system-folder', path, folder: owner });
  return { ok: true, path };
}

function checkWindows(raw: string): LocationCheck {
  const normalised = raw.replace(/\//g, '\\');
  if (!/^[A-Za-z]:\\/.test(normalised)) return refused({ kind: 'not-absolute', path: raw, platform: 'win32' });
  const rest = normalised.slice(3);
  if (/[<>:"|?*]/.test(rest)) return refused({ kind: 'windows-character', path: raw });
  const parts = rest.split('\\').filter((part) => part !== '');
  if (parts.some((part) => part === '..' || part === '.')) return refused({ kind: 'dot-components', path: raw });
  if (parts.some((part) => /[ .]$/.test(part))) return refused({ kind: 'windows-name-end', path: raw });
  const path = `${normalised.slice(0, 2).toUpperCase()}\\${parts.join('\\')}`;
  const lower = path.toLowerCase();
  if (WINDOWS_EXACT_DENY.includes(lower) || lower === `${lower.slice(0, 2)}\\`)
    return refused({ kind: 'system-folder', path, suggestion: null });
  const owner = WINDOWS_TREE_DENY.find((folder) => inside(lower, folder, '\\'));
  if (owner) return refused({ kind: 'inside-system-folder', path, folder: 'C:\\Windows' });
  return { ok: true, path };
}

/** Each folder name's limit in UTF-8 bytes: setup puts `.<name>.ASRSetup-staging-<id>` beside it, which must fit 255. */
export const MAX_COMPONENT_BYTES = 200;

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export function checkInstallLocationText(raw: string, platform: PathPlatform): LocationCheck {
  // Argument bytes that are not UTF-8 arrive as U+FFFD: the path would silently become another one.
  if (raw.includes('\uFFFD')) return refused({ kind: 'not-utf8' });
  const long = raw.split(/[\\/]/).find((part) => utf8Length(part) > MAX_COMPONENT_BYTES);
  if (long !== undefined)
    return refused({
      kind: 'name-too-long',
      name: long.slice(0, 40),
      bytes: utf8Length(long),
      max: MAX_COMPONENT_BYTES,
    });
  if (raw.trim() === '') return refused({ kind: 'empty' });
  if (raw !== raw.trim()) return refused({ kind: 'spaces-around', path: raw });
  if (raw.length > 1024) return refused({ kind: 'too-long', max: 1024 });
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(raw)) return refused({ kind: 'control-character' });
  return platform === 'win32' ? checkWindows(raw) : checkPosix(raw);
}
