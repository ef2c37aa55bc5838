import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness-server';

// bench/wizard serves its bare page through a harness of its own (rendererDir), so the baseline pays the
// same server and bridge as the wizard; these check that such a page is served as the renderer is.

const appRoot = path.resolve(__dirname, '..', '..');
let work: string;
let harness: Harness | undefined;

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-page-'));
});

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  fs.rmSync(work, { recursive: true, force: true });
});

function writePage(dir: string): void {
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html>\n<html>\n  <head>\n    <title>Other page</title>\n  </head>\n  <body></body>\n</html>\n',
  );
  fs.writeFileSync(path.join(dir, 'assets', 'page.js'), 'globalThis.otherPage = true;\n');
}

describe('a harness serving another built page (rendererDir)', () => {
  it('serves that page with the bridge script put in, its assets, and nothing outside it', async () => {
    const pageDir = path.join(work, 'page');
    writePage(pageDir);
    fs.writeFileSync(path.join(work, 'outside.txt'), 'not served');
    harness = await startHarness({
      root: path.join(work, 'root'),
      repository: path.join(work, 'repository'),
      appRoot,
      rendererDir: pageDir,
    });
    const base = `http://127.0.0.1:${harness.port}`;

    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).toContain('<title>Other page</title>');
    expect(html).toContain('<script defer src="/__bridge/bridge-client.js"></script>');

    const script = await fetch(`${base}/assets/page.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toBe('globalThis.otherPage = true;\n');

    const bridge = await fetch(`${base}/__bridge/bridge-client.js`);
    expect(bridge.status).toBe(200);
    expect(await bridge.text()).toContain('mobilitySetup');

    expect((await fetch(`${base}/..%2Foutside.txt`)).status).toBe(404);
    // The wizard's own page is not what this harness serves.
    expect((await fetch(`${base}/assets/${path.basename(firstRendererAsset())}`)).status).toBe(404);
  });

  it('refuses to start when that page was not built, naming the missing file', async () => {
    await expect(
      startHarness({
        root: path.join(work, 'root'),
        repository: path.join(work, 'repository'),
        appRoot,
        rendererDir: path.join(work, 'not-built'),
      }),
    ).rejects.toThrow(`${path.join(work, 'not-built', 'index.html')} is missing: run npm run build first`);
  });
});

function firstRendererAsset(): string {
  const assets = path.join(appRoot, 'dist', 'renderer', 'assets');
  const name = fs.readdirSync(assets).find((file) => file.endsWith('.js'));
  if (!name) throw new Error(`${assets} holds no script: run npm run build first`);
  return name;
}
