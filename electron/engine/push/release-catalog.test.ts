import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Scratch } from '../test-support/fixtures';
import { GrowingFile, RECEIVE_FRAMED, ReleaseCatalog, type PushRelease, type StreamedRelease } from './release-catalog';

// The zstd copy of a release that servers with zstd get: the very tar inside the gzip release, made once,
// private, streamed in frames the server's shell reads exactly, gone on dispose; and nothing (so the gzip
// release is sent) where this machine has no zstd.

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

/** Runs the server's side: RECEIVE_FRAMED into zstd, then whatever stdin has left into a second file. */
function receive(framed: Buffer): { tar: Buffer; rest: Buffer } {
  const dir = scratch.path('receive');
  fs.mkdirSync(dir);
  execFileSync('sh', ['-c', `${RECEIVE_FRAMED} | zstd -dcq > "$1/tar"; cat > "$1/rest"`, 'sh', dir], {
    input: framed,
  });
  return { tar: fs.readFileSync(path.join(dir, 'tar')), rest: fs.readFileSync(path.join(dir, 'rest')) };
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('ReleaseCatalog.zstdOf', () => {
  it.skipIf(!zstdHere)(
    'recompresses the release once, privately, into frames the server reads exactly; dispose removes it',
    async () => {
      const { release, tar } = gzipRelease();
      const catalog = new ReleaseCatalog(path.dirname(release.file));
      const [first, second] = await Promise.all([catalog.zstdOf(release), catalog.zstdOf(release)]);
      expect(first).toBeDefined();
      expect(second).toBe(first);
      const made = first as StreamedRelease;
      const framed = await collect(made.open());
      const file = made.file;
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
      expect(made.size()).toBe(fs.statSync(file).size);
      // What follows the frames on stdin (the install's cancel channel) is left for the next reader.
      const received = receive(Buffer.concat([framed, Buffer.from('after the release')]));
      expect(received.tar.equals(tar)).toBe(true);
      expect(received.rest.toString()).toBe('after the release');
      // A second server gets the same bytes.
      expect((await collect(made.open())).equals(framed)).toBe(true);
      catalog.dispose();
      expect(fs.existsSync(path.dirname(file))).toBe(false);
    },
  );

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

describe('ReleaseCatalog.prepareSoleRelease', () => {
  it('starts the zstd copy of a one-label repository at once, and of nothing where several labels need choosing', async () => {
    const { release } = gzipRelease();
    const one = new ReleaseCatalog(path.dirname(release.file));
    const started = vi.spyOn(one, 'zstdOf');
    one.prepareSoleRelease();
    expect(started).toHaveBeenCalledTimes(1);
    expect(started.mock.calls[0]?.[0]).toEqual(release);
    // The servers' own request later finds it already under way: the very same promise.
    expect(one.zstdOf(release)).toBe(started.mock.results[0]?.value);
    await one.zstdOf(release);
    one.dispose();

    const other = path.join(
      path.dirname(release.file),
      'Microsoft-ASR_UA_9.61.0.0_UBUNTU-22.04-64_GA_01Dec2026_release.tar.gz',
    );
    fs.copyFileSync(release.file, other);
    const two = new ReleaseCatalog(path.dirname(release.file));
    const none = vi.spyOn(two, 'zstdOf');
    two.prepareSoleRelease();
    expect(none).not.toHaveBeenCalled();
    two.dispose();
  });
});

describe('GrowingFile', () => {
  it('sends what is written while it is being written, and the rest once it ends', async () => {
    const file = scratch.path('growing.bin');
    const first = Buffer.alloc(5 * 1024 * 1024, 1);
    const second = Buffer.alloc(3000, 2);
    fs.writeFileSync(file, first);
    const growing = new GrowingFile(file);
    growing.grow(first.length);
    const frames = growing.frames();
    const header = await frames.next();
    // The first frame goes out before the producer has finished.
    expect(header.value?.toString()).toBe(`${first.length}\n`);
    let sent = 0;
    while (sent < first.length) sent += ((await frames.next()).value as Buffer).length;
    const next = frames.next();
    fs.appendFileSync(file, second);
    growing.grow(second.length);
    growing.end({ ok: true });
    expect((await next).value?.toString()).toBe(`${second.length}\n`);
    expect(((await frames.next()).value as Buffer).equals(second)).toBe(true);
    expect((await frames.next()).value?.toString()).toBe('0\n');
    expect((await frames.next()).done).toBe(true);
  });

  it('fails its readers when the producer fails, naming why', async () => {
    const file = scratch.path('failing.bin');
    fs.writeFileSync(file, '');
    const growing = new GrowingFile(file);
    const frames = growing.frames();
    const next = frames.next();
    growing.end({ ok: false, error: new Error('No space left on device') });
    await expect(next).rejects.toThrow(/recompressing the release with zstd failed: No space left on device/);
  });
});
