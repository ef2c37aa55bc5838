import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtJsFiles, firstLoadJsFiles, gzipBytes } from './first-load';

const root = path.resolve(__dirname, '..');
const wizard = path.join(root, 'dist', 'renderer');
const bare = path.join(root, 'dist', 'bench', 'bare-page');
// React DOM's production build names its errors by this address; Preact has none of it.
const REACT_DOM_MARKER = 'react.dev/errors';

const hasReactDom = (file: string): boolean => fs.readFileSync(file, 'utf8').includes(REACT_DOM_MARKER);

// What lets the wizard become interactive within 1.2x of a bare React page (issue 23; bench:wizard measures it):
// it runs React's API on Preact, so its first load is smaller than the bare React + zustand page's. Sizes, not
// times.
describe("the wizard's JavaScript (built by npm run build)", () => {
  it('the first load is smaller than the bare React + zustand page', () => {
    const files = firstLoadJsFiles(wizard);
    expect(files.length).toBeGreaterThan(0);
    expect(gzipBytes(files)).toBeLessThan(gzipBytes(firstLoadJsFiles(bare)));
  });

  it('no chunk holds react-dom, the first load nor any loaded later', () => {
    expect(firstLoadJsFiles(bare).some(hasReactDom)).toBe(true);
    const chunks = builtJsFiles(wizard);
    expect(chunks.length).toBeGreaterThan(firstLoadJsFiles(wizard).length);
    expect(chunks.filter(hasReactDom)).toEqual([]);
  });
});
