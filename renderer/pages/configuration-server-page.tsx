import { useId, useLayoutEffect, useRef } from 'react';
import {
  cancelRegistration,
  endpointProblem,
  loadPassphraseFile,
  register,
  setEndpoint,
  setPassphrase,
  togglePassphraseVisible,
} from '../state/actions';
import { openCommandLine, showInstallationOptions } from '../state/lifecycle-actions';
import { backToRegistered } from '../state/exit-actions';
import { judgeEndpoint } from '../state/field-actions';
import { registerMissing, registrationFieldErrors } from '../state/field-rules';
import { useRegistration, useWizard } from '../state/stores';
import { ErrorPanel } from '../components/error-panel';
import { JobClock } from '../components/job-clock';
import { LoadFileButton } from '../components/load-file-button';
import { TextField } from '../components/text-field';
import { WizardFrame } from '../components/wizard-frame';
import { useTranslator } from '../i18n/use-translator';

export function ConfigurationServerPage() {
  const { t, text } = useTranslator();
  const { endpoint, passphrase, showPassphrase, submitting, error, registered, endpointJudged, job } =
    useRegistration();
  const installed = useWizard((s) => s.app?.installed);
  const errorBox = useRef<HTMLDivElement>(null);
  const missingId = useId();
  const valid = endpointProblem(endpoint) === undefined;
  const failedAt = registrationFieldErrors(error);
  const problem = (endpointJudged ? endpointProblem(endpoint) : undefined) ?? failedAt.endpoint;
  const missing = registerMissing(endpoint, passphrase, endpointJudged);
  const ready = missing.length === 0 && valid && !submitting;
  // After a failed Register, focus goes to what went wrong, not back to the page body.
  useLayoutEffect(() => {
    if (error) errorBox.current?.focus();
  }, [error]);
  // Escape cancels a registration under way, as the Cancel button beside it does, from the moment it shows.
  useLayoutEffect(() => {
    if (!submitting) return undefined;
    const onEscape = (event: KeyboardEvent): void => {
      if (event.key === 'Escape' && !event.defaultPrevented) void cancelRegistration();
    };
    document.addEventListener('keydown', onEscape);
    return () => document.removeEventListener('keydown', onEscape);
  }, [submitting]);
  return (
    <WizardFrame title={t('step.configurationServer')}>
      <form
        className="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void register();
        }}
      >
        <p className="hint">
          {[
            installed
              ? t('config.installed', { version: installed.agentVersion, location: installed.installLocation })
              : undefined,
            t('config.specify'),
            registered ? t('config.registeredWith', { endpoint: registered.csEndpoint }) : undefined,
          ]
            .filter((sentence) => sentence !== undefined)
            .join(' ')}
        </p>
        {/* Locked while registering: the error that comes back must name what the fields still say. */}
        <fieldset className="plain" disabled={submitting}>
          <TextField
            label={t('config.ip')}
            inputMode="text"
            placeholder={t('config.ip.placeholder')}
            value={endpoint}
            problem={problem}
            onChange={setEndpoint}
            onBlur={judgeEndpoint}
          />
          <TextField
            label={t('config.passphrase')}
            value={passphrase}
            problem={failedAt.passphrase}
            hint={t('config.passphrase.hint')}
            onChange={setPassphrase}
            reveal={{
              shown: showPassphrase,
              toggle: togglePassphraseVisible,
              showLabel: t('config.passphrase.show'),
              hideLabel: t('config.passphrase.hide'),
            }}
            beside={<LoadFileButton onFile={(file) => void loadPassphraseFile(file)} />}
          />
        </fieldset>
        <div aria-live="polite" ref={errorBox} tabIndex={-1} className="error-focus">
          {error ? (
            <ErrorPanel error={error} title={t(error.code === 'CANCELLED' ? 'config.cancelled' : 'config.failed')} />
          ) : null}
        </div>
        <div className="actions">
          {submitting ? <p className="hint">{t('config.registering')}</p> : null}
          {submitting && job?.startedAt ? <JobClock startedAt={job.startedAt} endedAt={job.endedAt} /> : null}
          {submitting ? (
            <button type="button" onClick={() => void cancelRegistration()}>
              {t('common.cancel')}
            </button>
          ) : null}
          {!submitting && missing.length > 0 ? (
            <p id={missingId} className="hint">
              {missing.map(text).join(' ')}
            </p>
          ) : null}
          {registered && !submitting ? (
            <button type="button" onClick={backToRegistered}>
              {t('common.back')}
            </button>
          ) : null}
          {installed ? (
            <button type="button" onClick={showInstallationOptions}>
              {t('config.installationOptions')}
            </button>
          ) : null}
          <button type="button" onClick={() => openCommandLine('register')}>
            {t('common.showCommandLine')}
          </button>
          <button
            type="submit"
            className="primary"
            disabled={!ready}
            aria-describedby={!submitting && missing.length > 0 ? missingId : undefined}
          >
            {t('config.register')}
          </button>
        </div>
      </form>
    </WizardFrame>
  );
}
