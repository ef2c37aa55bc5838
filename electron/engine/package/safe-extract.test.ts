import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ExtractError } from './extract-error';
import { extractPackage, readPackageManifest } from './safe-extract';
import {
  craftPackage,
  makePackage,
  padToBlock,
  rawTarHeader,
  Scratch,
  sha256,
  snapshotTree,
  TEST_DATE,
  writePayload,
  type CraftedEntry,
} from '../test-support/fixtures';
import { MANIFEST_NAME, type ManifestTuple } from './package-manifest';
import { serializeManifest } from './manifest-parser';
import { buildPackage, PackError } from './package-builder';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** Extracts into sandbox/staging and returns what happened, plus everything that exists in the sandbox afterwards. */
async function extractInSandbox(file: string, inflate?: { forceStream?: boolean }) {
  const sandbox = scratch.path('sandbox');
  const staging = path.join(sandbox, 'staging');
  fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
  let error: ExtractError | undefined;
  try {
    await extractPackage({ archivePath: file, stagingDir: staging, inflate });
  } catch (e) {
    if (!(e instanceof ExtractError)) throw e;
    error = e;
  }
  const outside = fs.readdirSync(sandbox).filter((name) => name !== 'staging');
  return { error, staging, outside, sandbox };
}

const okFile = (name: string, content: string, mode = 0o644): [ManifestTuple, CraftedEntry] => [
  [name, 'f', mode, Buffer.byteLength(content), sha256(content)],
  { name, content, mode },
];

describe('verified extraction', () => {
  it('lays out the payload exactly as the --from folder, modes and links included', async () => {
    const repo = scratch.path('repo');
    const { file, payloadDir } = await makePackage(scratch, repo, '9.60.0.0', {
      'bin/agent': { content: '#!/bin/sh\n', mode: 0o750 },
      'etc/conf': 'x=1\n',
      'lib/libx.so.1': Buffer.alloc(3 * 1024 * 1024, 7),
      'lib/libx.so': { symlink: 'libx.so.1' },
      'share/doc/empty': '',
      'readonly/file': { content: 'r', mode: 0o444 },
    });
    fs.mkdirSync(path.join(payloadDir, 'empty-dir'));
    fs.chmodSync(path.join(payloadDir, 'readonly'), 0o555);
    // Rebuild so the empty folder and the read-only folder are in the package too.
    const rebuilt = await buildPackage({
      from: payloadDir,
      osLabel: 'DEBIAN12-64',
      agentVersion: '9.60.1.0',
      outDir: repo,
      level: 1,
    });
    for (const archive of [file, rebuilt.file]) {
      for (const forceStream of [false, true]) {
        const { error, staging } = await extractInSandbox(archive, { forceStream });
        expect(error).toBeUndefined();
        if (archive === rebuilt.file) expect(snapshotTree(staging)).toEqual(snapshotTree(payloadDir));
        else expect(snapshotTree(staging)['lib/libx.so']).toBe('link -> libx.so.1');
        fs.chmodSync(path.join(staging, 'readonly'), 0o755);
      }
    }
  });

  it('reads only the manifest for preflight', async () => {
    const repo = scratch.path('repo');
    const { file } = await makePackage(scratch, repo, '9.61.0.0', { 'a/b': 'hello' });
    const manifest = await readPackageManifest(file);
    expect(manifest.agentVersion).toBe('9.61.0.0');
    expect(manifest.osLabel).toBe('DEBIAN12-64');
    expect(manifest.payloadFiles).toBe(1);
    expect(manifest.get('payload/a/b')).toMatchObject({ type: 'file', size: 5, sha256: sha256('hello') });
  });
});

describe('malicious and damaged packages write nothing outside staging', () => {
  const base: ManifestTuple[] = [['payload', 'd', 0o755]];
  const baseEntries: CraftedEntry[] = [{ name: 'payload/', type: 'directory', mode: 0o755 }];

  const cases: [string, { manifest?: ManifestTuple[] | string; entries: CraftedEntry[] }, RegExp][] = [
    [
      'a ".." path',
      { manifest: base, entries: [...baseEntries, { name: 'payload/../../escaped', content: 'x' }] },
      /unsafe entry .*"\.\."/,
    ],
    [
      'an absolute path',
      { manifest: base, entries: [...baseEntries, { name: '/tmp/asr-absolute-escape', content: 'x' }] },
      /unsafe entry .*absolute path/,
    ],
    [
      'a symlink pointing out of the tree',
      { manifest: base, entries: [...baseEntries, { name: 'payload/out', type: 'symlink', linkname: '/etc/passwd' }] },
      /not listed in the manifest/,
    ],
    [
      'a symlink the manifest itself lets escape',
      {
        manifest: [...base, ['payload/out', 'l', 0o777, '../../etc']],
        entries: [...baseEntries, { name: 'payload/out', type: 'symlink', linkname: '../../etc' }],
      },
      /leaves the package/,
    ],
    [
      'an absolute symlink in the manifest',
      { manifest: [...base, ['payload/out', 'l', 0o777, '/etc']], entries: [] },
      /absolute link target/,
    ],
    [
      'a file below a symlink (write through the link)',
      { manifest: [...base, ['payload/d', 'l', 0o777, 'x'], ['payload/d/f', 'f', 0o644, 1, sha256('x')]], entries: [] },
      /not inside a directory/,
    ],
    [
      'a hard link',
      {
        manifest: [...base, okFile('payload/a', 'x')[0]],
        entries: [
          ...baseEntries,
          okFile('payload/a', 'x')[1],
          { name: 'payload/h', type: 'link', linkname: 'payload/a' },
        ],
      },
      /hard links are not allowed/,
    ],
    [
      'a hard link to a system file',
      { manifest: base, entries: [...baseEntries, { name: 'payload/shadow', type: 'link', linkname: '/etc/shadow' }] },
      /hard links are not allowed/,
    ],
    [
      'a device node',
      { manifest: base, entries: [...baseEntries, { name: 'payload/dev', type: 'character-device' }] },
      /character-device entries/,
    ],
    ['a FIFO', { manifest: base, entries: [...baseEntries, { name: 'payload/fifo', type: 'fifo' }] }, /fifo entries/],
    [
      'a setuid file',
      { manifest: base, entries: [...baseEntries, { name: 'payload/su', content: 'x', mode: 0o4755 }] },
      /setuid/,
    ],
    [
      'a setuid file the manifest lists',
      { manifest: [...base, ['payload/su', 'f', 0o4755, 1, sha256('x')]], entries: [] },
      /setuid/,
    ],
    [
      'an entry not in the manifest',
      { manifest: base, entries: [...baseEntries, { name: 'payload/extra', content: 'x' }] },
      /not listed in the manifest/,
    ],
    [
      'content that does not match its sha256',
      {
        manifest: [...base, ['payload/a', 'f', 0o644, 1, sha256('x')]],
        entries: [...baseEntries, { name: 'payload/a', content: 'y' }],
      },
      /"payload\/a" does not match its sha256/,
    ],
    [
      'a large file, written in pieces, whose last byte differs from its sha256',
      {
        manifest: [...base, ['payload/big', 'f', 0o644, 600_000, sha256('x'.repeat(600_000))]],
        entries: [...baseEntries, { name: 'payload/big', content: `${'x'.repeat(599_999)}y` }],
      },
      /"payload\/big" does not match its sha256/,
    ],
    [
      'more bytes than the manifest declares',
      {
        manifest: [...base, ['payload/a', 'f', 0o644, 1, sha256('x')]],
        entries: [...baseEntries, { name: 'payload/a', content: 'xxxxxxxx' }],
      },
      /manifest says 1/,
    ],
    [
      'a mode other than the manifest says',
      {
        manifest: [...base, ['payload/a', 'f', 0o644, 1, sha256('x')]],
        entries: [...baseEntries, { name: 'payload/a', content: 'x', mode: 0o777 }],
      },
      /has mode 777/,
    ],
    [
      'an entry listed but missing',
      { manifest: [...base, ['payload/a', 'f', 0o644, 1, sha256('x')]], entries: [...baseEntries] },
      /missing 1 entries/,
    ],
    [
      'an entry twice',
      {
        manifest: [...base, okFile('payload/a', 'x')[0]],
        entries: [...baseEntries, okFile('payload/a', 'x')[1], okFile('payload/a', 'x')[1]],
      },
      /appears twice/,
    ],
    ['a manifest that is not the first entry', { manifest: 'not json at all\n', entries: [] }, /line layout/],
  ];

  it.each(cases)('refuses %s', async (_name, spec, message) => {
    const repo = scratch.path('repo');
    const file = await craftPackage(repo, spec);
    const { error, outside } = await extractInSandbox(file);
    expect(error?.kind).toBe('invalid-package');
    expect(error?.message).toMatch(message);
    expect(outside).toEqual([]);
    expect(fs.existsSync('/tmp/asr-absolute-escape')).toBe(false);
  });

  it('refuses a package whose first entry is not the manifest', async () => {
    const repo = scratch.path('repo');
    const file = path.join(repo, 'Microsoft-ASR_UA_9.60.0.0_DEBIAN12-64_GA_01Nov2026_release.tar.gz');
    const payload = writePayload(scratch.path('p'), { x: 'y' });
    fs.mkdirSync(repo, { recursive: true });
    const tar = await import('node:child_process').then((cp) =>
      cp.execFileSync('tar', ['-C', payload, '-cf', '-', '.']),
    );
    fs.writeFileSync(file, gzipSync(tar));
    const { error } = await extractInSandbox(file);
    expect(error?.message).toMatch(/first entry is .* not the package manifest/);
  });

  it('stops a decompression bomb early', async () => {
    const repo = scratch.path('repo');
    fs.mkdirSync(repo, { recursive: true });
    // After a valid manifest, 600 pax-global records of 1 MiB each (which tar readers skip): ~600 MiB of
    // tar from well under 5 MiB of gzip. Extraction must give up after a few MiB, not inflate it all.
    const manifest = serializeManifest({
      agentVersion: '9.60.0.0',
      osLabel: 'DEBIAN12-64',
      created: TEST_DATE.toISOString(),
      entries: base,
    });
    const record = Buffer.alloc(1024 * 1024, 0x20);
    const parts = [rawTarHeader(MANIFEST_NAME, Buffer.byteLength(manifest), '0'), padToBlock(Buffer.from(manifest))];
    for (let i = 0; i < 600; i++) parts.push(rawTarHeader(`g${i}`, record.length, 'g'), record);
    parts.push(Buffer.alloc(1024));
    const file = path.join(repo, 'Microsoft-ASR_UA_9.60.0.0_DEBIAN12-64_GA_01Nov2026_release.tar.gz');
    fs.writeFileSync(file, gzipSync(Buffer.concat(parts), { level: 9 }));
    expect(fs.statSync(file).size).toBeLessThan(5 * 1024 * 1024);
    const { error, outside } = await extractInSandbox(file);
    expect(error?.kind).toBe('invalid-package');
    expect(error?.message).toMatch(/expands beyond the size its manifest declares/);
    expect(outside).toEqual([]);
  });

  it('refuses a truncated archive, at any cut', async () => {
    const repo = scratch.path('repo');
    const { file } = await makePackage(scratch, repo, '9.60.0.0', {
      'big.bin': Buffer.alloc(2 * 1024 * 1024, 1),
      small: 'x',
    });
    const full = fs.readFileSync(file);
    for (const cut of [10, 200, Math.floor(full.length / 2), full.length - 9]) {
      fs.writeFileSync(file, full.subarray(0, cut));
      for (const forceStream of [false, true]) {
        const { error, outside } = await extractInSandbox(file, { forceStream });
        expect(error?.kind, `cut at ${cut}`).toBe('invalid-package');
        expect(outside).toEqual([]);
      }
    }
  });

  it('refuses a file that is not gzip at all', async () => {
    const repo = scratch.path('repo');
    fs.mkdirSync(repo, { recursive: true });
    const file = path.join(repo, 'Microsoft-ASR_UA_9.60.0.0_DEBIAN12-64_GA_01Nov2026_release.tar.gz');
    fs.writeFileSync(file, 'this is not a package');
    const { error } = await extractInSandbox(file);
    expect(error?.kind).toBe('invalid-package');
    expect(error?.message).toMatch(/gzip/);
  });

  it('refuses a package whose file name and manifest disagree', async () => {
    const repo = scratch.path('repo');
    const { file } = await makePackage(scratch, repo, '9.60.0.0', { a: 'b' });
    const staging = scratch.path('staging');
    fs.mkdirSync(staging);
    await expect(
      extractPackage({
        archivePath: file,
        stagingDir: staging,
        expect: { osLabel: 'RHEL7-64', agentVersion: '9.60.0.0' },
      }),
    ).rejects.toThrow(/file name says 9.60.0.0 for RHEL7-64/);
  });
});

describe('pack-agent refuses what the engine would refuse', () => {
  it.each([
    [
      'a setuid file',
      (dir: string) => {
        fs.writeFileSync(path.join(dir, 'su'), 'x');
        fs.chmodSync(path.join(dir, 'su'), 0o4755);
      },
      /setuid/,
    ],
    [
      'a link leaving the tree',
      (dir: string) => fs.symlinkSync('../../etc/passwd', path.join(dir, 'out')),
      /leaves the package/,
    ],
    ['an absolute link', (dir: string) => fs.symlinkSync('/etc/passwd', path.join(dir, 'out')), /absolute link target/],
  ])('%s', async (_name, make, message) => {
    const dir = scratch.path('payload');
    fs.mkdirSync(dir);
    make(dir);
    await expect(
      buildPackage({ from: dir, osLabel: 'DEBIAN12-64', agentVersion: '9.60.0.0', outDir: scratch.path('out') }),
    ).rejects.toThrow(PackError);
    await expect(
      buildPackage({ from: dir, osLabel: 'DEBIAN12-64', agentVersion: '9.60.0.0', outDir: scratch.path('out') }),
    ).rejects.toThrow(message);
  });
});
