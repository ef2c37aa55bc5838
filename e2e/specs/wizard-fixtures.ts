import { _electron, expect, test as base, type ElectronApplication, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackage } from '../../electron/engine/package/package-builder';
import { startReferenceConfigServer, type ReferenceConfigServer } from '../config-server/reference-config-server';
import { startHarness, type Harness } from '../harness/harness-server';
import type { SetupApi } from '../../shared/ipc-contract';

declare global {
  interface Window {
    mobilitySetup?: SetupApi;
  }
}

// Each test gets a fresh system root, a package repository, a reference configuration server on loopback,
// and the wizard: in Chromium through the e2e harness, or in Electron when a binary is present.

export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOT_DIR = path.join(APP_ROOT, 'test-results', 'screenshots');
const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';

export interface PayloadChange {
  readonly file: string;
  readonly content: string;
  readonly mode?: number;
}

/** The sample agent with its one required component (the replication filter driver) failing with exit 9. */
export const FAILING_FILTER_DRIVER: readonly PayloadChange[] = [
  {
    file: 'setup/filter-driver.sh',
    content: '#!/bin/sh\necho "cannot load the replication driver" >&2\nexit 9\n',
    mode: 0o755,
  },
  {
    file: 'setup/components.json',
    content: JSON.stringify([
      { id: 'filter-driver', title: 'Replication filter driver', optional: false, run: 'setup/filter-driver.sh' },
    ]),
  },
];

export interface WizardEnv {
  readonly root: string;
  readonly repository: string;
  readonly cs: ReferenceConfigServer;
  readonly passphrase: string;
  readonly workDir: string;
  /** Replaces the repository's package with the sample agent changed as given (same version, newer build). */
  repackage(changes: readonly PayloadChange[]): Promise<void>;
  /** Installs from the command line, as if done before the wizard opened. */
  installWithCli(): Promise<void>;
}

interface Fixtures {
  env: WizardEnv;
  wizard: Page;
  harness: Harness | undefined;
  /** An engine failpoint for the jobs the wizard starts: the install pauses there until the test says. */
  failpoint: string | undefined;
  /** The wizard's language, as --lang gives it (de, en-XA); default English. */
  lang: string | undefined;
  /** What main last put on the system clipboard (the page itself is granted no clipboard permission). */
  mainClipboard: () => Promise<string | undefined>;
}

// The Electron app behind each wizard window, for what only main can see (its clipboard).
const electronApps = new WeakMap<Page, ElectronApplication>();

async function packSample(repository: string, changes: readonly PayloadChange[], workDir: string): Promise<void> {
  const payload = fs.mkdtempSync(path.join(workDir, 'payload-'));
  fs.cpSync(path.join(APP_ROOT, 'assets', 'sample-agent'), payload, { recursive: true });
  for (const change of changes) {
    fs.mkdirSync(path.dirname(path.join(payload, change.file)), { recursive: true });
    fs.writeFileSync(path.join(payload, change.file), change.content, { mode: change.mode ?? 0o644 });
    if (change.mode !== undefined) fs.chmodSync(path.join(payload, change.file), change.mode);
  }
  for (const name of fs.readdirSync(repository)) fs.rmSync(path.join(repository, name));
  await buildPackage({ from: payload, osLabel: 'DEBIAN12-64', agentVersion: '9.60.0.0', outDir: repository, level: 1 });
}

export const test = base.extend<Fixtures>({
  failpoint: [undefined, { option: true }],
  lang: [undefined, { option: true }],
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a destructured object
  env: async ({}, use) => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-e2e-'));
    const root = path.join(workDir, 'root');
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(root, 'etc', 'os-release'), OS_RELEASE);
    const repository = path.join(workDir, 'repository');
    fs.mkdirSync(repository);
    await packSample(repository, [], workDir);
    const passphrase = 'e2e-correct-passphrase-7c1f';
    const passphraseFile = path.join(workDir, 'cs-passphrase.txt');
    fs.writeFileSync(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
    const cs = await startReferenceConfigServer({
      port: 0,
      passphraseFile,
      stateFile: path.join(workDir, 'cs-state.json'),
    });
    const env: WizardEnv = {
      root,
      repository,
      cs,
      passphrase,
      workDir,
      repackage: (changes) => packSample(repository, changes, workDir),
      installWithCli: async () => {
        const { execFileSync } = await import('node:child_process');
        execFileSync(process.execPath, [
          path.join(APP_ROOT, 'dist', 'cli', 'unified-agent.cjs'),
          '-r',
          'MS',
          '-v',
          'VmWare',
          '-q',
          '--repository',
          repository,
          '--root',
          root,
        ]);
      },
    };
    await use(env);
    await cs.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  },
  harness: async ({ env, failpoint, lang }, use, testInfo) => {
    if (testInfo.project.name !== 'harness') {
      await use(undefined);
      return;
    }
    const childEnv = failpoint
      ? { ASRSETUP_TEST_FAILPOINT: failpoint, ASRSETUP_TEST_FAILPOINT_DIR: env.workDir }
      : undefined;
    const harness = await startHarness({
      root: env.root,
      repository: env.repository,
      appRoot: APP_ROOT,
      browseAnswer: '/opt/asr-browsed',
      childEnv,
      // "Push to servers" runs a stand-in push CLI (no SSH): real servers are e2e/test-machines' business.
      pushCli: path.join(APP_ROOT, 'dist', 'e2e', 'stand-in-push-cli.cjs'),
      knownHosts: path.join(env.workDir, 'known_hosts'),
      browseFileAnswer: path.join(env.workDir, 'id_ed25519'),
      saveDir: path.join(env.workDir, 'saved'),
      ...(lang ? { lang } : {}),
    });
    await use(harness);
    await harness.close();
  },
  wizard: async ({ env, harness, page, lang }, use, testInfo) => {
    if (testInfo.project.name === 'electron') {
      const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH;
      test.skip(
        !dist,
        'no Electron binary on this machine (set ELECTRON_OVERRIDE_DIST_PATH to run the specs in Electron)',
      );
      test.skip(
        process.getuid?.() === 0,
        'Electron will not run as root without --no-sandbox, which this app never adds',
      );
      const app = await _electron.launch({
        executablePath: path.join(dist as string, 'electron'),
        args: [APP_ROOT, '--root', env.root, '--repository', env.repository, ...(lang ? ['--lang', lang] : [])],
      });
      const window = await app.firstWindow();
      electronApps.set(window, app);
      await use(window);
      await app.close();
      return;
    }
    if (!harness) throw new Error('the harness project needs the harness fixture');
    await page.goto(harness.url);
    await use(page);
  },
  mainClipboard: async ({ wizard, harness }, use) => {
    const app = electronApps.get(wizard);
    await use(async () => (app ? app.evaluate(({ clipboard }) => clipboard.readText()) : harness?.clipboard.at(-1)));
  },
});

export { expect };

/** Saves the page as a test artifact and under test-results/screenshots/ (for the README). */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const body = await page.screenshot({ fullPage: true });
  fs.writeFileSync(path.join(SCREENSHOT_DIR, `${testInfo.project.name}-${name}.png`), body);
  await testInfo.attach(name, { body, contentType: 'image/png' });
}

/** axe-core over the page: no violation above minor (moderate, serious or critical). */
export async function expectAccessible(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact !== 'minor');
  await testInfo.attach(`axe-${name}.json`, {
    body: JSON.stringify(results.violations, null, 2),
    contentType: 'application/json',
  });
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Installation Option's Next, then Ready to install's Install: the two clicks that start an install. */
export async function installFromOptions(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Next', exact: true }).click();
  await page.getByRole('button', { name: 'Install', exact: true }).click();
}
