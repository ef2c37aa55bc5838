import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readElfDynamic } from './elf-dynamic';
import { RUNTIME_LOADER_NAME as LOADER_NAME } from './package-manifest';

// The C library a release's Node runtime brings with it. Node's Linux binaries need glibc 2.28, newer than
// every system of the seed's table (2.11-2.24), so the release ships the loader and every shared library the
// runtime needs and starts Node through that loader: nothing of the system's C library is loaded. Which
// libraries those are is read from the binary itself at pack time (its DT_NEEDED entries, and theirs in
// turn), never a fixed list; where each lives on this machine is what its own loader resolves (`--list`).

export interface RuntimeFile {
  /** The name it is shipped under in runtime/lib (the name the runtime asks for). */
  readonly name: string;
  /** The file on this machine (links resolved). */
  readonly source: string;
}

export interface RuntimeLibraries {
  /** Undefined for a statically linked runtime: then nothing is shipped beside it. */
  readonly loader: RuntimeFile | undefined;
  readonly libraries: readonly RuntimeFile[];
}

export class RuntimeLibraryError extends Error {}

/** `ld.so --list FILE`: each library name the loader would load, and the file it resolves it to. */
function resolvedByLoader(loader: string, binary: string): Map<string, string> {
  const listed = spawnSync(loader, ['--list', binary], { encoding: 'utf8', env: {}, maxBuffer: 1024 * 1024 });
  if (listed.status !== 0)
    throw new RuntimeLibraryError(
      `${loader} --list ${binary} failed (${listed.stderr.trim() || `exit ${listed.status}`}); pack the release on a machine where this runtime runs`,
    );
  const resolved = new Map<string, string>();
  for (const line of listed.stdout.split('\n')) {
    const arrow = /^\s*(\S+) => (.+?)(?: \(0x[0-9a-f]+\))?$/.exec(line);
    if (!arrow?.[1] || !arrow[2]) continue;
    if (arrow[2] === 'not found')
      throw new RuntimeLibraryError(`${binary} needs ${arrow[1]}, which is not on this machine`);
    resolved.set(arrow[1], arrow[2]);
  }
  return resolved;
}

export function runtimeLibraries(binary: string): RuntimeLibraries {
  const top = readElfDynamic(binary);
  if (top.interpreter === undefined) {
    if (top.needed.length > 0)
      throw new RuntimeLibraryError(`${binary} needs shared libraries but names no loader (PT_INTERP)`);
    return { loader: undefined, libraries: [] };
  }
  if (path.posix.basename(top.interpreter) !== LOADER_NAME)
    throw new RuntimeLibraryError(
      `${binary} asks for the loader ${top.interpreter}; the release can only ship glibc's x86-64 loader (${LOADER_NAME})`,
    );
  if (!fs.existsSync(top.interpreter))
    throw new RuntimeLibraryError(`${binary} asks for the loader ${top.interpreter}, which is not on this machine`);
  const resolved = resolvedByLoader(top.interpreter, binary);
  const libraries = new Map<string, string>();
  const pending = [...top.needed];
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    // libc and others name the loader itself; it is shipped once, as the loader.
    if (name === LOADER_NAME || libraries.has(name)) continue;
    if (name.includes('/'))
      throw new RuntimeLibraryError(`${binary} needs ${name} by path; the release ships libraries by name only`);
    const found = resolved.get(name);
    if (!found) throw new RuntimeLibraryError(`${binary} needs ${name}, but its loader did not resolve it`);
    const source = fs.realpathSync(found);
    libraries.set(name, source);
    pending.push(...readElfDynamic(source).needed);
  }
  return {
    loader: { name: LOADER_NAME, source: fs.realpathSync(top.interpreter) },
    libraries: [...libraries]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, source]) => ({ name, source })),
  };
}
