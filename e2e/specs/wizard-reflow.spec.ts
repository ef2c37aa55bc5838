import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { badLineBreaks } from './line-breaks';
import {
  expect,
  expectAccessible,
  FAILING_FILTER_DRIVER,
  test,
  type WizardEnv,
  installFromOptions,
} from './wizard-fixtures';

// Reflow (WCAG 1.4.10) and the contrast modes, page by page: Installation Option, the logs view, the three
// push pages, Installation Progress, Configuration Server Details and Registered. Browser zoom divides the
// window by the zoom in CSS px, so 200% of an 1100x800 window is a 550x400 viewport and 400% is 275x200:
// the sizes below are those, a phone-sized 320x480, an 800x600 VM console and a full-HD screen.

interface Size {
  readonly width: number;
  readonly height: number;
  /** Whether the page's main button must be on screen without scrolling at this size. */
  readonly primaryOnScreen: boolean;
}

const SIZES: readonly Size[] = [
  { width: 320, height: 480, primaryOnScreen: true },
  { width: 550, height: 400, primaryOnScreen: true },
  { width: 800, height: 600, primaryOnScreen: true },
  { width: 1920, height: 1080, primaryOnScreen: true },
  // 400% zoom: only a few lines fit; what counts is that nothing needs sideways scrolling.
  { width: 275, height: 200, primaryOnScreen: false },
];

type Visit = (name: string, primary: Locator) => Promise<void>;

/** Drives the wizard through every page, as an admin would, and calls visit on each. */
async function walkWizard(page: Page, env: WizardEnv, visit: Visit): Promise<void> {
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
  await visit('installation-option', page.getByRole('button', { name: 'Next', exact: true }));

  await page.getByRole('button', { name: 'View logs' }).click();
  await expect(page.getByRole('heading', { name: 'Setup logs' })).toBeVisible();
  await visit('logs-view', page.getByRole('button', { name: 'Back to setup' }));
  await page.getByRole('button', { name: 'Back to setup' }).click();

  fs.writeFileSync(path.join(env.workDir, 'id_ed25519'), 'stand-in key\n', { mode: 0o600 });
  await page.getByRole('button', { name: 'Push to servers' }).click();
  await page
    .getByRole('textbox', { name: 'Servers', exact: true })
    .fill('10.0.0.7\nnew-web-with-a-rather-long-host-name-01');
  await page.getByRole('button', { name: 'Browse…' }).click();
  await expect(page.getByRole('button', { name: 'Next' })).toBeEnabled();
  await visit('push-servers', page.getByRole('button', { name: 'Next' }));
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('checkbox', { name: /Accept the host key of new-web/ }).check();
  await visit('push-host-keys', page.getByRole('button', { name: 'Start push' }));
  await page.getByRole('button', { name: 'Check status' }).click();
  await expect(page.getByRole('table', { name: 'Status of the servers' })).toBeVisible();
  await visit('fleet-status', page.getByRole('button', { name: /^Push to/ }));
  await page.getByRole('button', { name: 'Back', exact: true }).click();
  await page.getByRole('button', { name: 'Start push' }).click();
  await expect(page.getByRole('status').getByText('Push finished')).toBeVisible();
  await visit('push-progress', page.getByRole('button', { name: 'Back to servers' }));
  await page.getByRole('button', { name: 'Back to servers' }).click();
  await page.getByRole('button', { name: 'Back', exact: true }).click();

  await page.getByRole('button', { name: 'Next', exact: true }).click();
  // The page loads on first use: checked once it is there.
  await expect(page.getByRole('heading', { level: 1, name: 'Ready to install' })).toBeVisible();
  await visit('ready-to-install', page.getByRole('button', { name: 'Install', exact: true }));
  await page.getByRole('button', { name: 'Install', exact: true }).click();
  const proceed = page.getByRole('button', { name: 'Proceed to Configuration' });
  await expect(proceed).toBeVisible();
  await visit('installation-progress', proceed);
  await proceed.click();

  await page.getByRole('textbox', { name: 'IP address' }).fill(`127.0.0.1:${env.cs.port}`);
  await page.getByLabel('Passphrase', { exact: true }).fill(env.passphrase);
  await visit('configuration-server-details', page.getByRole('button', { name: 'Register' }));
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeVisible();
  await visit('registered', page.getByRole('button', { name: 'Close', exact: true }));
}

/**
 * At 320 px the push tables' deciding columns (the host key's Accept, a server's Status) are on screen beside
 * the server without scrolling the table, and host names and fingerprints break only where they may.
 */
async function expectTablesReadable(page: Page, name: string): Promise<void> {
  const deciding =
    name === 'push-host-keys'
      ? page.getByRole('checkbox', { name: /Accept the host key of new-web/ })
      : name === 'push-progress'
        ? page.getByRole('row', { name: /new-web/ }).getByText('Succeeded', { exact: true })
        : undefined;
  if (deciding) {
    const box = await deciding.boundingBox();
    expect(box, `${name} at 320 px`).not.toBeNull();
    expect(
      (box?.x ?? 0) + (box?.width ?? 0),
      `${name} at 320 px: the deciding column is off-screen`,
    ).toBeLessThanOrEqual(320);
  }
  expect(await badLineBreaks(page, '.push-table .token-text', ''), `${name} at 320 px: a token broken`).toEqual([]);
}

test('every page reflows: no sideways scrolling from 1920 down to 275 CSS px, its button on screen', async ({
  wizard: page,
  env,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'harness', 'the push pages need the stand-in push CLI of the e2e harness');
  test.setTimeout(240_000);
  await walkWizard(page, env, async (name, primary) => {
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.evaluate(() => window.scrollTo(0, 0));
      const widths = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      expect(widths.scroll, `${name} at ${size.width}x${size.height} scrolls sideways`).toBeLessThanOrEqual(
        widths.client,
      );
      if (size.primaryOnScreen) await expect(primary, `${name} at ${size.width}x${size.height}`).toBeInViewport();
      if (size.width === 320) await expectTablesReadable(page, name);
    }
    await page.setViewportSize({ width: 1100, height: 800 });
  });
});

test('the logs view at 200% and 320 px: the log gets the screen, the tools fold, a long run list fits', async ({
  wizard: page,
  env,
}) => {
  // Two runs in the installer log, whose labels (time, what ran, outcome) are long.
  await env.installWithCli();
  await env.installWithCli();
  await page.getByRole('button', { name: 'View logs' }).click();
  await expect(page.getByRole('heading', { name: 'Setup logs' })).toBeVisible();
  for (const [size, lines] of [
    [{ width: 550, height: 400 }, 8],
    [{ width: 320, height: 480 }, 8],
  ] as const) {
    await page.setViewportSize(size);
    await page.evaluate(() => window.scrollTo(0, 0));
    const where = `${size.width}x${size.height}`;
    const tools = page.getByRole('button', { name: 'Filter and actions' });
    await expect(tools, `${where}: the tools fold`).toBeVisible();
    await expect(page.getByRole('button', { name: 'Copy log' })).toBeHidden();
    const log = page.getByRole('log', { name: 'Installer log lines' });
    const box = await log.boundingBox();
    // It showed 3 lines at 550x400 and none at 320x480 before the toolbar folded.
    const visible = Math.min(size.height, (box?.y ?? 0) + (box?.height ?? 0)) - (box?.y ?? size.height);
    expect(Math.floor(visible / 20), `${where}: log lines on the first screen`).toBeGreaterThanOrEqual(lines);
    await tools.click();
    const runs = page.getByRole('combobox', { name: 'Run' });
    await expect(runs).toBeVisible();
    await expect(runs.locator('option').nth(1)).toHaveText(/ · succeeded$/);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth),
      `${where} scrolls sideways`,
    ).toBeLessThanOrEqual(size.width);
    await tools.click();
  }
});

test('a narrow window shows the steps as "Step k of n"; a wide one lists them', async ({ wizard: page }) => {
  const steps = page.getByRole('navigation', { name: 'Setup steps' });
  await page.setViewportSize({ width: 550, height: 400 });
  await expect(steps.getByText('Step 1 of 4: Installation Option')).toBeVisible();
  await expect(steps.getByRole('list')).toBeHidden();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await expect(steps.getByText('Step 1 of 4')).toBeHidden();
  await expect(steps.getByRole('listitem')).toHaveCount(4);
});

test.describe('at 200% zoom', () => {
  test.use({ viewport: { width: 550, height: 400 }, deviceScaleFactor: 2 });

  test('Install and the long install location fit without sideways scrolling', async ({ wizard: page }) => {
    const location = page.getByRole('textbox', { name: 'Install location' });
    await location.fill(`/opt/${'a-very-long-folder-name-'.repeat(6)}ASR`);
    await expect(page.getByText(/will be created/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeInViewport();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(550);
  });
});

for (const mode of [
  { name: 'dark', media: { colorScheme: 'dark' } },
  { name: 'forced-colors', media: { forcedColors: 'active' } },
] as const) {
  test(`every page and dialog is readable and axe-clean in ${mode.name} mode`, async ({
    wizard: page,
    env,
  }, testInfo) => {
    test.skip(testInfo.project.name !== 'harness', 'the push pages need the stand-in push CLI of the e2e harness');
    test.setTimeout(240_000);
    await page.emulateMedia(mode.media);
    if (mode.name === 'dark') {
      // The dark palette is in effect, not just requested.
      const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      expect(background).toBe('rgb(23, 25, 28)');
    }
    await walkWizard(page, env, async (name) => {
      await expectAccessible(page, testInfo, `${mode.name}-${name}`);
      // The dialogs, in this mode too: the command line on the first page, Exit's confirmation once the agent
      // is installed but not registered.
      if (name === 'installation-option') {
        await page.getByRole('button', { name: 'Show command line' }).click();
        await expect(page.getByRole('dialog', { name: 'Install from the command line' })).toBeVisible();
        await expectAccessible(page, testInfo, `${mode.name}-command-line-dialog`);
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog')).toHaveCount(0);
      }
      if (name === 'configuration-server-details') {
        await page.getByRole('button', { name: 'Exit' }).click();
        await expect(page.getByRole('dialog', { name: 'Exit without registering?' })).toBeVisible();
        await expectAccessible(page, testInfo, `${mode.name}-exit-dialog`);
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog')).toHaveCount(0);
      }
    });
  });

  test(`a failed install's error panel and a refused passphrase are axe-clean in ${mode.name} mode`, async ({
    wizard: page,
    env,
  }, testInfo) => {
    await page.emulateMedia(mode.media);
    await env.repackage(FAILING_FILTER_DRIVER);
    await page.reload();
    await installFromOptions(page);
    await expect(page.getByRole('alert')).toContainText('COMPONENT_FAILED');
    await page
      .getByRole('alert')
      .getByText(/About COMPONENT_FAILED/)
      .click();
    await expectAccessible(page, testInfo, `${mode.name}-install-failed`);

    await env.repackage([]);
    await env.installWithCli();
    await page.reload();
    await page.getByRole('textbox', { name: 'IP address' }).fill(`127.0.0.1:${env.cs.port}`);
    await page.getByLabel('Passphrase', { exact: true }).fill(`not-${env.passphrase}`);
    await page.getByRole('button', { name: 'Register' }).click();
    await expect(page.getByRole('alert')).toContainText('CS_AUTH_FAILED');
    await expectAccessible(page, testInfo, `${mode.name}-register-failed`);
  });
}
