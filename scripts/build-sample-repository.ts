import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUPPORT_MATRIX } from '../shared/support-matrix';
import { buildPackage } from '../electron/engine/package/package-builder';

// Builds the repository bundled with setup (assets/repository): the stand-in sample agent packaged for
// every Linux row of the support matrix, so a fresh checkout can install without a configuration server.

export const SAMPLE_AGENT_VERSION = '9.60.0.0';
const SAMPLE_DATE = new Date('2026-11-01T00:00:00Z');

async function main(): Promise<void> {
  const top = path.resolve(__dirname, '..', '..');
  const from = path.join(top, 'assets', 'sample-agent');
  const out = path.join(top, 'assets', 'repository');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const rows = SUPPORT_MATRIX.filter((row) => row.family === 'linux');
  await Promise.all(
    rows.map((row) =>
      buildPackage({ from, osLabel: row.label, agentVersion: SAMPLE_AGENT_VERSION, outDir: out, date: SAMPLE_DATE }),
    ),
  );
  process.stdout.write(`sample repository: ${rows.length} packages in ${path.relative(top, out)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
