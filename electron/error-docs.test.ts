import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../shared/error-catalog';
import { ERROR_DOCS_FILE, errorDocLink, errorDocsMarkdown } from '../shared/error-docs';
import { TOP } from './engine/test-support/run-cli';

// docs/errors.md is generated from the catalog: a code added or reworded without `npm run build` leaves the
// committed page stale, and the wizard's links would point at a section that says something else.

describe('docs/errors.md', () => {
  it('is what the error catalog generates (run npm run build to refresh it)', () => {
    expect(fs.readFileSync(path.join(TOP, ERROR_DOCS_FILE), 'utf8')).toBe(errorDocsMarkdown());
  });

  it('has a section for every code, at the anchor the wizard links to', () => {
    const text = errorDocsMarkdown();
    for (const code of ERROR_CODES) {
      expect(text).toContain(`\n## ${code}\n`);
      expect(errorDocLink(code)).toBe(`docs/errors.md#${code.toLowerCase()}`);
    }
    expect(text).toContain('exit code 4 on Linux, 1602 on Windows');
  });
});
