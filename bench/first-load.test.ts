import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { firstLoadJsFiles, gzipBytes } from './first-load';

const root = path.resolve(__dirname, '..');
const wizard = path.join(root, 'dist', 'renderer');
const bare = path.join(root, 'dist', 'bench', 'bare-page');

// What lets the wizard become interactive within 1.2x of a bare React page (issue 23; bench:wizard measures it):
// its first load is smaller than React's runtime alone, because it runs React's API on Preact. Sizes, not times.
describe("the wizard's first load (built by npm run build)", () => {
  it('fetches less JavaScript than the bare React + zustand page, and none of react-dom', () => {
    const files = firstLoadJsFiles(wizard);
    expect(files.length).toBeGreaterThan(0);
    expect(gzipBytes(files)).toBeLessThan(gzipBytes(firstLoadJsFiles(bare)));
    // React DOM's production build names its errors by this address; Preact has none of it.
    const marker = 'react.dev/errors';
    expect(firstLoadJsFiles(bare).some((file) => fs.readFileSync(file, 'utf8').includes(marker))).toBe(true);
    expect(files.filter((file) => fs.readFileSync(file, 'utf8').includes(marker))).toEqual([]);
  });
});
