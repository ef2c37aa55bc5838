import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect, expectAccessible, snap, test } from './wizard-fixtures';

// "Push to servers" from the Installation Option page, against a stand-in push CLI (e2e/harness/
// stand-in-push-cli.ts: the real CLI's arguments and JSON lines, no SSH): new-* servers have an unknown host
// key, *fail* ones refuse the credentials. Real servers are for the specs that use e2e/test-machines/.

const fingerprintOf = (host: string): string =>
  `SHA256:${createHash('sha256').update(host).digest('base64').replace(/=+$/, '')}`;
const hostIdOf = (host: string): string => createHash('sha256').update(`host-id ${host}`).digest('hex').slice(0, 32);

test('push to servers: validate, accept a new host key, run, retry the failed one, save the results', async ({
  wizard: page,
  env,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'harness', 'the stand-in push CLI is wired through the e2e harness');
  fs.writeFileSync(path.join(env.workDir, 'id_ed25519'), 'stand-in key\n', { mode: 0o600 });
  await expect(page.getByRole('heading', { name: 'Installation Option' })).toBeVisible();
  await page.getByRole('button', { name: 'Push to servers' }).click();

  // The form: servers checked as typed, one error per bad line, at the field.
  await expect(page.getByRole('heading', { name: 'Push to servers' })).toBeVisible();
  const servers = page.getByRole('textbox', { name: 'Servers', exact: true });
  const next = page.getByRole('button', { name: 'Next' });
  await servers.fill('10.0.0.7\nweb 01');
  await expect(page.getByText('Line 2: "web 01": "web 01" is neither an IP address nor a host name')).toBeVisible();
  await expect(servers).toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Browse…' }).click();
  await expect(page.getByRole('textbox', { name: 'Key file' })).toHaveValue(path.join(env.workDir, 'id_ed25519'));
  await page.getByRole('textbox', { name: 'IP address' }).fill('10.0.0.5');
  await page.getByLabel('Passphrase', { exact: true }).fill('stand-in-passphrase');
  await expect(next).toBeDisabled();
  await snap(page, testInfo, 'push-1-servers-invalid');
  await expectAccessible(page, testInfo, 'push-servers-invalid');
  await servers.fill('10.0.0.7\nnew-web\n# the database tier\nfail-01');
  await expect(servers).toHaveAttribute('aria-invalid', 'false');
  await expect(page.getByText('3 servers.')).toBeVisible();
  await expect(next).toBeEnabled();
  await expectAccessible(page, testInfo, 'push-servers');
  await next.click();

  // Host keys: the unknown one listed with its fingerprint, nothing pre-accepted.
  await expect(page.getByRole('heading', { name: 'Server host keys' })).toBeVisible();
  const newRow = page.getByRole('row', { name: /new-web/ });
  await expect(newRow).toContainText(fingerprintOf('new-web'));
  await expect(page.getByRole('row', { name: /10\.0\.0\.7/ })).toContainText('Known');
  const accept = newRow.getByRole('checkbox', { name: 'Accept the host key of new-web' });
  await expect(accept).not.toBeChecked();
  const start = page.getByRole('button', { name: 'Start push' });
  await expect(start).toBeDisabled();
  await snap(page, testInfo, 'push-2-host-keys');
  await expectAccessible(page, testInfo, 'push-host-keys');
  await accept.check();
  await expect(start).toBeEnabled();
  await start.click();

  // The live table: a row a server, each with its final status.
  await expect(page.getByRole('heading', { name: 'Push progress' })).toBeVisible();
  const table = page.getByRole('table', { name: 'Servers' });
  await expect(page.getByRole('status').getByText('Push finished')).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByRole('row', { name: /10\.0\.0\.7/ })).toContainText('Succeeded');
  await expect(table.getByRole('row', { name: /new-web/ })).toContainText('Succeeded');
  await expect(table.getByRole('row', { name: /new-web/ })).toContainText('DEBIAN12-64');
  const failedRow = table.getByRole('row', { name: /fail-01/ });
  await expect(failedRow).toContainText('Failed');
  await expect(failedRow).toContainText('PUSH_AUTH_FAILED');
  await snap(page, testInfo, 'push-3-progress');
  await expectAccessible(page, testInfo, 'push-progress');

  // Results as CSV, through the harness's stand-in for the save dialog.
  await page.getByRole('button', { name: 'Save results as CSV' }).click();
  const csvFile = path.join(env.workDir, 'saved', 'push-results.csv');
  await expect(page.getByText(`Results saved to ${csvFile}`)).toBeVisible();
  expect(fs.readFileSync(csvFile, 'utf8')).toBe(
    [
      'host,status,osLabel,agentVersion,hostId,errorCode,errorMessage',
      `10.0.0.7,Succeeded,DEBIAN12-64,9.60.0.0,${hostIdOf('10.0.0.7')},,`,
      `new-web,Succeeded,DEBIAN12-64,9.60.0.0,${hostIdOf('new-web')},,`,
      'fail-01,Failed,,,,PUSH_AUTH_FAILED,fail-01 refused the credentials of root',
      '',
    ].join('\r\n'),
  );

  // Retry failed: a new push with that server only, merged into the same table (the successes stay).
  fs.rmSync(csvFile);
  await page.getByRole('button', { name: 'Retry failed' }).click();
  await expect(page.getByRole('status').getByText('Push finished')).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByRole('row', { name: /10\.0\.0\.7/ })).toContainText('Succeeded');
  await expect(table.getByRole('row', { name: /fail-01/ })).toContainText('PUSH_AUTH_FAILED');
  await page.getByRole('button', { name: 'Save results as CSV' }).click();
  await expect.poll(() => fs.existsSync(csvFile)).toBe(true);
  expect(
    fs
      .readFileSync(csvFile, 'utf8')
      .split('\r\n')
      .map((line) => line.split(',').slice(0, 2).join(',')),
  ).toEqual(['host,status', '10.0.0.7,Succeeded', 'new-web,Succeeded', 'fail-01,Failed', '']);
  const log = fs.readFileSync(path.join(env.root, 'var/log/ASRSetupLogs/ASRPushInstall.log'), 'utf8');
  expect(log).toContain('pushing to 3 server(s): 10.0.0.7, new-web, fail-01');
  expect(log).toContain('pushing to 1 server(s): fail-01');
  // The password and passphrase never reach an argv (the log records the command line).
  expect(log).not.toContain('stand-in-passphrase');

  // A row opens that server's lines in the push log.
  await table.getByRole('button', { name: 'View log of fail-01' }).click();
  await expect(page.getByRole('heading', { name: 'Setup logs' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Push log' })).toHaveAttribute('aria-pressed', 'true');
  const lines = page.getByRole('log', { name: 'Push log lines' });
  await expect(lines).toContainText('[fail-01] connect: Failed');
  await expect(lines).not.toContainText('[10.0.0.7]');
  await expectAccessible(page, testInfo, 'push-log');
  await page.getByRole('button', { name: 'Back to setup' }).click();
  await expect(page.getByRole('heading', { name: 'Push progress' })).toBeVisible();
});

test('a changed host key is refused before anything runs', async ({ wizard: page }, testInfo) => {
  test.skip(testInfo.project.name !== 'harness', 'the stand-in push CLI is wired through the e2e harness');
  await page.getByRole('button', { name: 'Push to servers' }).click();
  await page.getByRole('textbox', { name: 'Servers', exact: true }).fill('moved-db\n10.0.0.7');
  await page.getByRole('radio', { name: 'SSH password' }).check();
  await page.getByLabel('Password', { exact: true }).fill('stand-in-password');
  await page.getByRole('button', { name: 'Next' }).click();
  const row = page.getByRole('row', { name: /moved-db/ });
  await expect(row).toContainText('PUSH_HOST_KEY_CHANGED');
  await expect(row).toContainText(fingerprintOf('old-moved-db'));
  await expect(page.getByRole('button', { name: 'Start push' })).toBeDisabled();
  await expectAccessible(page, testInfo, 'push-host-key-changed');
});

test('fleet status: what each server has, filtered, and a push to the ones the filter shows', async ({
  wizard: page,
}, testInfo) => {
  test.skip(testInfo.project.name !== 'harness', 'the stand-in push CLI is wired through the e2e harness');
  await page.getByRole('button', { name: 'Push to servers' }).click();
  await page.getByRole('textbox', { name: 'Servers', exact: true }).fill('web-01\nold-web-02\nbare-db-01');
  await page.getByRole('radio', { name: 'SSH password' }).check();
  await page.getByLabel('Password', { exact: true }).fill('stand-in-password');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('button', { name: 'Check status' }).click();
  const table = page.getByRole('table', { name: 'Status of the servers' });
  await expect(table.getByRole('row', { name: /old-web-02/ })).toContainText('9.60.0.0 in the repository');
  await expect(table.getByRole('row', { name: /bare-db-01/ })).toContainText('Not installed');
  await expectAccessible(page, testInfo, 'fleet-status');
  await page.getByRole('radio', { name: 'Outdated (1)' }).check();
  await expect(table.getByRole('row')).toHaveCount(2);
  await page.getByRole('button', { name: 'Push to this server' }).click();
  await expect(page.getByRole('status').getByText('Push finished')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Servers' }).getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('row', { name: /old-web-02/ })).toContainText('Succeeded');
});
