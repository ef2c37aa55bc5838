import * as path from 'node:path';

// How to start a release's Node runtime again. The release ships its own C library and starts Node through
// the loader it ships (runtime/lib/ld-linux-x86-64.so.2 --library-path runtime/lib runtime/node ...), so no
// library of the system is loaded; everything that starts that runtime must go the same way. Inside such a
// process, process.execPath is the loader, not node (the kernel ran the loader).

/** glibc's loader for x86-64, the only one a release starts its runtime through. */
export const RUNTIME_LOADER_NAME = 'ld-linux-x86-64.so.2';
const LOADER = RUNTIME_LOADER_NAME;

/** A runtime folder's start command as sh text; `runtimeDir` is sh text too (quoted here, so "$top/..." works). */
export function runtimeShellCommand(runtimeDir: string, throughLoader: boolean): string {
  const node = `"${runtimeDir}/node"`;
  return throughLoader ? `"${runtimeDir}/lib/${LOADER}" --library-path "${runtimeDir}/lib" ${node}` : node;
}

export interface RuntimeArgv {
  readonly command: string;
  /** What goes before the script and its arguments. */
  readonly prefix: readonly string[];
  /** The Node binary itself (for a copy, or for its version). */
  readonly node: string;
}

/** The command that starts this very runtime again: through its loader when this process was started so. */
export function currentRuntime(execPath = process.execPath): RuntimeArgv {
  const libDir = path.dirname(execPath);
  if (path.basename(execPath) === LOADER && path.basename(libDir) === 'lib') {
    const node = path.join(path.dirname(libDir), 'node');
    return { command: execPath, prefix: ['--library-path', libDir, node], node };
  }
  return { command: execPath, prefix: [], node: execPath };
}
