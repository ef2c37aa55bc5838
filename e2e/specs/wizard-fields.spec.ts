import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './wizard-fixtures';

// Errors at their field, a way out of every page, Escape, and the logs view, as a keyboard user meets them.

/** Presses Tab until the target has focus, as a keyboard user would; fails if it is not reachable. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

test('an empty install location is said at the field, and the prerequisites stay on screen', async ({
  wizard: page,
}) => {
  const install = page.getByRole('button', { name: 'Next', exact: true });
  const location = page.getByRole('textbox', { name: 'Install location' });
  const checks = page.getByRole('list', { name: 'Prerequisite checks' });
  await expect(install).toBeEnabled();
  await tabTo(page, location);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await expect(location).toHaveAttribute('aria-invalid', 'true');
  await expect(location).toHaveAccessibleDescription('Enter an install location');
  await expect(page.getByText(/Too small|bug in the wizard/)).toHaveCount(0);
  await expect(page.getByText('Checking this machine…')).toHaveCount(0);
  await expect(checks).toBeVisible();
  await expect(install).toBeDisabled();

  await page.keyboard.type('/etc/asr');
  await expect(location).toHaveAccessibleDescription('"/etc/asr" is inside the system folder /etc');
  await expect(checks).toContainText('Install location: failed: see the message under the install location field.');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('/opt/ASR-by-keyboard');
  await expect(location).toHaveAttribute('aria-invalid', 'false');
  await expect(checks).toContainText('/opt/ASR-by-keyboard will be created');
  await expect(install).toBeEnabled();
});

test('the IP address is judged when typing pauses or the field is left; Register says what is missing', async ({
  wizard: page,
  env,
}) => {
  await env.installWithCli();
  await page.clock.install();
  await page.reload();
  const ip = page.getByRole('textbox', { name: 'IP address' });
  const register = page.getByRole('button', { name: 'Register' });
  await expect(register).toHaveAccessibleDescription(
    "Enter the configuration server's IP address. Enter the passphrase, or load it from the passphrase file.",
  );
  await page.clock.pauseAt(Date.now() + 60_000);
  await tabTo(page, ip);
  await page.keyboard.type('10.');
  await expect(ip).toHaveAttribute('aria-invalid', 'false');
  await page.clock.runFor(700);
  await expect(ip).toHaveAttribute('aria-invalid', 'false');
  await page.clock.runFor(100);
  await expect(ip).toHaveAttribute('aria-invalid', 'true');
  await expect(ip).toHaveAccessibleDescription(/"10\." is not a valid IPv4 address/);
  await expect(register).toHaveAccessibleDescription(/^Correct the IP address/);
  await page.keyboard.type('0.0.5');
  await expect(ip).toHaveAttribute('aria-invalid', 'false');
  await page.keyboard.type(':');
  await page.keyboard.press('Tab');
  await expect(ip).toHaveAttribute('aria-invalid', 'true');
  await expect(ip).toHaveAccessibleDescription(/invalid port/);
  await page.keyboard.press('Shift+Tab');
  // Focus by Tab selects the text: End puts the caret after it.
  await page.keyboard.press('End');
  await page.keyboard.type(`${env.cs.port}`);
  await expect(ip).toHaveAttribute('aria-invalid', 'false');
  await expect(register).toHaveAccessibleDescription('Enter the passphrase, or load it from the passphrase file.');
});

test('a failed Register moves focus to its message; a wrong passphrase marks the passphrase field', async ({
  wizard: page,
  env,
}) => {
  await env.installWithCli();
  await page.reload();
  const passphrase = page.getByLabel('Passphrase', { exact: true });
  await tabTo(page, page.getByRole('textbox', { name: 'IP address' }));
  await page.keyboard.type(`127.0.0.1:${env.cs.port}`);
  await tabTo(page, passphrase);
  await page.keyboard.type('not-the-passphrase');
  await page.keyboard.press('Enter');
  await expect(page.locator(':focus')).toContainText('CS_AUTH_FAILED');
  await expect(passphrase).toHaveAttribute('aria-invalid', 'true');
  await expect(passphrase).toHaveAccessibleDescription(/The configuration server rejected this passphrase/);
  await tabTo(page, passphrase);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(env.passphrase);
  await expect(passphrase).toHaveAttribute('aria-invalid', 'false');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeFocused();

  // "Change configuration server" can go back to Registered without changing anything.
  await tabTo(page, page.getByRole('button', { name: 'Change configuration server' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Configuration Server Details' })).toBeFocused();
  await tabTo(page, page.getByRole('button', { name: 'Back', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeFocused();
  expect(env.cs.registeredHosts()).toHaveLength(1);
});

test('Escape closes the logs view and every dialog', async ({ wizard: page, env, harness }) => {
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
  await tabTo(page, page.getByRole('button', { name: 'View logs' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Setup logs' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Installation Option' })).toBeFocused();

  const showCommandLine = page.getByRole('button', { name: 'Show command line' });
  await tabTo(page, showCommandLine);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Install from the command line' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(showCommandLine).toBeFocused();

  await env.installWithCli();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Configuration Server Details' })).toBeVisible();
  // Installed but not registered: Exit asks first, and Escape keeps setup open.
  await tabTo(page, page.getByRole('button', { name: 'Exit', exact: true }));
  await page.keyboard.press('Enter');
  const question = page.getByRole('dialog', { name: 'Exit without registering?' });
  await expect(question).toContainText('The agent is installed but not registered');
  await expect(question.getByRole('button', { name: 'Back to setup' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(question).toHaveCount(0);
  expect(harness?.calls ?? []).not.toContain('close');

  await tabTo(page, page.getByRole('button', { name: 'Installation options' }));
  await page.keyboard.press('Enter');
  await tabTo(page, page.getByRole('button', { name: 'Uninstall…' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Uninstall the Mobility service agent' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Exit, confirmed, closes the window.
  await tabTo(page, page.getByRole('button', { name: 'Exit', exact: true }));
  await page.keyboard.press('Enter');
  await question.getByRole('button', { name: 'Exit', exact: true }).press('Enter');
  await expect.poll(() => harness?.calls.includes('close') ?? true).toBe(true);
});

test('the logs view: long lines readable, Copy of the whole log read by main, no match, the full path', async ({
  wizard: page,
  env,
  harness,
  mainClipboard,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'harness', 'Open folder is recorded by the e2e harness');
  const logFile = path.join(env.root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log');
  const long = `2026-11-30T10:00:00.000Z INFO  LONG ${'component output '.repeat(200)}END-OF-LONG-LINE`;
  const lines = Array.from({ length: 1499 }, (_, i) => `2026-11-30T10:00:00.000Z INFO  line ${i}`);
  lines.splice(1480, 0, long);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, `${lines.join('\n')}\n`);

  await tabTo(page, page.getByRole('button', { name: 'View logs' }));
  await page.keyboard.press('Enter');
  await expect(page.getByText(logFile, { exact: true })).toBeVisible();
  const list = page.getByRole('log', { name: 'Installer log lines' });
  const longRow = list.getByText(/END-OF-LONG-LINE$/);
  // Never cut: the whole line is there, and the list scrolls sideways to it...
  await expect(longRow).toHaveText(long);
  expect(await list.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  // ...or wraps it, and then nothing scrolls sideways.
  await tabTo(page, page.getByRole('checkbox', { name: 'Wrap lines' }));
  await page.keyboard.press('Space');
  await expect.poll(() => list.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  expect((await longRow.boundingBox())?.height ?? 0).toBeGreaterThan(40);

  await tabTo(page, page.getByRole('button', { name: 'Copy log' }));
  await page.keyboard.press('Enter');
  await expect(page.getByText('Copied 1,500 lines of the whole log')).toBeVisible();
  // Main read it from the file: every line, not the 200-line block on screen.
  expect(await mainClipboard()).toBe(lines.join('\n'));

  await tabTo(page, page.getByRole('button', { name: 'Open folder' }));
  await page.keyboard.press('Enter');
  await expect.poll(() => harness?.calls ?? []).toContain(`open-folder ${path.dirname(logFile)}`);

  await tabTo(page, page.getByRole('searchbox', { name: 'Filter' }));
  await page.keyboard.type('no line says this');
  await expect(list.getByText('No lines match the filter.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('searchbox', { name: 'Filter' })).toHaveValue('');
  await expect(page.getByRole('heading', { name: 'Setup logs' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Installation Option' })).toBeVisible();
});
