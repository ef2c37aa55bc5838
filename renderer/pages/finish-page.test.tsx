import { describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { FakeSetupApi, NOT_INSTALLED } from '../test-support/fake-setup-api';
import { useSetupApiForTests } from '../setup-api';
import { newJob } from '../state/job-state';
import { useInstall, useRegistration, useWizard } from '../state/stores';
import { formatDateTime } from '../state/time-format';
import { InstallOptionHelp } from '../components/install-option-help';
import { WizardFrame } from '../components/wizard-frame';
import { FinishPage } from './finish-page';
import { InstallationProgressPage } from './installation-progress-page';

// Issue 13 on the Registered page: success, the time with its zone, copy buttons, the fingerprint grouped, and
// the next step; the header names the agent version; help for role and platform.

const FINGERPRINT = '3f9a0c11d2e4b5a6978877665544332211ffeeddccbbaa998877665544332211';
const REGISTERED = {
  csEndpoint: '10.0.0.5:8443',
  hostId: '11111111-2222-4333-8444-555555555555',
  registeredAt: '2026-11-30T10:00:00.000Z',
  fingerprint: FINGERPRINT,
};

function registered(role: 'MS' | 'MT' = 'MS'): FakeSetupApi {
  const api = new FakeSetupApi();
  useSetupApiForTests(api);
  useWizard.setState({
    app: {
      ...NOT_INSTALLED,
      installed: {
        agentVersion: '9.60.0.0',
        installLocation: '/usr/local/ASR',
        role,
        platform: 'VmWare',
        status: 'Succeeded',
      },
      registration: REGISTERED,
    },
  });
  useRegistration.setState({ registered: REGISTERED });
  return api;
}

describe('what an admin checks once done', () => {
  const LOG = '/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log';

  it('Registered names the service state and the setup log, with Open log', async () => {
    registered();
    useWizard.setState((s) => ({
      app:
        s.app && s.app.installed
          ? { ...s.app, installerLog: LOG, installed: { ...s.app.installed, service: 'active' } }
          : s.app,
    }));
    render(<FinishPage />);
    const facts = document.querySelector('.outcome-facts') as HTMLElement;
    expect(facts.textContent).toContain('Agent serviceRunning');
    expect(within(facts).getByText(LOG)).toBeTruthy();
    await act(async () => fireEvent.click(within(facts).getByRole('button', { name: 'Open log' })));
    expect(useWizard.getState().logsOpen).toBe(true);
  });

  it('a succeeded repair of a registered agent shows the service, the log and the host id it kept', () => {
    registered();
    useWizard.setState((s) => ({
      app:
        s.app && s.app.installed
          ? { ...s.app, installerLog: LOG, installed: { ...s.app.installed, service: 'inactive' } }
          : s.app,
    }));
    useInstall.setState({
      jobKind: 'install',
      job: {
        ...newJob('j'),
        result: {
          status: 'Succeeded',
          error: null,
          summary: { mode: 'repair', role: 'MS', agentVersion: '9.60.0.0', installLocation: '/usr/local/ASR' },
        },
      },
    });
    render(<InstallationProgressPage />);
    const facts = document.querySelector('.outcome-facts') as HTMLElement;
    expect(facts.textContent).toContain('Agent serviceNot running');
    expect(facts.textContent).toContain(LOG);
    expect(facts.textContent).toContain(REGISTERED.hostId);
  });
});

describe('Registered', () => {
  it('says it succeeded, when (with its zone), and what to do next in the portal', () => {
    registered();
    render(<FinishPage />);
    expect(screen.getByRole('status').textContent).toBe(
      'The Mobility service is registered with the configuration server.',
    );
    const time = document.querySelector(`time[datetime="${REGISTERED.registeredAt}"]`);
    expect(time?.textContent).toBe(formatDateTime(REGISTERED.registeredAt, 'en'));
    const next = screen.getByRole('region', { name: 'Next step' });
    expect(next.textContent).toContain('Enable replication for this machine');
    expect(next.textContent).toContain('Azure portal');
    expect(next.textContent).toContain('configuration server 10.0.0.5:8443');
  });

  it('groups the fingerprint in fours, wrapping only between groups, and copies host ID and fingerprint as they are', async () => {
    const api = registered();
    render(<FinishPage />);
    const grouped = document.querySelector('code.grouped');
    const groups = [...(grouped?.querySelectorAll('.group') ?? [])].map((group) => group.textContent);
    expect(groups).toHaveLength(16);
    expect(groups.every((group) => group?.length === 4)).toBe(true);
    expect(grouped?.textContent).toBe(FINGERPRINT.match(/.{4}/g)?.join(' '));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy fingerprint' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy host ID' })));
    // Through main: the app grants a page no clipboard permission.
    expect(api.called('copyText')).toEqual([FINGERPRINT, REGISTERED.hostId]);
    expect(screen.getAllByText('Copied')).toHaveLength(2);
  });

  it('tells a master target what it is for instead', () => {
    registered('MT');
    render(<FinishPage />);
    expect(screen.getByRole('region', { name: 'Next step' }).textContent).toContain('master target');
  });
});

describe('the header and the option help', () => {
  it('names the installed agent, saying so; with none installed, the package Install lays down', () => {
    registered();
    useInstall.setState({
      preflight: {
        status: 'done',
        summary: {
          installLocation: '/usr/local/ASR',
          mode: 'upgrade',
          items: [],
          canInstall: true,
          agentVersion: '9.61.0.0',
        },
      },
    });
    const { unmount } = render(<WizardFrame title="Installation Option">x</WizardFrame>);
    // It used to say "Mobility service agent 9.61.0.0" here and 9.60.0.0 on the next page.
    expect(screen.getByText(/^Mobility Service Setup/).textContent).toBe(
      'Mobility Service Setup 1.0.0 · installed agent 9.60.0.0',
    );
    unmount();
    useWizard.setState((s) => ({ app: s.app ? { ...s.app, installed: null, registration: null } : s.app }));
    render(<WizardFrame title="Installation Option">x</WizardFrame>);
    expect(screen.getByText(/^Mobility Service Setup/).textContent).toBe(
      'Mobility Service Setup 1.0.0 · agent package 9.61.0.0',
    );
  });

  it('explains master target against mobility service, and VMware or physical against Azure', () => {
    render(<InstallOptionHelp />);
    const help = screen.getByText('Which role and platform?').closest('details') as HTMLElement;
    expect(
      within(help)
        .getAllByRole('term')
        .map((term) => term.textContent),
    ).toEqual([
      'Mobility service (MS)',
      'Master target (MT)',
      'VMware virtual machine or physical server',
      'Azure virtual machine',
    ]);
    const text = help.textContent;
    expect(text).toContain('Mobility service (MS)');
    expect(text).toContain('Master target (MT)');
    expect(text).toContain('treating Azure VMs as physical machines');
  });
});
