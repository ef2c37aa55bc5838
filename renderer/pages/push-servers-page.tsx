import { useEffect, useId, useRef } from 'react';
import {
  browseKeyFile,
  checkServers,
  leavePush,
  loadServersFile,
  pushFormProblems,
  pushFormReady,
  scanHostKeys,
  setPushForm,
  togglePasswordVisible,
} from '../state/push-actions';
import { usePush } from '../state/push-store';
import { ErrorPanel } from '../components/error-panel';
import { WizardFrame } from '../components/wizard-frame';
import type { Text } from '../i18n/message';
import { useTranslator } from '../i18n/use-translator';
import './push.css';

// "Push to servers": the servers (typed one per line or loaded from a file, checked by main as typed with the
// push CLI's rules), how to sign in, what to install where, the configuration server, how many at a time.

function FieldError({ id, text }: { readonly id: string; readonly text: Text | undefined }) {
  const { text: say } = useTranslator();
  return text ? (
    <p id={id} className="field-error">
      {say(text)}
    </p>
  ) : null;
}

export function PushServersPage() {
  const { t, text } = useTranslator();
  const { form, servers, startError } = usePush();
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = {
    servers: useId(),
    serversHint: useId(),
    serversErrors: useId(),
    user: useId(),
    userError: useId(),
    key: useId(),
    keyError: useId(),
    password: useId(),
    location: useId(),
    locationError: useId(),
    ip: useId(),
    ipError: useId(),
    passphrase: useId(),
    passphraseHint: useId(),
    parallel: useId(),
    parallelError: useId(),
  };
  useEffect(() => {
    if (usePush.getState().servers.status === 'idle' && usePush.getState().form.serversText !== '') void checkServers();
  }, []);
  const problems = pushFormProblems(form);
  const serverProblems = servers.status === 'done' ? servers.problems : [];
  const ready = pushFormReady();
  const describe = (...list: (string | false | undefined)[]): string | undefined =>
    list.filter((item): item is string => typeof item === 'string').join(' ') || undefined;
  return (
    <WizardFrame title={t('step.pushServers')}>
      <form
        className="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void scanHostKeys();
        }}
      >
        <p className="hint">{t('push.intro')}</p>
        <div className="field">
          <label htmlFor={ids.servers}>{t('push.servers')}</label>
          <textarea
            id={ids.servers}
            rows={6}
            spellCheck={false}
            autoComplete="off"
            placeholder={'10.0.0.7\nadmin@web-01.contoso.com:2222'}
            value={form.serversText}
            aria-invalid={serverProblems.length > 0}
            aria-describedby={describe(ids.serversHint, serverProblems.length > 0 && ids.serversErrors)}
            onChange={(event) => setPushForm({ serversText: event.target.value })}
          />
          <div className="row">
            <button type="button" onClick={() => fileInput.current?.click()}>
              {t('common.loadFromFile')}
            </button>
            <input
              ref={fileInput}
              type="file"
              className="visually-hidden"
              tabIndex={-1}
              aria-hidden="true"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) void loadServersFile(file);
                event.target.value = '';
              }}
            />
            <p id={ids.serversHint} className="hint" aria-live="polite">
              {t('push.servers.hint')}
              {servers.status === 'done' && servers.hosts.length > 0
                ? ` ${t('push.servers.count', { count: servers.hosts.length })}`
                : ''}
            </p>
          </div>
          {serverProblems.length > 0 ? (
            <ul id={ids.serversErrors} className="field-error">
              {serverProblems.map((problem, index) => (
                <li key={`${problem.line}-${index}`}>
                  {t('push.servers.line', { line: problem.line, message: text(problem.message) })}
                </li>
              ))}
            </ul>
          ) : null}
          {servers.status === 'error' ? <ErrorPanel error={servers.error} /> : null}
        </div>
        <div className="field">
          <label htmlFor={ids.user}>{t('push.user')}</label>
          <input
            id={ids.user}
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={form.user}
            aria-invalid={problems.user !== undefined}
            aria-describedby={problems.user ? ids.userError : undefined}
            onChange={(event) => setPushForm({ user: event.target.value })}
          />
          <FieldError id={ids.userError} text={problems.user} />
        </div>
        <fieldset>
          <legend>{t('push.signIn')}</legend>
          <label className="choice">
            <input
              type="radio"
              name="push-auth"
              checked={form.auth === 'key'}
              onChange={() => setPushForm({ auth: 'key' })}
            />
            {t('push.auth.key')}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="push-auth"
              checked={form.auth === 'password'}
              onChange={() => setPushForm({ auth: 'password' })}
            />
            {t('push.auth.password')}
          </label>
          {form.auth === 'key' ? (
            <div className="field">
              <label htmlFor={ids.key}>{t('push.keyFile')}</label>
              <div className="row">
                <input
                  id={ids.key}
                  type="text"
                  spellCheck={false}
                  autoComplete="off"
                  placeholder="/root/.ssh/id_ed25519"
                  value={form.keyFile}
                  aria-invalid={problems.keyFile !== undefined}
                  aria-describedby={problems.keyFile ? ids.keyError : undefined}
                  onChange={(event) => setPushForm({ keyFile: event.target.value })}
                />
                <button type="button" onClick={() => void browseKeyFile()}>
                  {t('common.browse')}
                </button>
              </div>
              <FieldError id={ids.keyError} text={problems.keyFile} />
            </div>
          ) : (
            <div className="field">
              <label htmlFor={ids.password}>{t('push.password')}</label>
              <div className="row">
                <input
                  id={ids.password}
                  type={form.showPassword ? 'text' : 'password'}
                  spellCheck={false}
                  autoComplete="off"
                  value={form.password}
                  onChange={(event) => setPushForm({ password: event.target.value })}
                />
                <button
                  type="button"
                  aria-pressed={form.showPassword}
                  aria-controls={ids.password}
                  onClick={togglePasswordVisible}
                >
                  {t(form.showPassword ? 'push.password.hide' : 'push.password.show')}
                </button>
              </div>
            </div>
          )}
        </fieldset>
        <fieldset>
          <legend>{t('option.whatToInstall')}</legend>
          <label className="choice">
            <input
              type="radio"
              name="push-role"
              checked={form.role === 'MS'}
              onChange={() => setPushForm({ role: 'MS' })}
            />
            {t('option.role.ms')}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="push-role"
              checked={form.role === 'MT'}
              onChange={() => setPushForm({ role: 'MT' })}
            />
            {t('option.role.mt')}
          </label>
        </fieldset>
        <fieldset>
          <legend>{t('option.platform')}</legend>
          <label className="choice">
            <input
              type="radio"
              name="push-platform"
              checked={form.platform === 'VmWare'}
              onChange={() => setPushForm({ platform: 'VmWare' })}
            />
            {t('option.platform.vmware')}
          </label>
          <label className="choice">
            <input
              type="radio"
              name="push-platform"
              checked={form.platform === 'Azure'}
              onChange={() => setPushForm({ platform: 'Azure' })}
            />
            {t('option.platform.azure')}
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={ids.location}>{t('option.location')}</label>
          <input
            id={ids.location}
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={form.installLocation}
            aria-invalid={problems.installLocation !== undefined}
            aria-describedby={problems.installLocation ? ids.locationError : undefined}
            onChange={(event) => setPushForm({ installLocation: event.target.value })}
          />
          <FieldError id={ids.locationError} text={problems.installLocation} />
        </div>
        <fieldset>
          <legend>{t('push.cs')}</legend>
          <div className="field">
            <label htmlFor={ids.ip}>{t('config.ip')}</label>
            <input
              id={ids.ip}
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder={t('config.ip.placeholder')}
              value={form.csEndpoint}
              aria-invalid={problems.csEndpoint !== undefined}
              aria-describedby={problems.csEndpoint ? ids.ipError : undefined}
              onChange={(event) => setPushForm({ csEndpoint: event.target.value })}
            />
            <FieldError id={ids.ipError} text={problems.csEndpoint} />
          </div>
          <div className="field">
            <label htmlFor={ids.passphrase}>{t('config.passphrase')}</label>
            <input
              id={ids.passphrase}
              type="password"
              spellCheck={false}
              autoComplete="off"
              value={form.passphrase}
              aria-describedby={ids.passphraseHint}
              onChange={(event) => setPushForm({ passphrase: event.target.value })}
            />
            <p id={ids.passphraseHint} className="hint">
              {t('push.passphrase.hint')}
            </p>
          </div>
        </fieldset>
        <div className="field">
          <label htmlFor={ids.parallel}>{t('push.parallel')}</label>
          <input
            id={ids.parallel}
            type="text"
            inputMode="numeric"
            className="short"
            autoComplete="off"
            value={form.parallel}
            aria-invalid={problems.parallel !== undefined}
            aria-describedby={problems.parallel ? ids.parallelError : undefined}
            onChange={(event) => setPushForm({ parallel: event.target.value })}
          />
          <FieldError id={ids.parallelError} text={problems.parallel} />
        </div>
        {startError ? <ErrorPanel error={startError} /> : null}
        <div className="actions">
          <button type="button" onClick={leavePush}>
            {t('common.back')}
          </button>
          <button type="submit" className="primary" disabled={!ready}>
            {t('push.next')}
          </button>
        </div>
      </form>
    </WizardFrame>
  );
}
