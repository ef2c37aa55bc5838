import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_DOCS_FILE, errorDocsMarkdown } from '../shared/error-docs';

// Writes docs/errors.md from the error catalog; npm run build runs it, and a test fails when the committed
// page is stale. Run from the repository's top folder.

const file = path.resolve(process.cwd(), ERROR_DOCS_FILE);
const text = errorDocsMarkdown();
const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
if (before !== text) {
  fs.writeFileSync(file, text);
  process.stdout.write(`${ERROR_DOCS_FILE}: written from the error catalog\n`);
}
