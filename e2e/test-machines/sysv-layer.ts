import * as fs from 'node:fs';
import * as path from 'node:path';
import { mustRun } from './run-command';

// A SysV-init machine is this host's root with Debian's SysV init on top: sysvinit-core (/sbin/init), sysv-rc
// (/etc/init.d/rc), insserv and startpar, unpacked from Debian's own packages into an overlay layer, never
// installed on this host (which would replace its systemd-sysv). The packages are fetched once with
// `apt-get download` into a cache folder; each fleet unpacks them into its own tmpfs.

export const SYSV_PACKAGES = ['sysvinit-core', 'sysv-rc', 'insserv', 'startpar'] as const;
const CACHE = process.env.ASR_TEST_DEB_CACHE ?? '/var/cache/asr-test-machines/debs';

function cached(name: string): string | undefined {
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(CACHE);
  } catch {
    return undefined;
  }
  const deb = entries.find((file) => file.startsWith(`${name}_`) && file.endsWith('.deb'));
  return deb ? path.join(CACHE, deb) : undefined;
}

async function debs(): Promise<string[]> {
  const missing = SYSV_PACKAGES.filter((name) => !cached(name));
  if (missing.length > 0) {
    fs.mkdirSync(CACHE, { recursive: true, mode: 0o755 });
    try {
      // apt's _apt user cannot write the cache folder; the download then runs as root, which apt warns about.
      await mustRun(['sh', '-c', 'cd "$1" && shift && apt-get download "$@" 2>&1', 'apt-download', CACHE, ...missing], {
        timeoutMs: 300_000,
      });
    } catch (error) {
      throw new Error(
        `cannot fetch Debian's ${missing.join(', ')} for a SysV-init test machine (run apt-get update first): ${(error as Error).message}`,
      );
    }
  }
  return SYSV_PACKAGES.map((name) => cached(name) ?? '');
}

/** Unpacks SysV init into `dir` as an overlay layer for this host's root; returns `dir`. */
export async function unpackSysvLayer(dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  for (const deb of await debs()) await mustRun(['dpkg-deb', '-x', deb, dir]);
  // Merged /usr: this host's /bin, /sbin and /lib are links into /usr, and a folder of the same name in a layer
  // above would hide the whole of it. The packages' files go where the links lead.
  for (const top of ['bin', 'sbin', 'lib']) {
    const inLayer = path.join(dir, top);
    const host = fs.lstatSync(`/${top}`, { throwIfNoEntry: false });
    if (!fs.existsSync(inLayer) || !host?.isSymbolicLink()) continue;
    const target = path.join(dir, fs.readlinkSync(`/${top}`).replace(/^\//, ''));
    fs.mkdirSync(target, { recursive: true });
    await mustRun(['cp', '-a', `${inLayer}/.`, `${target}/`]);
    fs.rmSync(inLayer, { recursive: true });
  }
  return dir;
}
