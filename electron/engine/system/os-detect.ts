import * as fs from 'node:fs';
import { supportRowFor, type SupportRow } from '../../../shared/support-matrix';
import type { SystemLayout } from './system-layout';
import type { SystemProbe } from './system-probe';

// Which system is this? /etc/os-release where it exists; the older release files where it does not
// (RHEL/CentOS/Oracle Linux 6 and SLES 11 predate os-release). The answer is an (id, version) pair that
// the support matrix in shared/ maps to a package label.

export interface DetectedOs {
  /** os-release style id: rhel, centos, ol, sles, ubuntu, debian, windows... */
  readonly id: string;
  readonly version: string;
  /** What the admin would call it, for messages. */
  readonly description: string;
  /** Which file (or API) told us. */
  readonly source: string;
}

export type OsDetection =
  | { readonly ok: true; readonly os: DetectedOs; readonly row: SupportRow }
  | { readonly ok: false; readonly os: DetectedOs | undefined; readonly reason: string };

export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    let value = line.slice(eq + 1);
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1).replace(/\\(["'$`\\])/g, '$1');
    }
    fields[key] = value;
  }
  return fields;
}

/** RHEL-family VERSION_IDs and release lines carry builds ("7.9.2009"); the matrix keys on major.minor. */
function majorMinor(version: string): string {
  const match = /^(\d+)(?:\.(\d+))?/.exec(version);
  if (!match) return version;
  return match[2] === undefined ? (match[1] as string) : `${match[1]}.${match[2]}`;
}

function fromOsRelease(text: string): DetectedOs | undefined {
  const fields = parseOsRelease(text);
  const id = (fields.ID ?? '').toLowerCase();
  if (!id) return undefined;
  const rawVersion = fields.VERSION_ID ?? '';
  const version = ['rhel', 'centos', 'ol', 'rocky', 'almalinux'].includes(id) ? majorMinor(rawVersion) : rawVersion;
  return {
    id,
    version,
    description: fields.PRETTY_NAME ?? `${fields.NAME ?? id} ${rawVersion}`.trim(),
    source: '/etc/os-release',
  };
}

function fromRedHatRelease(text: string, source: string): DetectedOs | undefined {
  const line = text.split(/\r?\n/)[0]?.trim() ?? '';
  const match = /release\s+(\d+(?:\.\d+)*)/i.exec(line);
  if (!match) return undefined;
  const version = majorMinor(match[1] as string);
  let id: string;
  if (/oracle/i.test(line)) id = 'ol';
  else if (/centos/i.test(line)) id = 'centos';
  else if (/red hat enterprise linux/i.test(line)) id = 'rhel';
  else return { id: 'unknown', version, description: line, source };
  return { id, version, description: line, source };
}

function fromSuseRelease(text: string): DetectedOs | undefined {
  const lines = text.split(/\r?\n/);
  const title = lines[0]?.trim() ?? '';
  const version = /^\s*VERSION\s*=\s*(\d+)/m.exec(text)?.[1];
  const patch = /^\s*PATCHLEVEL\s*=\s*(\d+)/m.exec(text)?.[1] ?? '0';
  if (!version) return undefined;
  const id = /enterprise server/i.test(title) ? 'sles' : 'suse';
  return {
    id,
    version: `${version}.${patch}`,
    description: `${title.replace(/\s*\(.*\)\s*$/, '')} SP${patch}`,
    source: '/etc/SuSE-release',
  };
}

function readIfPresent(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const WINDOWS_NAMES: Record<string, string> = {
  '6.1.7601': 'Windows Server 2008 R2 SP1',
  '6.2.9200': 'Windows Server 2012',
  '6.3.9600': 'Windows Server 2012 R2',
  '10.0.14393': 'Windows Server 2016',
  '10.0.17763': 'Windows Server 2019',
  '10.0.20348': 'Windows Server 2022',
};

/** The release files Linux detection reads, in its order: the push installer fetches these from a server. */
export const LINUX_RELEASE_FILES = [
  '/etc/os-release',
  '/etc/oracle-release',
  '/etc/redhat-release',
  '/etc/centos-release',
  '/etc/SuSE-release',
] as const;

function detectedLinux(read: (file: string) => string | undefined): DetectedOs | undefined {
  const osRelease = read('/etc/os-release');
  const fromOs = osRelease === undefined ? undefined : fromOsRelease(osRelease);
  if (fromOs) return fromOs;
  const oracle = read('/etc/oracle-release');
  const redhat = read('/etc/redhat-release') ?? read('/etc/centos-release');
  const suse = read('/etc/SuSE-release');
  // Oracle Linux also ships /etc/redhat-release claiming to be RHEL, so its own file is read first.
  if (oracle !== undefined) return fromRedHatRelease(oracle, '/etc/oracle-release');
  if (redhat !== undefined) return fromRedHatRelease(redhat, '/etc/redhat-release');
  if (suse !== undefined) return fromSuseRelease(suse);
  return undefined;
}

function matched(os: DetectedOs | undefined, where: string): OsDetection {
  if (!os)
    return { ok: false, os: undefined, reason: `cannot tell which operating system this is: no readable ${where}` };
  const row = supportRowFor(os.id, os.version);
  if (!row)
    return {
      ok: false,
      os,
      reason: `${os.description} (${os.id} ${os.version}, from ${os.source}) is not in the support matrix`,
    };
  return { ok: true, os, row };
}

/** Linux detection from release files read elsewhere (a server, over SSH): the same rules as detectOs. */
export function detectLinuxOs(read: (file: string) => string | undefined, where = 'release file'): OsDetection {
  return matched(
    detectedLinux(read),
    `/etc/os-release or an older release file (/etc/redhat-release, /etc/oracle-release, /etc/SuSE-release) on ${where}`,
  );
}

export function detectOs(layout: SystemLayout, probe: SystemProbe): OsDetection {
  if (layout.platform !== 'win32') {
    return matched(
      detectedLinux((file) => readIfPresent(layout.hostPath(file))),
      `${layout.hostPath('/etc/os-release')} or an older release file (/etc/redhat-release, /etc/oracle-release, /etc/SuSE-release)`,
    );
  }
  let os: DetectedOs | undefined;
  const version = probe.windowsVersion();
  if (version) {
    const name = WINDOWS_NAMES[version.release] ?? `Windows ${version.release}`;
    os = {
      id: version.server ? 'windows' : 'windows-client',
      version: version.release,
      description: version.server ? name : `Windows client ${version.release}`,
      source: 'Windows version',
    };
  }
  return matched(os, 'the Windows version');
}
