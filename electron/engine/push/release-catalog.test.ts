import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Scratch } from '../test-support/fixtures';
import { ReleaseCatalog, type PushRelease } from './release-catalog';

// The zstd copy of a release that servers with zstd get: the very tar inside the gzip release, made once,
// private, gone on dispose; and nothing (so the gzip release is sent) where this machine has no zstd.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const savedPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = savedPath;
});
const zstdHere = (() => {
  try {
    execFileSync('zstd', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function gzipRelease(): { release: PushRelease; tar: Buffer } {
  const dir = scratch.path('repo');
  fs.mkdirSync(dir);
  const tar = Buffer.concat([Buffer.from('not really a tar, but bytes that must survive '), Buffer.alloc(300_000, 7)]);
  const file = path.join(dir, 'Microsoft-ASR_UA_9.61.0.0_DEBIAN12-64_GA_01Dec2026_release.tar.gz');
  fs.writeFileSync(file, zlib.gzipSync(tar));
  return { release: { file, agentVersion: '9.61.0.0', topFolder: path.basename(file, '.tar.gz') }, tar };
}

describe('ReleaseCatalog.zstdOf', () => {
  it.skipIf(!zstdHere)('recompresses the release once, privately, to the same tar; dispose removes it', async () => {
    const { release, tar } = gzipRelease();
    const catalog = new ReleaseCatalog(path.dirname(release.file));
    const [first, second] = await Promise.all([catalog.zstdOf(release), catalog.zstdOf(release)]);
    expect(first).toBeDefined();
    expect(second).toBe(first);
    const made = first as { file: string; size: number };
    expect(made.file.endsWith('.tar.zst')).toBe(true);
    expect(made.size).toBe(fs.statSync(made.file).size);
    expect(fs.statSync(made.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(made.file)).mode & 0o777).toBe(0o700);
    expect(execFileSync('zstd', ['-dc', made.file]).equals(tar)).toBe(true);
    catalog.dispose();
    expect(fs.existsSync(path.dirname(made.file))).toBe(false);
  });

  it('is undefined where this machine has no zstd, so the gzip release is sent', async () => {
    const { release } = gzipRelease();
    process.env.PATH = scratch.path('empty-path');
    const catalog = new ReleaseCatalog(path.dirname(release.file));
    expect(await catalog.zstdOf(release)).toBeUndefined();
    catalog.dispose();
  });

  it('is undefined for a release that is not gzip, rather than a broken copy', async () => {
    const { release } = gzipRelease();
    fs.writeFileSync(release.file, 'truncated');
    const catalog = new ReleaseCatalog(path.dirname(release.file));
    expect(await catalog.zstdOf(release)).toBeUndefined();
    catalog.dispose();
  });
});
