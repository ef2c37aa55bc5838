import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, expectAccessible, FAILING_FILTER_DRIVER, snap, test, installFromOptions } from './wizard-fixtures';

// The wizard as an admin uses it: Installation Option -> Installation Progress -> Configuration Server
// Details -> Register, in the seed's words, against the real engine on a temp root and the reference CS.

test('happy path: install the mobility service and register it', async ({ wizard: page, env }, testInfo) => {
  await expect(page.getByRole('heading', { name: 'Installation Option' })).toBeVisible();
  await expect(page.getByRole('radio', { name: 'Install mobility service' })).toBeChecked();
  await expect(page.getByRole('textbox', { name: 'Install location' })).toHaveValue('/usr/local/ASR');
  await expect(page.getByRole('radio', { name: 'VMware virtual machine or physical server' })).toBeChecked();
  await expect(page.getByText('Supported operating system: passed')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
  await snap(page, testInfo, '1-installation-option');
  await expectAccessible(page, testInfo, 'installation-option');

  await installFromOptions(page);
  await expect(page.getByRole('heading', { name: 'Installation Progress' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Installed Mobility service 9.60.0.0 at /usr/local/ASR.');
  await expect(page.getByRole('progressbar', { name: 'Installation progress' })).toHaveAttribute(
    'aria-valuenow',
    '100',
  );
  await expect(page.getByRole('log', { name: 'Installation details' })).toContainText(
    'Verify and extract the package: Succeeded',
  );
  await snap(page, testInfo, '2-installation-progress');
  await expectAccessible(page, testInfo, 'installation-progress');
  expect(fs.existsSync(path.join(env.root, 'usr/local/ASR/bin/svagentsd'))).toBe(true);

  await page.getByRole('button', { name: 'Proceed to Configuration' }).click();
  await expect(page.getByRole('heading', { name: 'Configuration Server Details' })).toBeVisible();
  await page.getByRole('textbox', { name: 'IP address' }).fill(`127.0.0.1:${env.cs.port}`);
  await page.getByLabel('Passphrase', { exact: true }).fill(env.passphrase);
  await snap(page, testInfo, '3-configuration-server-details');
  await expectAccessible(page, testInfo, 'configuration-server-details');
  await page.getByRole('button', { name: 'Register' }).click();

  await expect(page.getByRole('heading', { name: 'Registered' })).toBeVisible();
  const hostId = env.cs.registeredHosts()[0]?.hostId ?? 'missing';
  await expect(page.getByText(`127.0.0.1:${env.cs.port}`, { exact: true })).toBeVisible();
  await expect(page.getByText(hostId)).toBeVisible();
  await snap(page, testInfo, '4-registered');
  await expectAccessible(page, testInfo, 'registered');
  const stored = JSON.parse(
    fs.readFileSync(path.join(env.root, 'usr/local/ASR/.asrsetup/registration.json'), 'utf8'),
  ) as { hostId: string };
  expect(stored.hostId).toBe(hostId);
  // The passphrase went to the configurator on stdin only: not in the logs, not in the stored registration.
  for (const file of [
    'var/log/ASRSetupLogs/ASRUnifiedAgentConfigurator.log',
    'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log',
    'usr/local/ASR/.asrsetup/registration.json',
  ]) {
    expect(fs.readFileSync(path.join(env.root, file), 'utf8')).not.toContain(env.passphrase);
  }
});

test('an optional component failing (VSS provider) ends in Warning and still proceeds', async ({
  wizard: page,
  env,
}, testInfo) => {
  await env.repackage([{ file: 'setup/vss.env', content: 'ASR_SAMPLE_VSS_FAIL=1\n' }]);
  await page.reload();
  await installFromOptions(page);
  await expect(page.getByRole('status')).toContainText(
    'Installed Mobility service 9.60.0.0 at /usr/local/ASR with a warning: Site Recovery VSS provider did not install',
  );
  await expect(page.getByRole('listitem').filter({ hasText: 'Site Recovery VSS provider (optional)' })).toContainText(
    'Failed',
  );
  await expect(page.getByRole('button', { name: 'Proceed to Configuration' })).toBeEnabled();
  await snap(page, testInfo, 'warning-path');
});

test('a failed install shows its remedy and leaves nothing installed', async ({ wizard: page, env }, testInfo) => {
  await env.repackage(FAILING_FILTER_DRIVER);
  await page.reload();
  await installFromOptions(page);
  await expect(page.getByRole('status')).toContainText('Installation failed at step');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('COMPONENT_FAILED');
  await expect(alert).toContainText('What to do:');
  await expect(alert).toContainText('rolled back');
  await expect(page.getByRole('button', { name: 'Proceed to Configuration' })).toHaveCount(0);
  await snap(page, testInfo, 'failed-install');
  expect(fs.existsSync(path.join(env.root, 'usr/local/ASR'))).toBe(false);
  expect(fs.existsSync(path.join(env.root, 'var/lib/ASRSetup/install-record.json'))).toBe(false);
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { name: 'Installation Option' })).toBeVisible();
});

test('a wrong passphrase shows an inline error; a retry with the right one succeeds', async ({
  wizard: page,
  env,
}, testInfo) => {
  await env.installWithCli();
  await page.reload();
  // Installed but not registered: the wizard opens at Configuration Server Details.
  await expect(page.getByRole('heading', { name: 'Configuration Server Details' })).toBeVisible();
  await page.getByRole('textbox', { name: 'IP address' }).fill(`127.0.0.1:${env.cs.port}`);
  await page.getByLabel('Passphrase', { exact: true }).fill('not-the-passphrase');
  await page.getByRole('button', { name: 'Register' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('CS_AUTH_FAILED');
  await expect(alert).toContainText('genpassphrase');
  await expect(page.getByRole('textbox', { name: 'IP address' })).toHaveValue(`127.0.0.1:${env.cs.port}`);
  await expect(page.getByLabel('Passphrase', { exact: true })).toHaveValue('not-the-passphrase');
  await snap(page, testInfo, 'wrong-passphrase');
  await expectAccessible(page, testInfo, 'wrong-passphrase');
  await page.getByLabel('Passphrase', { exact: true }).fill(env.passphrase);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeVisible();
  expect(env.cs.registeredHosts()).toHaveLength(1);
});

test('invalid IP addresses are refused as typed', async ({ wizard: page, env }) => {
  await env.installWithCli();
  await page.reload();
  const ip = page.getByRole('textbox', { name: 'IP address' });
  await page.getByLabel('Passphrase', { exact: true }).fill('anything-at-all');
  for (const [value, reason] of [
    ['10.0.0.300', 'not a valid IPv4 address'],
    ['cs.contoso.com', 'is a host name'],
    ['10.0.0.5:70000', 'outside 1-65535'],
    ['fe80::1%eth0', 'zone'],
  ] as const) {
    await ip.fill(value);
    await expect(ip).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText(reason)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Register' })).toBeDisabled();
  }
  await ip.fill('[::1]:8443');
  await expect(ip).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByRole('button', { name: 'Register' })).toBeEnabled();
});

test('the logs view shows lines live and filters them', async ({ wizard: page }, testInfo) => {
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
  await page.getByRole('button', { name: 'View logs' }).click();
  await expect(page.getByRole('heading', { name: 'Setup logs' })).toBeVisible();
  const lines = page.getByRole('log', { name: 'Installer log lines' });
  await expect(page.getByText('does not exist yet')).toBeVisible();
  // An install starts while the view is open: its lines arrive without a reload.
  await page.evaluate(() =>
    window.mobilitySetup?.startInstall({ role: 'MS', platform: 'VmWare', installLocation: '/usr/local/ASR' }),
  );
  await expect(lines).toContainText('Result: Succeeded');
  await expect(lines).toContainText('[extract] Verify and extract the package: Succeeded');
  await snap(page, testInfo, 'logs-view');
  await expectAccessible(page, testInfo, 'logs-view');
  await page.getByRole('searchbox', { name: 'Filter' }).fill('component:vss');
  await expect(lines).toContainText('Site Recovery VSS provider');
  await expect(lines).not.toContainText('[extract]');
  await page.getByRole('searchbox', { name: 'Filter' }).fill('');
  await page.getByRole('combobox', { name: 'Level' }).selectOption('error');
  await expect(page.getByText(/0 shown/)).toBeVisible();
  await page.getByRole('combobox', { name: 'Level' }).selectOption('all');
  await page.getByRole('button', { name: 'Back to setup' }).click();
  await expect(page.getByRole('heading', { name: 'Installation Option' })).toBeVisible();
});

test('the whole flow works by keyboard alone', async ({ wizard: page, env }) => {
  /** Presses Tab until the target has focus, as a keyboard user would; fails if it is not reachable. */
  const tabTo = async (target: Locator): Promise<void> => {
    for (let i = 0; i < 30; i++) {
      if (await target.evaluate((el) => el === document.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    await expect(target).toBeFocused();
  };
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
  await tabTo(page.getByRole('radio', { name: 'Install mobility service' }));
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('radio', { name: 'Install master target' })).toBeChecked();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByRole('radio', { name: 'Install mobility service' })).toBeChecked();
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
  await tabTo(page.getByRole('button', { name: 'Next', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Ready to install' })).toBeFocused();
  await tabTo(page.getByRole('button', { name: 'Install', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Installation Progress' })).toBeFocused();
  const proceed = page.getByRole('button', { name: 'Proceed to Configuration' });
  await expect(proceed).toBeVisible();
  await tabTo(proceed);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Configuration Server Details' })).toBeFocused();
  await tabTo(page.getByRole('textbox', { name: 'IP address' }));
  await page.keyboard.type(`127.0.0.1:${env.cs.port}`);
  await tabTo(page.getByLabel('Passphrase', { exact: true }));
  await page.keyboard.type(env.passphrase);
  await tabTo(page.getByRole('button', { name: 'Show passphrase' }));
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Hide passphrase' })).toHaveAttribute('aria-pressed', 'true');
  await tabTo(page.getByRole('button', { name: 'Register' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeFocused();
  await tabTo(page.getByRole('main').getByRole('button', { name: 'View logs' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Setup logs' })).toBeFocused();
});

test('re-opened on a registered machine, it offers to change the configuration server', async ({
  wizard: page,
  env,
}, testInfo) => {
  await env.installWithCli();
  await page.reload();
  await page.getByRole('textbox', { name: 'IP address' }).fill(`127.0.0.1:${env.cs.port}`);
  await page.getByLabel('Passphrase', { exact: true }).fill(env.passphrase);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeVisible();
  await snap(page, testInfo, 'reopened-registered');
  await page.getByRole('button', { name: 'Change configuration server' }).click();
  await expect(page.getByRole('heading', { name: 'Configuration Server Details' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'IP address' })).toHaveValue(`127.0.0.1:${env.cs.port}`);
});

test('Browse… fills the install location from the folder dialog and preflight re-checks it', async ({
  wizard: page,
}) => {
  await page.getByRole('button', { name: 'Browse…' }).click();
  await expect(page.getByRole('textbox', { name: 'Install location' })).toHaveValue('/opt/asr-browsed');
  await expect(page.getByText('/opt/asr-browsed will be created')).toBeVisible();
  await page.getByRole('textbox', { name: 'Install location' }).fill('/etc/asr');
  await expect(page.getByText('inside the system folder /etc')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeDisabled();
});

test('the passphrase can be loaded from the file the configuration server wrote', async ({ wizard: page, env }) => {
  await env.installWithCli();
  await page.reload();
  await page.getByRole('textbox', { name: 'IP address' }).fill(`127.0.0.1:${env.cs.port}`);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Load from file…' }).click();
  await (
    await chooser
  ).setFiles({ name: 'passphrase.txt', mimeType: 'text/plain', buffer: Buffer.from(`${env.passphrase}\r\n`) });
  await expect(page.getByLabel('Passphrase', { exact: true })).toHaveValue(env.passphrase);
  await expect(page.getByLabel('Passphrase', { exact: true })).toHaveAttribute('type', 'password');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeVisible();
});

test.describe('cancelling', () => {
  test.use({ failpoint: 'after-swap' });

  test('Cancel during an install rolls it back and says so', async ({ wizard: page, env }, testInfo) => {
    await installFromOptions(page);
    await expect(page.getByRole('heading', { name: 'Installation Progress' })).toBeVisible();
    // The engine has put the new tree in place and waits at the failpoint: Cancel now.
    await expect
      .poll(() => fs.existsSync(path.join(env.workDir, 'after-swap.reached')), { timeout: 30_000 })
      .toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page
      .getByRole('dialog', { name: 'Cancel the installation?' })
      .getByRole('button', { name: 'Cancel installation' })
      .click();
    fs.writeFileSync(path.join(env.workDir, 'after-swap.continue'), '');
    // A cancel reads as a cancel (issue 13), never as "Installation failed".
    await expect(page.getByRole('status')).toContainText('Installation cancelled');
    await expect(page.getByRole('status')).toContainText('nothing was changed');
    await expect(page.getByRole('region', { name: /Setup was cancelled/ })).toContainText('CANCELLED');
    await snap(page, testInfo, 'cancelled');
    expect(fs.existsSync(path.join(env.root, 'usr', 'local', 'ASR'))).toBe(false);
    expect(fs.existsSync(path.join(env.root, 'var', 'lib', 'ASRSetup', 'install-record.json'))).toBe(false);
  });
});
