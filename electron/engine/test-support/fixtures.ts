import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import tarStream from 'tar-stream';
import { buildPackage } from '../package/package-builder';
import { MANIFEST_NAME, type ManifestTuple } from '../package/package-manifest';
import { serializeManifest } from '../package/manifest-parser';
import { packageFileName } from '../../../shared/package-name';
import type { SystemProbe } from '../system/system-probe';

// Temp roots, payloads and packages for tests. Everything lives under one temp folder per test file and is
// removed by cleanup().

export const DEBIAN12 =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
export const TEST_DATE = new Date('2026-11-01T00:00:00Z');

export class Scratch {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-test-'));
  private counter = 0;

  path(name: string): string {
    return path.join(this.dir, `${name}-${++this.counter}`);
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A system root with /etc/os-release (or other release files). */
export function makeRoot(
  scratch: Scratch,
  releaseFiles: Record<string, string> = { 'etc/os-release': DEBIAN12 },
): string {
  const root = scratch.path('root');
  for (const [file, content] of Object.entries(releaseFiles)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  fs.mkdirSync(root, { recursive: true });
  return root;
}

export type PayloadSpec = Record<
  string,
  string | Buffer | { content: string | Buffer; mode: number } | { symlink: string }
>;

export function writePayload(dir: string, files: PayloadSpec): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, spec] of Object.entries(files)) {
    const target = path.join(dir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (typeof spec === 'string' || Buffer.isBuffer(spec)) fs.writeFileSync(target, spec);
    else if ('symlink' in spec) fs.symlinkSync(spec.symlink, target);
    else {
      fs.writeFileSync(target, spec.content);
      fs.chmodSync(target, spec.mode);
    }
  }
  return dir;
}

export const SCRIPT_OK = '#!/bin/sh\necho "component ran in $INSTALL_DIR as $ROLE/$PLATFORM"\n';
export const SCRIPT_FAIL = '#!/bin/sh\necho "component failing on purpose" >&2\nexit 7\n';

/** A small agent payload: a binary, a config, a service and optional VSS-like component. */
export function agentPayload(version: string, extra: PayloadSpec = {}): PayloadSpec {
  return {
    'bin/svagentsd': { content: `#!/bin/sh\necho agent ${version}\n`, mode: 0o755 },
    'etc/drscout.conf': `Version=${version}\n`,
    'lib/libagent.so': Buffer.from(`library ${version}`),
    'setup/service.json': JSON.stringify({
      name: 'asr-mobility',
      description: 'Mobility service',
      exec: 'bin/svagentsd',
      args: [],
    }),
    'setup/install-vss.sh': { content: SCRIPT_OK, mode: 0o755 },
    'setup/components.json': JSON.stringify([
      { id: 'vss-provider', title: 'Site Recovery VSS provider', optional: true, run: 'setup/install-vss.sh' },
    ]),
    ...extra,
  };
}

export async function makePackage(
  scratch: Scratch,
  repository: string,
  version: string,
  payload: PayloadSpec,
  label = 'DEBIAN12-64',
): Promise<{ file: string; payloadDir: string }> {
  const payloadDir = writePayload(scratch.path('payload'), payload);
  const built = await buildPackage({
    from: payloadDir,
    osLabel: label,
    agentVersion: version,
    outDir: repository,
    date: TEST_DATE,
    level: 1,
  });
  return { file: built.file, payloadDir };
}

/** Reads a tree into a map of relative path -> content/mode/link, for exact comparisons. */
export function snapshotTree(dir: string, ignore: readonly string[] = []): Record<string, string> {
  const result: Record<string, string> = {};
  const visit = (current: string, relative: string): void => {
    for (const name of fs.readdirSync(current).sort()) {
      const rel = relative ? `${relative}/${name}` : name;
      if (ignore.includes(rel)) continue;
      const full = path.join(current, name);
      const stat = fs.lstatSync(full);
      const mode = (stat.mode & 0o7777).toString(8);
      if (stat.isSymbolicLink()) result[rel] = `link -> ${fs.readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        result[`${rel}/`] = `dir ${mode}`;
        visit(full, rel);
      } else
        result[rel] = `file ${mode} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex').slice(0, 16)}`;
    }
  };
  visit(dir, '');
  return result;
}

export interface CraftedEntry {
  readonly name: string;
  readonly type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo' | 'pax-global-header';
  readonly mode?: number;
  readonly content?: Buffer | string;
  readonly linkname?: string;
}

/**
 * Writes a package by hand, with whatever manifest and entries a test wants, including ones pack-agent
 * would refuse to make. The manifest is written first unless manifestFirst is false.
 */
export async function craftPackage(
  repository: string,
  options: {
    version?: string;
    label?: string;
    manifest?: readonly ManifestTuple[] | string;
    entries: readonly CraftedEntry[];
    gzipTail?: Buffer;
    truncateTo?: number;
  },
): Promise<string> {
  const version = options.version ?? '9.60.0.0';
  const label = options.label ?? 'DEBIAN12-64';
  fs.mkdirSync(repository, { recursive: true });
  const file = path.join(repository, packageFileName(version, label, TEST_DATE));
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  const manifestText =
    typeof options.manifest === 'string'
      ? options.manifest
      : serializeManifest({
          agentVersion: version,
          osLabel: label,
          created: TEST_DATE.toISOString(),
          entries: options.manifest ?? [['payload', 'd', 0o755]],
        });
  const header = { mtime: TEST_DATE, uid: 0, gid: 0 };
  const add = (entry: tarStream.Header, content?: Buffer | string): Promise<void> =>
    new Promise((resolve, reject) => {
      const cb = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (content === undefined) pack.entry(entry, cb);
      else pack.entry(entry, content, cb);
    });
  await add(
    {
      ...header,
      name: MANIFEST_NAME,
      mode: 0o644,
      type: 'file',
      size: Buffer.byteLength(manifestText),
    } as tarStream.Header,
    manifestText,
  );
  for (const entry of options.entries) {
    const type = entry.type ?? 'file';
    const content = entry.content === undefined ? undefined : Buffer.from(entry.content);
    const size = type === 'file' ? (content?.length ?? 0) : 0;
    const h = {
      ...header,
      name: entry.name,
      type,
      mode: entry.mode ?? (type === 'directory' ? 0o755 : 0o644),
      size,
      linkname: entry.linkname,
    } as tarStream.Header;
    await add(h, type === 'file' ? (content ?? Buffer.alloc(0)) : undefined);
  }
  pack.finalize();
  await done;
  let tar = Buffer.concat(chunks);
  if (options.gzipTail) tar = Buffer.concat([tar.subarray(0, tar.length - 1024), options.gzipTail]);
  await pipeline(Readable.from([tar]), createGzip({ level: 1 }), fs.createWriteStream(file));
  if (options.truncateTo !== undefined) fs.truncateSync(file, options.truncateTo);
  return file;
}

export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function fakeProbe(overrides: Partial<SystemProbe> = {}): SystemProbe {
  return {
    platform: 'linux',
    isElevated: () => true,
    machineArch: () => 'x86_64',
    windowsVersion: () => undefined,
    systemdRunning: () => false,
    findCommand: () => undefined,
    hostName: () => 'test-host',
    now: () => new Date(),
    ...overrides,
  };
}

/** One raw ustar header block, for entry types tar-stream cannot write (pax global headers). */
export function rawTarHeader(name: string, size: number, typeflag: string, mode = 0o644): Buffer {
  const block = Buffer.alloc(512);
  block.write(name, 0, 100, 'utf8');
  block.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'ascii');
  block.write('0000000\0', 108, 'ascii');
  block.write('0000000\0', 116, 'ascii');
  block.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  block.write(
    `${Math.floor(TEST_DATE.getTime() / 1000)
      .toString(8)
      .padStart(11, '0')}\0`,
    136,
    'ascii',
  );
  block.write(typeflag, 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  return withTarChecksum(block);
}

/** Sets a header block's checksum field (after a test has changed other fields). */
export function withTarChecksum(block: Buffer): Buffer {
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

export function padToBlock(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}
