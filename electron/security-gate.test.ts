import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from './engine/test-support/fixtures';
import { TOP } from './engine/test-support/run-cli';

// The security gate inside npm test: electronegativity over the built app, and a scan that no code turns
// TLS verification off outside the documented passphrase-bound exchange.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

interface Finding {
  readonly check: string;
  readonly severity: string;
  readonly file: string;
  /** line:column, the column counted from 0. */
  readonly location: string;
}

/**
 * Findings reviewed and accepted, each pinned to the code at its place, so that any other finding still fails.
 * Preact's hooks run effects after the next frame (afterNextFrame: a timer raced against requestAnimationFrame,
 * then setTimeout of the callback Preact itself passes in); the check flags a setTimeout whose argument is a
 * variable it cannot resolve, as the minified build's module-level ones are.
 */
const REVIEWED: readonly {
  readonly check: string;
  readonly file: RegExp;
  /** The code just before the reported column, and from it on. */
  readonly before: RegExp;
  readonly at: RegExp;
}[] = [
  {
    check: 'DANGEROUS_FUNCTIONS_JS_CHECK',
    file: /^dist\/renderer\/assets\/[\w-]+\.js$/,
    before: /cancelAnimationFrame\([\w$]+\),$/,
    at: /^setTimeout\([\w$]+\)\},[\w$]+=setTimeout\([\w$]+,35\)/,
  },
];

function reviewed(app: string, finding: Finding): boolean {
  const [line, column] = finding.location.split(':').map(Number);
  if (line === undefined || column === undefined) return false;
  const text = fs.readFileSync(path.join(app, finding.file), 'utf8').split('\n')[line - 1] ?? '';
  const before = text.slice(Math.max(0, column - 80), column);
  const at = text.slice(column, column + 80);
  return REVIEWED.some(
    (entry) =>
      entry.check === finding.check && entry.file.test(finding.file) && entry.before.test(before) && entry.at.test(at),
  );
}

function parseCsv(text: string): Finding[] {
  const rows: string[][] = [];
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (const char of line) {
      if (char === '"') quoted = !quoted;
      else if (char === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += char;
    }
    cells.push(cell);
    rows.push(cells.map((c) => c.trim()));
  }
  return rows.map((cells) => ({
    check: cells[0] ?? '',
    severity: cells[1] ?? '',
    file: cells[3] ?? '',
    location: cells[4] ?? '',
  }));
}

describe('security gate', () => {
  it('electronegativity finds nothing of medium or higher severity in the built app but the one reviewed, and reports planted calls', () => {
    // The app as it is packaged: main, preload (with their commonjs marker) and the renderer.
    const app = scratch.path('built-app');
    fs.cpSync(path.join(TOP, 'dist', 'electron'), path.join(app, 'dist', 'electron'), {
      recursive: true,
      filter: (f) => !f.endsWith('.map'),
    });
    fs.cpSync(path.join(TOP, 'dist', 'renderer'), path.join(app, 'dist', 'renderer'), { recursive: true });
    // Planted calls the check must report, beside the reviewed one it must not: a string to run, and a call
    // shaped like the reviewed one but not in Preact's timer race (the review is that narrow).
    const planted = ['dist/renderer/assets/planted-string.js', 'dist/renderer/assets/planted-lookalike.js'];
    fs.writeFileSync(
      path.join(app, planted[0] as string),
      'export function later(e){var t=function(){cancelAnimationFrame(e),setTimeout("run("+e+")")};return t}\n',
    );
    fs.writeFileSync(
      path.join(app, planted[1] as string),
      // A module-level variable the check cannot resolve, as minified Preact's are.
      'var e;export function later(n){var t=function(){cancelAnimationFrame(n),setTimeout(e)};return t}\n',
    );
    const report = path.join(scratch.dir, 'electronegativity.csv');
    const run = spawnSync(
      process.execPath,
      [
        path.join(TOP, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js'),
        '-i',
        app,
        '-e',
        '41.7.1',
        '-r',
        '-o',
        report,
        // Suppressed, both offline-only: AVAILABLE_SECURITY_FIXES downloads Electron's release notes from
        // GitHub (unreachable here, so it can only fail), and ELECTRON_VERSION_JSON only feeds it. The
        // Electron version is pinned in package.json and reviewed on upgrade instead.
        '-x',
        'AvailableSecurityFixesGlobalCheck,ElectronVersionJSONCheck',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const findings = parseCsv(fs.readFileSync(report, 'utf8'));
    const serious = findings.filter((f) => ['MEDIUM', 'HIGH', 'CRITICAL'].includes(f.severity.toUpperCase()));
    const accepted = serious.filter((finding) => reviewed(app, finding));
    expect(
      serious
        .filter((finding) => !accepted.includes(finding))
        .map((finding) => `${finding.check} ${finding.file}`)
        .sort(),
    ).toEqual(planted.map((file) => `DANGEROUS_FUNCTIONS_JS_CHECK ${file}`).sort());
    // The reviewed finding is there, once: a Preact or electronegativity that changes it is looked at again.
    expect(accepted.map((finding) => finding.file)).toEqual([expect.stringMatching(/^dist\/renderer\/assets\//)]);
    // The scan really read the app: the main process's navigation and permission guards were seen (their
    // absence is reported as HIGH and MEDIUM, as for a bundle it could not parse).
    expect(fs.readFileSync(path.join(app, 'dist', 'electron', 'main.js'), 'utf8')).toContain('will-navigate');
  }, 180_000);

  it('no code turns off TLS verification except the passphrase-bound registration client', () => {
    const patterns = [
      /rejectUnauthorized\s*:\s*(false|!1|0)\b/,
      /NODE_TLS_REJECT_UNAUTHORIZED/,
      /checkServerIdentity\s*[:=]/,
      /setCertificateVerifyProc/,
      /ignore-certificate-errors/,
      /on\(\s*['"]certificate-error['"]/,
    ];
    const production: string[] = [];
    const testOnly: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (
          /\.(ts|tsx|mjs|cjs|js)$/.test(entry.name) &&
          patterns.some((p) => p.test(fs.readFileSync(full, 'utf8')))
        ) {
          const relative = path.relative(TOP, full);
          const isTest =
            /\.test\.tsx?$/.test(entry.name) || relative.includes('test-support') || relative.startsWith('bench/');
          (isTest ? testOnly : production).push(relative);
        }
      }
    };
    for (const dir of ['electron', 'shared', 'renderer', 'e2e', 'bench', 'scripts']) walk(path.join(TOP, dir));
    // docs/protocol.md: the CS certificate is self-signed; the client authenticates it with the passphrase-bound
    // proofs over the certificate's fingerprint instead of a CA chain.
    expect(production).toEqual([path.join('electron', 'engine', 'registration', 'cs-transport.ts')]);
    // Tests and benchmarks may talk to the self-signed reference server (or play the attacker) directly.
    for (const file of testOnly) expect(file).toMatch(/(\.test\.ts|test-support\/|bench\/)/);
    // And the shipped bundles carry it only where the registration client is bundled: the configurator, and
    // the installer for its uninstall (which unregisters). The app's own processes and pack-agent never.
    const bundles = [
      'dist/electron/main.js',
      'dist/electron/preload.js',
      'dist/cli/pack-agent.cjs',
      'dist/cli/push-install.cjs',
    ];
    for (const bundle of bundles)
      expect(/rejectUnauthorized:\s*(false|!1)/.test(fs.readFileSync(path.join(TOP, bundle), 'utf8')), bundle).toBe(
        false,
      );
  });
});
