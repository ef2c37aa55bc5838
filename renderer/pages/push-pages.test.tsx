import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { PushHostKeysPage } from './push-host-keys-page';
import { PushProgressPage } from './push-progress-page';
import { PushServersPage } from './push-servers-page';
import { CommandLineDialog } from './command-line-dialog';
import { FakeSetupApi } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { applyPushEvent, newPushRun } from '../state/push-state';
import { usePush } from '../state/push-store';
import { setupError } from '../../shared/error-catalog';

const FP = `SHA256:${'Z'.repeat(43)}`;

describe('Push to servers', () => {
  it('shows a bad server line at the field as typed, and enables Next only when all is valid', async () => {
    const api = new FakeSetupApi();
    api.checkServersAnswer = (lines) => ({
      hosts: lines.filter((line) => line !== 'web 01' && line !== ''),
      problems: lines.flatMap((line, i) =>
        line === 'web 01' ? [{ line: i + 1, message: '"web 01" is neither an IP address nor a host name' }] : [],
      ),
    });
    useSetupApiForTests(api);
    render(<PushServersPage />);
    const servers = screen.getByRole('textbox', { name: 'Servers' });
    const next = screen.getByRole('button', { name: 'Next' }) as HTMLButtonElement;
    fireEvent.input(servers, { target: { value: '10.0.0.7\nweb 01' } });
    await waitFor(() => expect(servers.getAttribute('aria-invalid')).toBe('true'));
    expect(screen.getByText('Line 2: "web 01" is neither an IP address nor a host name')).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: 'SSH password' }));
    const password = screen.getByLabelText('Password') as HTMLInputElement;
    expect(password.type).toBe('password');
    fireEvent.input(password, { target: { value: 'pw-1234' } });
    expect(next.disabled).toBe(true);
    fireEvent.input(servers, { target: { value: '10.0.0.7\nweb-01' } });
    await waitFor(() => expect(next.disabled).toBe(false));
    expect(servers.getAttribute('aria-invalid')).toBe('false');
    fireEvent.input(screen.getByRole('textbox', { name: 'IP address' }), { target: { value: '10.0.0.300' } });
    expect(screen.getByText(/"10.0.0.300" is not a valid IPv4 address/)).toBeTruthy();
    expect(next.disabled).toBe(true);
  });
});

describe('Server host keys', () => {
  it('lists an unknown key with its fingerprint; Start push waits for it to be accepted', () => {
    useSetupApiForTests(new FakeSetupApi());
    usePush.setState({
      hostKeys: {
        status: 'done',
        keys: [
          { host: '10.0.0.7', verdict: 'known', keyType: 'ssh-ed25519', fingerprint: `SHA256:${'K'.repeat(43)}` },
          { host: 'new-web', verdict: 'unknown', keyType: 'ssh-ed25519', fingerprint: FP },
        ],
      },
    });
    render(<PushHostKeysPage />);
    const row = screen.getByRole('row', { name: /new-web/ });
    expect(within(row).getByText(FP)).toBeTruthy();
    const accept = within(row).getByRole('checkbox', { name: 'Accept the host key of new-web' }) as HTMLInputElement;
    expect(accept.checked).toBe(false);
    const start = screen.getByRole('button', { name: 'Start push' }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    fireEvent.click(accept);
    expect(start.disabled).toBe(false);
  });

  it('a changed key is an error naming PUSH_HOST_KEY_CHANGED, and stops the push', () => {
    useSetupApiForTests(new FakeSetupApi());
    usePush.setState({
      hostKeys: {
        status: 'done',
        keys: [
          { host: 'moved-db', verdict: 'changed', keyType: 'ssh-ed25519', fingerprint: FP, recorded: 'SHA256:old' },
        ],
      },
    });
    render(<PushHostKeysPage />);
    expect(screen.getByText('PUSH_HOST_KEY_CHANGED')).toBeTruthy();
    expect(screen.getByText(/records SHA256:old/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Start push' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Push progress', () => {
  it('a table with a row a server: host, OS, step, progress, status; Retry failed once ended', () => {
    useSetupApiForTests(new FakeSetupApi());
    let run = newPushRun('p', ['10.0.0.7', 'fail-01']);
    run = applyPushEvent(run, {
      type: 'result',
      status: 'Failed',
      exitCode: 1,
      hosts: [
        {
          host: '10.0.0.7',
          status: 'Succeeded',
          osLabel: 'DEBIAN12-64',
          agentVersion: '9.60.0.0',
          hostId: 'h',
          stoppedAt: null,
          error: null,
        },
        {
          host: 'fail-01',
          status: 'Failed',
          osLabel: null,
          agentVersion: null,
          hostId: null,
          stoppedAt: 'connect',
          error: setupError('PUSH_AUTH_FAILED', 'fail-01 refused the credentials'),
        },
      ],
    });
    usePush.setState({ run });
    render(<PushProgressPage />);
    const table = screen.getByRole('table', { name: 'Servers' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((cell) => cell.textContent),
    ).toEqual(['Server', 'Status', 'Progress', 'Step', 'Operating system', 'Log']);
    const failedRow = within(table).getByRole('row', { name: /fail-01/ });
    expect(within(failedRow).getByText('Failed')).toBeTruthy();
    expect(within(failedRow).getByText('PUSH_AUTH_FAILED')).toBeTruthy();
    const okRow = within(table).getByRole('row', { name: /10\.0\.0\.7/ });
    expect(within(okRow).getByText('DEBIAN12-64')).toBeTruthy();
    expect(within(okRow).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(within(okRow).getByRole('button', { name: 'View log of 10.0.0.7' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry failed' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Save results as CSV' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });
});

describe('One bad server does not block the others', () => {
  it('offers to skip the unreachable server and push to the rest', async () => {
    const api = new FakeSetupApi();
    useSetupApiForTests(api);
    usePush.setState({
      form: { ...usePush.getState().form, keyFile: '/root/.ssh/id_ed25519' },
      hostKeys: {
        status: 'done',
        keys: [
          { host: '10.0.0.7', verdict: 'known', keyType: 'ssh-ed25519', fingerprint: FP },
          { host: 'down-01', verdict: 'unreachable', error: 'connect ECONNREFUSED' },
          { host: 'new-web', verdict: 'unknown', keyType: 'ssh-ed25519', fingerprint: FP },
        ],
      },
    });
    render(<PushHostKeysPage />);
    expect((screen.getByRole('button', { name: 'Start push' }) as HTMLButtonElement).disabled).toBe(true);
    // Not before the other new key is accepted.
    expect(screen.queryByRole('button', { name: /^Skip/ })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Accept the host key of new-web' }));
    fireEvent.click(screen.getByRole('button', { name: 'Skip this server and push to the rest' }));
    await waitFor(() => expect(api.calls.some((call) => call.method === 'startPush')).toBe(true));
    const request = api.calls.find((call) => call.method === 'startPush')?.arg as { hosts: string[] };
    expect(request.hosts).toEqual(['10.0.0.7', 'new-web']);
  });
});

describe('The push form passphrase', () => {
  it('can be shown, and loaded from the file the configuration server wrote', async () => {
    useSetupApiForTests(new FakeSetupApi());
    render(<PushServersPage />);
    const passphrase = screen.getByLabelText('Passphrase') as HTMLInputElement;
    expect(passphrase.type).toBe('password');
    fireEvent.click(screen.getByRole('button', { name: 'Show passphrase' }));
    expect(passphrase.type).toBe('text');
    const text = 'from-the-cs-file\n';
    const file = Object.assign(new File([text], 'passphrase.txt'), { text: async () => text });
    const pickers = document.querySelectorAll('input[type="file"]');
    fireEvent.change(pickers[pickers.length - 1] as HTMLInputElement, { target: { files: [file] } });
    await waitFor(() => expect(passphrase.value).toBe('from-the-cs-file'));
  });
});

describe('Show command line for a push', () => {
  it('shows the push-install command of the form, with the password and passphrase in files, never inline', async () => {
    useSetupApiForTests(new FakeSetupApi());
    // One root, as in the wizard: ids from useId are unique within a root.
    render(
      <>
        <PushServersPage />
        <CommandLineDialog />
      </>,
    );
    fireEvent.input(screen.getByRole('textbox', { name: 'Servers' }), { target: { value: '10.0.0.7\nweb-01' } });
    await waitFor(() => expect(usePush.getState().servers.status).toBe('done'));
    fireEvent.click(screen.getByRole('radio', { name: 'SSH password' }));
    fireEvent.input(screen.getByLabelText('Password'), { target: { value: 'pw-secret-1234' } });
    fireEvent.input(screen.getByRole('textbox', { name: 'IP address' }), { target: { value: '10.0.0.5' } });
    fireEvent.input(screen.getByLabelText('Passphrase'), { target: { value: 'cs-secret-5678' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show command line' }));
    const dialog = await screen.findByRole('dialog', { name: 'Push from the command line' });
    const text = within(dialog).getByText(/push-install --/).textContent ?? '';
    expect(text).toContain('--host 10.0.0.7 --host web-01 --user root --password-file ./ssh-password.txt');
    expect(text).toContain('--cs-endpoint 10.0.0.5 --passphrase-file /root/passphrase.txt');
    expect(text).not.toContain('pw-secret-1234');
    expect(text).not.toContain('cs-secret-5678');
  });
});
