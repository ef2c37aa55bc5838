import { useEffect, useId } from 'react';
import { browseInstallLocation, goTo, preflightIfNeeded, setInstallOption, startInstall } from '../state/actions';
import { openCommandLine, openUninstallDialog } from '../state/lifecycle-actions';
import { useInstall, useWizard } from '../state/stores';
import { ErrorPanel } from '../components/error-panel';
import { InstallOptionHelp } from '../components/install-option-help';
import { Prerequisites } from '../components/prerequisites';
import { WizardFrame } from '../components/wizard-frame';

export function InstallationOptionPage() {
  const options = useInstall((s) => s.options);
  const preflight = useInstall((s) => s.preflight);
  const startError = useInstall((s) => s.startError);
  const installed = useWizard((s) => s.app?.installed);
  const registration = useWizard((s) => s.app?.registration);
  const locationProblem = useInstall((s) => s.locationProblem);
  const canInstall = preflight.status === 'done' && preflight.summary.canInstall && locationProblem === undefined;
  useEffect(preflightIfNeeded, []);
  const mode = preflight.status === 'done' ? preflight.summary.mode : undefined;
  // The field keeps its fixed id: bench/wizard.ts times the page until this input accepts input.
  const ids = { location: 'install-location', locationError: useId() };
  // A location the engine refused (a file, a folder not empty) is said at the field as well as in the list.
  const refused =
    preflight.status === 'done'
      ? preflight.summary.items.find((item) => item.id === 'location' && item.ok === false)
      : undefined;
  const locationMessage = locationProblem ?? refused?.message;
  return (
    <WizardFrame title="Installation Option">
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          void startInstall();
        }}
      >
        <fieldset>
          <legend>What to install</legend>
          <label className="choice">
            <input
              type="radio"
              name="role"
              checked={options.role === 'MS'}
              onChange={() => setInstallOption({ role: 'MS' })}
            />
            Install mobility service
          </label>
          <label className="choice">
            <input
              type="radio"
              name="role"
              checked={options.role === 'MT'}
              onChange={() => setInstallOption({ role: 'MT' })}
            />
            Install master target
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={ids.location}>Install location</label>
          <div className="row">
            <input
              id={ids.location}
              type="text"
              spellCheck={false}
              autoComplete="off"
              value={options.installLocation}
              aria-invalid={locationMessage !== undefined}
              aria-describedby={locationMessage !== undefined ? ids.locationError : undefined}
              onChange={(event) => setInstallOption({ installLocation: event.target.value })}
            />
            <button type="button" onClick={() => void browseInstallLocation()}>
              Browse…
            </button>
          </div>
          {locationMessage !== undefined ? (
            <p id={ids.locationError} className="field-error">
              {locationMessage}
            </p>
          ) : null}
          {installed ? (
            <p className="hint">
              Version {installed.agentVersion} is installed at {installed.installLocation}.
            </p>
          ) : null}
        </div>
        {installed ? (
          <section aria-labelledby="installed-heading" className="installed">
            <h2 id="installed-heading">Installed agent</h2>
            <dl className="facts">
              <dt>Version</dt>
              <dd>{installed.agentVersion}</dd>
              <dt>Location</dt>
              <dd>
                <code>{installed.installLocation}</code>
              </dd>
              <dt>Role</dt>
              <dd>{installed.role === 'MS' ? 'Mobility service (MS)' : 'Master target (MT)'}</dd>
              <dt>Platform</dt>
              <dd>{installed.platform === 'VmWare' ? 'VMware or physical (VmWare)' : 'Azure'}</dd>
              <dt>Registration</dt>
              <dd>
                {registration
                  ? `registered with ${registration.csEndpoint} (host ${registration.hostId})`
                  : 'not registered'}
              </dd>
            </dl>
            <p className="hint">Install below repairs or upgrades it; Uninstall removes it from this server.</p>
            <button type="button" onClick={openUninstallDialog}>
              Uninstall…
            </button>
          </section>
        ) : null}
        <fieldset>
          <legend>Platform</legend>
          <label className="choice">
            <input
              type="radio"
              name="platform"
              checked={options.platform === 'VmWare'}
              onChange={() => setInstallOption({ platform: 'VmWare' })}
            />
            VMware virtual machine or physical server
          </label>
          <label className="choice">
            <input
              type="radio"
              name="platform"
              checked={options.platform === 'Azure'}
              onChange={() => setInstallOption({ platform: 'Azure' })}
            />
            Azure virtual machine
          </label>
        </fieldset>
        <InstallOptionHelp />
        <section aria-labelledby="preflight-heading" className="preflight">
          <h2 id="preflight-heading">Prerequisites</h2>
          <Prerequisites />
        </section>
        {startError ? <ErrorPanel error={startError} /> : null}
        <div className="actions">
          {mode === 'upgrade' || mode === 'repair' ? (
            <p className="hint">
              {mode === 'upgrade'
                ? 'Install upgrades the installed agent in place.'
                : 'Install repairs the installed agent (same version).'}
            </p>
          ) : null}
          <button type="button" onClick={() => openCommandLine('install')}>
            Show command line
          </button>
          <button type="submit" className="primary" disabled={!canInstall}>
            Install
          </button>
        </div>
        <section aria-labelledby="push-heading">
          <h2 id="push-heading">Other servers</h2>
          <p className="hint">Install the Mobility service on Linux servers over SSH, many at a time.</p>
          <button type="button" onClick={() => goTo({ type: 'push-servers' })}>
            Push to servers
          </button>
        </section>
      </form>
    </WizardFrame>
  );
}
