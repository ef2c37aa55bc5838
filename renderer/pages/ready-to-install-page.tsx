import { goTo, startInstall } from '../state/actions';
import { openCommandLine } from '../state/lifecycle-actions';
import { useInstall, useWizard } from '../state/stores';
import { ErrorPanel } from '../components/error-panel';
import { PathText } from '../components/path-text';
import { WizardFrame } from '../components/wizard-frame';
import { useTranslator } from '../i18n/use-translator';

// The last look before anything changes, as Windows Installer's "Ready to Install" page: what goes where, as
// a fresh install, a repair or an upgrade (both versions named), the command line that does the same, and a
// button that says which. Enter in Installation Option's fields leads here, never straight into the install.

export function ReadyToInstallPage() {
  const { t } = useTranslator();
  const options = useInstall((s) => s.options);
  const preflight = useInstall((s) => s.preflight);
  const startError = useInstall((s) => s.startError);
  const installed = useWizard((s) => s.app?.installed);
  const registration = useWizard((s) => s.app?.registration);
  if (preflight.status !== 'done') return null;
  const { summary } = preflight;
  const packaged = summary.agentVersion ?? '';
  const from = installed?.agentVersion ?? '';
  const mode = summary.mode;
  return (
    <WizardFrame title={t('ready.title', { mode })}>
      <p>{t('ready.intro', { mode })}</p>
      <dl className="facts">
        <dt>{t('ready.what')}</dt>
        <dd>{t('option.installed.roleName', { role: options.role })}</dd>
        <dt>{t('option.platform')}</dt>
        <dd>{t('option.installed.platformName', { platform: options.platform })}</dd>
        <dt>{t('ready.version')}</dt>
        <dd>{mode === 'upgrade' ? t('ready.versionChange', { from, to: packaged }) : packaged}</dd>
        <dt>{t('option.location')}</dt>
        <dd>
          <code>
            <PathText path={summary.installLocation} />
          </code>
        </dd>
        {registration && mode !== 'fresh' ? (
          <>
            <dt>{t('option.installed.registration')}</dt>
            <dd>{t('ready.registrationKept', { endpoint: registration.csEndpoint })}</dd>
          </>
        ) : null}
      </dl>
      {startError ? <ErrorPanel error={startError} /> : null}
      <div className="actions">
        <button type="button" onClick={() => goTo({ type: 'installation-option' })}>
          {t('common.back')}
        </button>
        <button type="button" onClick={() => openCommandLine('install')}>
          {t('common.showCommandLine')}
        </button>
        <button type="button" className="primary" onClick={() => void startInstall()}>
          {t('ready.start', { mode, from, to: packaged })}
        </button>
      </div>
    </WizardFrame>
  );
}
