import { useEffect } from 'react';
import { browseInstallLocation, goTo, preflightIfNeeded, reviewInstall, setInstallOption } from '../state/actions';
import { openCommandLine, openUninstallDialog } from '../state/lifecycle-actions';
import { useInstall, useWizard } from '../state/stores';
import { useTranslator } from '../i18n/use-translator';
import { ErrorPanel } from '../components/error-panel';
import { InstallOptionHelp } from '../components/install-option-help';
import { Prerequisites } from '../components/prerequisites';
import { PathText } from '../components/path-text';
import { TextField } from '../components/text-field';
import { WizardFrame } from '../components/wizard-frame';

// The field keeps its fixed id: bench/wizard.ts times the page until this input accepts input.
const LOCATION_FIELD_ID = 'install-location';

export function InstallationOptionPage() {
  const { t } = useTranslator();
  const options = useInstall((s) => s.options);
  const preflight = useInstall((s) => s.preflight);
  const startError = useInstall((s) => s.startError);
  const installed = useWizard((s) => s.app?.installed);
  const registration = useWizard((s) => s.app?.registration);
  const locationProblem = useInstall((s) => s.locationProblem);
  const canInstall = preflight.status === 'done' && preflight.summary.canInstall && locationProblem === undefined;
  useEffect(preflightIfNeeded, []);
  const mode = preflight.status === 'done' ? preflight.summary.mode : undefined;
  // A location the engine refused (a file, a folder not empty) is said at the field as well as in the list.
  const refused =
    preflight.status === 'done'
      ? preflight.summary.items.find((item) => item.id === 'location' && item.ok === false)
      : undefined;
  const locationMessage = locationProblem ?? refused?.message;
  return (
    <WizardFrame title={t('step.installationOption')}>
      <form
        className="stack"
        onSubmit={(event) => {
          event.preventDefault();
          reviewInstall();
        }}
      >
        {/* An installed agent is repaired or upgraded as what it is: another kind means uninstalling first. */}
        <fieldset disabled={Boolean(installed)} aria-describedby={installed ? 'kind-locked' : undefined}>
          <legend>{t('option.whatToInstall')}</legend>
          <label className="choice">
            <input
              type="radio"
              name="role"
              checked={options.role === 'MS'}
              onChange={() => setInstallOption({ role: 'MS' })}
            />
            {t('option.role.ms')}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="role"
              checked={options.role === 'MT'}
              onChange={() => setInstallOption({ role: 'MT' })}
            />
            {t('option.role.mt')}
          </label>
        </fieldset>
        <TextField
          id={LOCATION_FIELD_ID}
          label={t('option.location')}
          value={options.installLocation}
          problem={locationMessage}
          onChange={(installLocation) => setInstallOption({ installLocation })}
          beside={
            <button type="button" onClick={() => void browseInstallLocation()}>
              {t('common.browse')}
            </button>
          }
        >
          {installed ? (
            <p className="hint">
              {t('option.installedAt', { version: installed.agentVersion, location: installed.installLocation })}
            </p>
          ) : null}
        </TextField>
        {installed ? (
          <section aria-labelledby="installed-heading" className="installed">
            <h2 id="installed-heading">{t('option.installed.heading')}</h2>
            <dl className="facts">
              <dt>{t('option.installed.version')}</dt>
              <dd>{installed.agentVersion}</dd>
              <dt>{t('option.installed.location')}</dt>
              <dd>
                <code>
                  <PathText path={installed.installLocation} />
                </code>
              </dd>
              <dt>{t('option.installed.role')}</dt>
              <dd>{t('option.installed.roleName', { role: installed.role })}</dd>
              <dt>{t('option.platform')}</dt>
              <dd>{t('option.installed.platformName', { platform: installed.platform })}</dd>
              <dt>{t('option.installed.registration')}</dt>
              <dd>
                {registration
                  ? t('option.installed.registeredWith', {
                      endpoint: registration.csEndpoint,
                      hostId: registration.hostId,
                    })
                  : t('option.installed.notRegistered')}
              </dd>
            </dl>
            <p className="hint">{t('option.installed.hint')}</p>
            <button type="button" onClick={openUninstallDialog}>
              {t('option.uninstall')}
            </button>
          </section>
        ) : null}
        <fieldset disabled={Boolean(installed)} aria-describedby={installed ? 'kind-locked' : undefined}>
          <legend>{t('option.platform')}</legend>
          <label className="choice">
            <input
              type="radio"
              name="platform"
              checked={options.platform === 'VmWare'}
              onChange={() => setInstallOption({ platform: 'VmWare' })}
            />
            {t('option.platform.vmware')}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="platform"
              checked={options.platform === 'Azure'}
              onChange={() => setInstallOption({ platform: 'Azure' })}
            />
            {t('option.platform.azure')}
          </label>
        </fieldset>
        {installed ? (
          <p className="hint" id="kind-locked">
            {t('option.kindLocked')}
          </p>
        ) : null}
        <InstallOptionHelp />
        <section aria-labelledby="preflight-heading" className="preflight">
          <h2 id="preflight-heading">{t('option.prerequisites')}</h2>
          <Prerequisites />
        </section>
        {startError ? <ErrorPanel error={startError} /> : null}
        <div className="actions">
          {/* A status, so the newer package is announced when the page first shows, not only seen. */}
          <p className="hint" role="status">
            {installed && (mode === 'upgrade' || mode === 'repair')
              ? t(mode === 'upgrade' ? 'option.mode.upgrade' : 'option.mode.repair', {
                  from: installed.agentVersion,
                  to: preflight.status === 'done' ? (preflight.summary.agentVersion ?? '') : '',
                })
              : null}
          </p>
          <button type="button" onClick={() => openCommandLine('install')}>
            {t('common.showCommandLine')}
          </button>
          <button type="submit" className="primary" disabled={!canInstall}>
            {t('option.next')}
          </button>
        </div>
        <section aria-labelledby="push-heading">
          <h2 id="push-heading">{t('option.otherServers')}</h2>
          <p className="hint">{t('option.otherServers.hint')}</p>
          <button type="button" onClick={() => goTo({ type: 'push-servers' })}>
            {t('step.pushServers')}
          </button>
        </section>
      </form>
    </WizardFrame>
  );
}
