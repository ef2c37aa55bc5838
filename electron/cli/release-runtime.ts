import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExtraFile } from '../engine/package/package-builder';
import {
  RELEASE_ENGINE,
  RELEASE_INSTALLER,
  RELEASE_LIB_DIR,
  RELEASE_LOADER,
  RELEASE_NODE,
} from '../engine/package/package-manifest';
import { runtimeLibraries } from '../engine/package/runtime-libraries';
import { installScript } from './release-install-script';

// What pack-agent --with-installer puts beside the payload: ./install, the Node runtime, the bundled engine,
// and the C library the runtime needs (its loader and shared libraries, read from the binary), so the release
// runs on systems whose own glibc is older than the 2.28 Node needs.

/**
 * The runtime as the release ships it: without its static symbol table and debug sections where binutils'
 * strip is here (Debian's node: 99 MB to 86 MB, so every server of a push receives, unpacks, verifies and
 * copies 13% less; the dynamic symbols native modules link against stay). Kept as it is when strip is
 * missing or its result does not run.
 */
function shippedRuntime(node: string, scratch: string): string {
  const stripped = path.join(scratch, 'node');
  const strip = spawnSync('strip', ['--strip-all', '-o', stripped, node], { stdio: 'ignore' });
  if (strip.status !== 0 || !fs.existsSync(stripped)) return node;
  const runs = spawnSync(
    stripped,
    ['-e', 'process.exit(typeof require("node:crypto").createHash === "function" ? 0 : 1)'],
    { stdio: 'ignore' },
  );
  return runs.status === 0 ? stripped : node;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The release's extra files; `scratch` is a private folder that outlives the packing. */
export function releaseRuntimeFiles(nodeBinary: string, engine: string, scratch: string): ExtraFile[] {
  const libraries = runtimeLibraries(nodeBinary);
  const node = shippedRuntime(nodeBinary, scratch);
  const shipped: ExtraFile[] = [
    { archivePath: RELEASE_NODE, sourcePath: node, mode: 0o755 },
    { archivePath: RELEASE_ENGINE, sourcePath: engine, mode: 0o644 },
  ];
  if (libraries.loader) shipped.push({ archivePath: RELEASE_LOADER, sourcePath: libraries.loader.source, mode: 0o755 });
  for (const library of libraries.libraries)
    shipped.push({ archivePath: `${RELEASE_LIB_DIR}/${library.name}`, sourcePath: library.source, mode: 0o644 });
  const install = path.join(scratch, 'install');
  const script = installScript({
    loader: libraries.loader !== undefined,
    sums: shipped.map((file) => ({ path: file.archivePath, sha256: sha256(file.sourcePath) })),
  });
  fs.writeFileSync(install, script, { mode: 0o755 });
  return [{ archivePath: RELEASE_INSTALLER, sourcePath: install, mode: 0o755 }, ...shipped];
}
