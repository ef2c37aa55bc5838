import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../app';
import { PushProgressPage } from './push-progress-page';
import { PushServersPage } from './push-servers-page';
import { FakeSetupApi } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { readFleetStatus } from '../state/fleet-actions';
import { newPushRun } from '../state/push-state';
import { usePush } from '../state/push-store';
import { useWizard } from '../state/stores';
import { setupError } from '../../shared/error-catalog';
import type { FleetRow } from '../../shared/fleet-status';

// The wizard's inventories, its fleet view and its tables of hundreds of servers.

afterEach(() => {
  vi.restoreAllMocks();
});

function row(host: string, change: Partial<FleetRow>): FleetRow {
  return {
    host,
    address: host,
    reachable: true,
    source: 'agent',
    osLabel: 'RHEL7-64',
    installed: true,
    agentVersion: '9.61.0.0',
    installLocation: '/usr/local/ASR',
    role: 'MS',
    platform: 'VmWare',
    registration: { csEndpoint: '10.0.0.5:443', hostId: '8c1f3a52-6d7e-4f10-9a3b-2c4d5e6f7a8b' },
    service: 'active',
    lastResult: { status: 'Succeeded', time: '2026-12-01T10:00:00Z' },
    latestVersion: '9.61.0.0',
    outdated: false,
    error: null,
    ...change,
  };
}

const FLEET: readonly FleetRow[] = [
  row('web-01', {}),
  row('web-02', { installed: false, source: 'none', agentVersion: null, registration: null, service: 'absent' }),
  row('web-03', { agentVersion: '9.60.0.0', outdated: true }),
  row('db-01', { registration: null }),
  row('db-02', { service: 'inactive' }),
  row('db-03', {
    reachable: false,
    installed: false,
    osLabel: null,
    error: setupError('PUSH_UNREACHABLE', 'db-03 did not answer on port 22'),
  }),
];

function fleetApi(): FakeSetupApi {
  const api = new FakeSetupApi();
  api.fleetRows = FLEET;
  useSetupApiForTests(api);
  usePush.setState({
    form: { ...usePush.getState().form, keyFile: '/root/.ssh/id_ed25519', jump: 'bastion' },
    hostKeys: {
      status: 'done',
      keys: [
        { host: 'bastion', verdict: 'known', jumpHost: true },
        ...FLEET.map((r) => ({ host: r.host, verdict: 'known' as const })),
      ],
    },
  });
  return api;
}

describe('Fleet status', () => {
  it('reads the servers whose keys were checked, and shows a row a server with what it has', async () => {
    const api = fleetApi();
    render(<App />);
    await readFleetStatus();
    expect(useWizard.getState().step.type).toBe('push-fleet-status');
    const asked = api.calls.find((call) => call.method === 'fleetStatus')?.arg as Record<string, unknown>;
    // The servers only (not the bastion), signed in as the push would; no passphrase, nothing to install.
    expect(asked).toEqual({
      hosts: FLEET.map((r) => r.host),
      user: 'root',
      credentials: { kind: 'key', keyFile: '/root/.ssh/id_ed25519' },
      jump: 'bastion',
      acceptedHostKeys: [],
      parallel: 10,
    });
    const table = await screen.findByRole('table', { name: 'Status of the servers' });
    const outdated = within(table).getByRole('row', { name: /web-03/ });
    expect(within(outdated).getByText('9.61.0.0 in the repository')).toBeTruthy();
    expect(within(within(table).getByRole('row', { name: /db-02/ })).getByText('Stopped')).toBeTruthy();
    expect(within(within(table).getByRole('row', { name: /db-03/ })).getByText('PUSH_UNREACHABLE')).toBeTruthy();
  });

  it('filters with counts, and pushes to the servers the filter shows', async () => {
    const api = fleetApi();
    render(<App />);
    await readFleetStatus();
    await screen.findByRole('table', { name: 'Status of the servers' });
    const labels = within(screen.getByRole('group', { name: 'Show' }))
      .getAllByRole('radio')
      .map((radio) => radio.closest('label')?.textContent);
    expect(labels).toEqual([
      'All (6)',
      'Not installed (1)',
      'Outdated (1)',
      'Not registered (1)',
      'Service down (1)',
      'Unreachable (1)',
    ]);
    fireEvent.click(screen.getByRole('radio', { name: 'Not installed (1)' }));
    const table = screen.getByRole('table', { name: 'Status of the servers' });
    expect(
      within(table)
        .getAllByRole('row')
        .map((r) => r.querySelector('th')?.textContent),
    ).toEqual(['Server', 'web-02']);
    expect(screen.getByText('Showing 1 of 6 servers.')).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: 'Unreachable (1)' }));
    // Unreachable servers cannot be pushed to.
    expect((screen.getByRole('button', { name: /^Push to/ }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: 'All (6)' }));
    fireEvent.click(screen.getByRole('button', { name: 'Push to these 5 servers' }));
    await waitFor(() => expect(useWizard.getState().step.type).toBe('push-progress'));
    const pushed = api.calls.find((call) => call.method === 'startPush')?.arg as { hosts: string[] };
    expect(pushed.hosts).toEqual(['web-01', 'web-02', 'web-03', 'db-01', 'db-02']);
  });

  it('a status read that fails says so with its remedy; Read again reads again', async () => {
    const api = fleetApi();
    api.fleetRows = setupError('INSTALL_FAILED', 'the status read stopped (exit code 9)');
    render(<App />);
    await readFleetStatus();
    expect(await screen.findByText('The status was not read')).toBeTruthy();
    api.fleetRows = FLEET;
    fireEvent.click(screen.getByRole('button', { name: 'Read again' }));
    expect(await screen.findByRole('table', { name: 'Status of the servers' })).toBeTruthy();
  });
});

describe('An Ansible inventory in the servers list', () => {
  it('fills the servers from the inventory, narrowed by the limit, and says which own keys it cannot use', async () => {
    const api = new FakeSetupApi();
    api.inventoryAnswer = { lines: ['10.0.0.7  # web-01', 'db-01'], ownKeys: ['db-01'] };
    useSetupApiForTests(api);
    const { container } = render(<PushServersPage />);
    const pickers = container.querySelectorAll('input[type="file"]');
    expect(screen.getByRole('button', { name: 'Load Ansible inventory…' })).toBeTruthy();
    const text = '[web]\nweb-01 ansible_host=10.0.0.7\n';
    // jsdom's File has no text(); the browser's does.
    const file = Object.assign(new File([text], 'hosts.ini'), { text: async () => text });
    fireEvent.change(pickers[1] as HTMLInputElement, { target: { files: [file] } });
    const servers = screen.getByRole('textbox', { name: 'Servers' }) as HTMLTextAreaElement;
    await waitFor(() => expect(servers.value).toBe('10.0.0.7  # web-01\ndb-01'));
    expect(api.calls.find((call) => call.method === 'readInventory')?.arg).toEqual({
      name: 'hosts.ini',
      text: '[web]\nweb-01 ansible_host=10.0.0.7\n',
      limit: '',
    });
    expect(screen.getByText(/1 server names its own key file \(db-01\)/)).toBeTruthy();
    api.inventoryAnswer = { lines: ['10.0.0.7  # web-01'], ownKeys: [] };
    fireEvent.input(screen.getByRole('textbox', { name: 'Limit (optional)' }), { target: { value: 'web' } });
    await waitFor(() => expect(servers.value).toBe('10.0.0.7  # web-01'));
    expect(api.calls.filter((call) => call.method === 'readInventory').at(-1)?.arg).toMatchObject({ limit: 'web' });
    api.inventoryAnswer = setupError('INVALID_ARGUMENT', 'no server in hosts.ini matches the limit "mail"');
    fireEvent.input(screen.getByRole('textbox', { name: 'Limit (optional)' }), { target: { value: 'mail' } });
    expect(await screen.findByText(/matches the limit "mail"/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Type servers instead' }));
    expect(screen.queryByRole('textbox', { name: 'Limit (optional)' })).toBeNull();
  });
});

describe('A push to 1,000 servers', () => {
  it('renders only the rows in view, and says how many rows there are', () => {
    // Rows 40 px high in a 600 px box, as a browser would lay them out.
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(function (this: HTMLElement) {
      return this.classList.contains('table-scroll') ? 600 : 0;
    });
    vi.spyOn(HTMLElement.prototype, 'offsetHeight', 'get').mockReturnValue(40);
    useSetupApiForTests(new FakeSetupApi());
    const hosts = Array.from({ length: 1000 }, (_, i) => `web-${String(i + 1).padStart(4, '0')}`);
    usePush.setState({ run: newPushRun('p', hosts) });
    render(<PushProgressPage />);
    const table = screen.getByRole('table', { name: 'Servers' });
    expect(table.getAttribute('aria-rowcount')).toBe('1001');
    const rendered = within(table).getAllByRole('row');
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(60);
    expect(within(table).queryByRole('row', { name: /web-1000/ })).toBeNull();
    expect(
      within(table)
        .getByRole('row', { name: /web-0001/ })
        .getAttribute('aria-rowindex'),
    ).toBe('2');
  });
});
