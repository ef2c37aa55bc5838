// Install location rules that need no file system: the wizard checks them as the admin types, the engine
// checks them again (and then looks at the disk). A location must be absolute, plain, and outside the
// folders the operating system owns.

export type PathPlatform = 'linux' | 'win32';

export type LocationCheck =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

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
  if (!raw.startsWith('/')) return { ok: false, reason: `"${raw}" is not an absolute path (it must start with /)` };
  const parts = raw.split('/').filter((part) => part !== '');
  if (parts.some((part) => part === '..' || part === '.'))
    return { ok: false, reason: `"${raw}" contains "." or ".." components; give the plain absolute path` };
  const path = `/${parts.join('/')}`;
  if (POSIX_EXACT_DENY.includes(path))
    return {
      ok: false,
      reason: `"${path}" is a system folder; install into a folder of its own, such as ${path === '/' ? '' : path}/ASR`,
    };
  const owner = POSIX_TREE_DENY.find((folder) => inside(path, folder, '/'));
  if (owner) return { ok: false, reason: `"${path}" is inside the system folder ${owner}` };
  return { ok: true, path };
}

function checkWindows(raw: string): LocationCheck {
  const normalised = raw.replace(/\//g, '\\');
  if (!/^[A-Za-z]:\\/.test(normalised))
    return { ok: false, reason: `"${raw}" is not an absolute path (it must start with a drive, such as C:\\)` };
  const rest = normalised.slice(3);
  if (/[<>:"|?*]/.test(rest))
    return {
      ok: false,
      reason: `"${raw}" contains a character Windows does not allow in folder names (< > : " | ? *)`,
    };
  const parts = rest.split('\\').filter((part) => part !== '');
  if (parts.some((part) => part === '..' || part === '.'))
    return { ok: false, reason: `"${raw}" contains "." or ".." components; give the plain absolute path` };
  if (parts.some((part) => /[ .]$/.test(part)))
    return { ok: false, reason: `"${raw}" has a folder name ending in a space or a dot` };
  const path = `${normalised.slice(0, 2).toUpperCase()}\\${parts.join('\\')}`;
  const lower = path.toLowerCase();
  if (WINDOWS_EXACT_DENY.includes(lower) || lower === `${lower.slice(0, 2)}\\`)
    return { ok: false, reason: `"${path}" is a system folder; install into a folder of its own below it` };
  const owner = WINDOWS_TREE_DENY.find((folder) => inside(lower, folder, '\\'));
  if (owner) return { ok: false, reason: `"${path}" is inside the system folder C:\\Windows` };
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
  if (raw.includes('\uFFFD'))
    return {
      ok: false,
      reason: 'the install location is not valid UTF-8 text (it holds bytes that are not characters)',
    };
  const long = raw.split(/[\\/]/).find((part) => utf8Length(part) > MAX_COMPONENT_BYTES);
  if (long !== undefined)
    return {
      ok: false,
      reason: `the folder name "${long.slice(0, 40)}…" in the install location is ${utf8Length(long)} bytes; each may be at most ${MAX_COMPONENT_BYTES}`,
    };
  if (raw.trim() === '') return { ok: false, reason: 'the install location is empty' };
  if (raw !== raw.trim()) return { ok: false, reason: `"${raw}" starts or ends with spaces` };
  if (raw.length > 1024) return { ok: false, reason: 'the install location is longer than 1024 characters' };
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f]/.test(raw))
    return { ok: false, reason: 'the install location contains a control character' };
  return platform === 'win32' ? checkWindows(raw) : checkPosix(raw);
}
