// Makes a stand-in Electron runtime folder for packaging tests on machines where no Electron binary can be
// downloaded: a script in place of the binary, carrying a version-1 fuse wire after Electron's fuse
// sentinel (all fuses at Electron's defaults, enabled), so electron-builder flips the fuses and a test can
// read back what the app ships with. Usage: node scripts/stand-in-electron.mjs <folder>
import * as fs from 'node:fs';
import * as path from 'node:path';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const dir = path.resolve(process.argv[2] ?? 'out/stand-in-electron');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(path.join(dir, 'resources'), { recursive: true });
const wire = Buffer.concat([
  Buffer.from(`#!/bin/sh\necho "stand-in Electron runtime: packaging tests only"\nexit 0\n# `),
  Buffer.from(SENTINEL),
  Buffer.from([1, 8]),
  Buffer.from('11111111'),
  Buffer.from('\n'),
]);
fs.writeFileSync(path.join(dir, 'electron'), wire, { mode: 0o755 });
fs.writeFileSync(path.join(dir, 'chrome-sandbox'), '', { mode: 0o755 });
fs.writeFileSync(path.join(dir, 'version'), 'stand-in\n');
fs.writeFileSync(path.join(dir, 'LICENSE'), 'Stand-in runtime for tests.\n');
fs.writeFileSync(path.join(dir, 'LICENSES.chromium.html'), '<p>stand-in</p>\n');
process.stdout.write(`${dir}\n`);
