import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, snap, test, installFromOptions } from './wizard-fixtures';

// The agent's life after the install, in the wizard: Uninstall from Installation Option (with its
// confirmation), Show command line before Install and before Register, and Save diagnostics… in the logs
// view, against the real engine on a temp root and the reference configuration server.

async function installAndRegister(page: Page, endpoint: string, passphrase: string): Promise<void> {
  await installFromOptions(page);
  await expect(page.getByRole('heading', { name: 'Installation Progress' })).toBeVisible();
  // The outcome is one sentence ("Installation succeeded: Succeeded" said it twice).
  await expect(page.getByRole('status')).toHaveText('Installed Mobility service 9.60.0.0 at /usr/local/ASR.');
  await page.getByRole('button', { name: 'Proceed to Configuration' }).click();
  await page.getByRole('textbox', { name: 'IP address' }).fill(endpoint);
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.getByRole('heading', { name: 'Registered' })).toBeVisible();
}

test('install, then uninstall from the wizard: cancelled once, then confirmed', async ({
  wizard: page,
  env,
}, testInfo) => {
  const endpoint = `127.0.0.1:${env.cs.port}`;
  await installAndRegister(page, endpoint, env.passphrase);
  const hostId = env.cs.registeredHosts()[0]?.hostId ?? 'missing';

  await page.getByRole('button', { name: 'Repair, upgrade or uninstall' }).click();
  await expect(page.getByRole('heading', { name: 'Installation Option' })).toBeVisible();
  const facts = page.getByRole('region', { name: 'Installed agent' });
  for (const text of ['9.60.0.0', '/usr/local/ASR', 'Mobility service (MS)', 'VMware', endpoint, hostId])
    await expect(facts).toContainText(text);
  await expect(
    page.getByText('The repository holds the installed version: Next repairs the installed agent 9.60.0.0.'),
  ).toBeVisible();
  await snap(page, testInfo, 'lifecycle-1-installed');
  await expectAccessible(page, testInfo, 'installation-option-installed');

  const uninstall = page.getByRole('button', { name: 'Uninstall…' });
  await uninstall.click();
  const dialog = page.getByRole('dialog', { name: 'Uninstall the Mobility service agent' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('/usr/local/ASR');
  await expect(dialog).toContainText('service');
  await expect(dialog).toContainText('/var/lib/ASRSetup/install-record.json');
  await expect(dialog).toContainText(`to remove this server from the configuration server ${endpoint} too`);
  await expect(dialog.getByLabel('Passphrase (optional)')).toHaveAttribute('type', 'password');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await snap(page, testInfo, 'lifecycle-2-uninstall-dialog');
  await expectAccessible(page, testInfo, 'uninstall-dialog');
  // Focus stays in the dialog, Escape closes it and gives focus back to Uninstall….
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(uninstall).toBeFocused();
  // Cancel once: nothing is removed.
  await uninstall.click();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(fs.existsSync(path.join(env.root, 'usr/local/ASR/bin/svagentsd'))).toBe(true);

  // Then confirm, with the passphrase: the server leaves the CS too.
  await uninstall.click();
  await dialog.getByLabel('Passphrase (optional)').fill(env.passphrase);
  await dialog.getByRole('button', { name: 'Uninstall', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Uninstall Progress' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Removed the Mobility service agent from /usr/local/ASR.');
  const steps = page.getByRole('list', { name: 'Uninstall steps' });
  await expect(steps.getByRole('listitem')).toHaveText([
    /Find the installed agent.*Succeeded/,
    new RegExp(`Remove host ${hostId} from ${endpoint}.*Succeeded`),
    /Remove the .* service.*Succeeded/,
    /Remove the agent from \/usr\/local\/ASR.*Succeeded/,
  ]);
  await snap(page, testInfo, 'lifecycle-3-uninstalled');
  await expectAccessible(page, testInfo, 'uninstall-progress');
  expect(fs.existsSync(path.join(env.root, 'usr/local/ASR'))).toBe(false);
  expect(fs.existsSync(path.join(env.root, 'var/lib/ASRSetup/install-record.json'))).toBe(false);
  expect(env.cs.registeredHosts().map((host) => host.hostId)).not.toContain(hostId);
  for (const file of ['var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'])
    expect(fs.readFileSync(path.join(env.root, file), 'utf8')).not.toContain(env.passphrase);

  await page.getByRole('button', { name: 'Back to Installation Option' }).click();
  await expect(page.getByRole('heading', { name: 'Installation Option' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Installed agent' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
});

test('an uninstall whose configuration server cannot be reached ends with a warning naming it', async ({
  wizard: page,
  env,
}) => {
  const endpoint = `127.0.0.1:${env.cs.port}`;
  await installAndRegister(page, endpoint, env.passphrase);
  await env.cs.close();
  await page.getByRole('button', { name: 'Repair, upgrade or uninstall' }).click();
  await page.getByRole('button', { name: 'Uninstall…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Uninstall the Mobility service agent' });
  await dialog.getByLabel('Passphrase (optional)').fill(env.passphrase);
  await dialog.getByRole('button', { name: 'Uninstall', exact: true }).click();
  await expect(page.getByRole('status')).toContainText(
    'Removed the Mobility service agent from /usr/local/ASR with a warning:',
  );
  await expect(page.getByRole('status')).toContainText('remove it there');
  expect(fs.existsSync(path.join(env.root, 'usr/local/ASR'))).toBe(false);
});

test('Show command line gives the install and the register in both syntaxes, ready to copy', async ({
  wizard: page,
  env,
  mainClipboard,
}, testInfo) => {
  await expect(page.getByRole('button', { name: 'Next', exact: true })).toBeEnabled();
  await page.getByRole('textbox', { name: 'Install location' }).fill('/opt/ASR agent');
  await page.getByRole('radio', { name: 'Install master target' }).check();
  await page.getByRole('button', { name: 'Show command line' }).click();
  const dialog = page.getByRole('dialog', { name: 'Install from the command line' });
  // A Linux location never goes into the Windows command: it shows Windows' own default.
  const windows =
    'UnifiedAgent.exe /Role "MT" /InstallLocation "C:\\Program Files (x86)\\Microsoft Azure Site Recovery" /Platform "VmWare" /Silent';
  const linux = "sudo ./install -d '/opt/ASR agent' -r MT -v VmWare -q";
  await expect(dialog.getByRole('region', { name: 'Windows' })).toContainText(windows);
  await expect(dialog.getByRole('region', { name: 'Linux' })).toContainText(linux);
  await snap(page, testInfo, 'command-line-install');
  await expectAccessible(page, testInfo, 'command-line-install');
  await dialog.getByRole('button', { name: 'Copy Linux command' }).click();
  await expect(dialog.getByRole('region', { name: 'Linux' }).getByRole('status')).toHaveText('Copied');
  await expect.poll(mainClipboard).toBe(linux);
  await dialog.getByRole('button', { name: 'Copy Windows command' }).click();
  await expect.poll(mainClipboard).toBe(windows);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Before Register: the CS typed, the passphrase from a file, never inline.
  await env.installWithCli();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Configuration Server Details' })).toBeVisible();
  const endpoint = `127.0.0.1:${env.cs.port}`;
  await page.getByRole('textbox', { name: 'IP address' }).fill(endpoint);
  await page.getByLabel('Passphrase', { exact: true }).fill(env.passphrase);
  await page.getByRole('button', { name: 'Show command line' }).click();
  const register = page.getByRole('dialog', { name: 'Register from the command line' });
  await expect(register.getByRole('region', { name: 'Windows' })).toContainText(
    `UnifiedAgentConfigurator.exe /CSEndPoint ${endpoint} /PassphraseFilePath C:\\Temp\\passphrase.txt`,
  );
  const linuxRegister = `/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh -i ${endpoint} -P /root/passphrase.txt`;
  await expect(register.getByRole('region', { name: 'Linux' })).toContainText(linuxRegister);
  await expect(register).toContainText('Write the passphrase to this file first');
  await expect(register).not.toContainText(env.passphrase);
  await expectAccessible(page, testInfo, 'command-line-register');
  await register.getByRole('button', { name: 'Copy Linux command' }).click();
  await expect.poll(mainClipboard).toBe(linuxRegister);
  await register.getByRole('button', { name: 'Close' }).click();
  await expect(register).toHaveCount(0);
});

test('Save diagnostics… in the logs view writes the bundle where the save dialog says', async ({
  wizard: page,
  env,
  harness,
}, testInfo) => {
  await env.installWithCli();
  await page.reload();
  await page.getByRole('button', { name: 'View logs' }).first().click();
  await expect(page.getByRole('heading', { name: 'Setup logs' })).toBeVisible();
  await page.getByRole('button', { name: 'Save diagnostics…' }).click();
  await expect(page.getByText('Saved diagnostics to')).toBeVisible();
  const saved = (harness?.calls ?? []).find((call) => call.startsWith('save '))?.slice('save '.length) ?? '';
  expect(path.basename(saved)).toMatch(/^asr-setup-diagnostics-\d{8}-\d{6}\.tar\.gz$/);
  await expect(page.getByText(saved)).toBeVisible();
  expect(fs.statSync(saved).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(saved).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  await snap(page, testInfo, 'diagnostics-saved');
  await expectAccessible(page, testInfo, 'logs-view-diagnostics');
});
