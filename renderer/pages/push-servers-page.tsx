import { useEffect, useId, type ReactNode } from 'react';
import { forgetInventory, loadInventoryFile, setInventoryLimit } from '../state/fleet-actions';
import {
  browseKeyFile,
  checkServers,
  leavePush,
  loadPushPassphraseFile,
  loadServersFile,
  pushFormProblems,
  pushFormReady,
  scanHostKeys,
  setPushForm,
  showPushCommandLine,
  togglePasswordVisible,
  togglePushPassphraseVisible,
} from '../state/push-actions';
import { usePush, type LoadedInventory } from '../state/push-store';
import { ErrorPanel } from '../components/error-panel';
import { LoadFileButton } from '../components/load-file-button';
import { TextField } from '../components/text-field';
import { WizardFrame } from '../components/wizard-frame';
import { useTranslator } from '../i18n/use-translator';
import './push.css';

// "Push to servers": the servers (typed one per line or loaded from a file, checked by main as typed with the
// push CLI's rules), how to sign in, what to install where, the configuration server, how many at a time.

/** The loaded inventory: its name, the limit that narrows it, and what the wizard cannot take from it. */
function InventoryFields({ inventory }: { readonly inventory: LoadedInventory }) {
  const { t, rich } = useTranslator();
  return (
    <div className="stack">
      <p className="hint">
        {rich('push.inventory.loaded', {
          name: inventory.name,
          code: (chunks: ReactNode[]) => <code key="code">{chunks}</code>,
        })}
      </p>
      <TextField
        label={t('push.inventory.limit')}
        placeholder="webservers:!canary"
        value={inventory.limit}
        hint={t('push.inventory.limit.hint')}
        onChange={setInventoryLimit}
      />
      {inventory.ownKeys.length > 0 ? (
        <p className="hint" role="status">
          {t('push.inventory.ownKeys', {
            count: inventory.ownKeys.length,
            hosts: inventory.ownKeys.slice(0, 5).join(', ') + (inventory.ownKeys.length > 5 ? ', …' : ''),
          })}
        </p>
      ) : null}
      {inventory.error ? <ErrorPanel error={inventory.error} /> : null}
      <div className="row">
        <button type="button" onClick={forgetInventory}>
          {t('push.inventory.forget')}
        </button>
      </div>
    </div>
  );
}

export function PushServersPage() {
  const { t, text } = useTranslator();
  const { form, servers, startError, inventory } = usePush();
  const ids = { servers: useId(), serversHint: useId(), serversErrors: useId() };
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
            spellCheck="false"
            autoComplete="off"
            placeholder={'10.0.0.7\nadmin@web-01.contoso.com:2222'}
            value={form.serversText}
            aria-invalid={serverProblems.length > 0}
            aria-describedby={describe(ids.serversHint, serverProblems.length > 0 && ids.serversErrors)}
            onChange={(event) => setPushForm({ serversText: event.target.value })}
          />
          <div className="row">
            <LoadFileButton onFile={(file) => void loadServersFile(file)} />
            <LoadFileButton label={t('push.inventory.load')} onFile={(file) => void loadInventoryFile(file)} />
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
        {inventory ? <InventoryFields inventory={inventory} /> : null}
        <TextField
          label={t('push.user')}
          value={form.user}
          problem={problems.user}
          onChange={(user) => setPushForm({ user })}
        />
        <TextField
          label={t('push.jump')}
          placeholder="root@bastion.contoso.local"
          value={form.jump}
          hint={t('push.jump.hint')}
          problem={problems.jump}
          onChange={(jump) => setPushForm({ jump })}
        />
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
            <TextField
              label={t('push.keyFile')}
              placeholder="/root/.ssh/id_ed25519"
              value={form.keyFile}
              problem={problems.keyFile}
              onChange={(keyFile) => setPushForm({ keyFile })}
              beside={
                <button type="button" onClick={() => void browseKeyFile()}>
                  {t('common.browse')}
                </button>
              }
            />
          ) : (
            <TextField
              label={t('push.password')}
              value={form.password}
              onChange={(password) => setPushForm({ password })}
              reveal={{
                shown: form.showPassword,
                toggle: togglePasswordVisible,
                showLabel: t('push.password.show'),
                hideLabel: t('push.password.hide'),
              }}
            />
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
        <TextField
          label={t('option.location')}
          value={form.installLocation}
          problem={problems.installLocation}
          onChange={(installLocation) => setPushForm({ installLocation })}
        />
        <fieldset>
          <legend>{t('push.cs')}</legend>
          <TextField
            label={t('config.ip')}
            placeholder={t('config.ip.placeholder')}
            value={form.csEndpoint}
            problem={problems.csEndpoint}
            onChange={(csEndpoint) => setPushForm({ csEndpoint })}
          />
          <TextField
            label={t('config.passphrase')}
            value={form.passphrase}
            hint={t('push.passphrase.hint')}
            onChange={(passphrase) => setPushForm({ passphrase })}
            reveal={{
              shown: form.showPassphrase,
              toggle: togglePushPassphraseVisible,
              showLabel: t('config.passphrase.show'),
              hideLabel: t('config.passphrase.hide'),
            }}
            beside={<LoadFileButton onFile={(file) => void loadPushPassphraseFile(file)} />}
          />
        </fieldset>
        <TextField
          label={t('push.parallel')}
          inputMode="numeric"
          className="short"
          value={form.parallel}
          problem={problems.parallel}
          onChange={(parallel) => setPushForm({ parallel })}
        />
        <fieldset>
          <legend>{t('push.rollout')}</legend>
          <TextField
            label={t('push.canary')}
            inputMode="numeric"
            className="short"
            value={form.canary}
            hint={t('push.canary.hint')}
            problem={problems.canary}
            onChange={(canary) => setPushForm({ canary })}
          />
          <TextField
            label={t('push.maxFailures')}
            className="short"
            value={form.maxFailures}
            hint={t('push.maxFailures.hint')}
            problem={problems.maxFailures}
            onChange={(maxFailures) => setPushForm({ maxFailures })}
          />
        </fieldset>
        {startError ? <ErrorPanel error={startError} /> : null}
        <p>
          <button type="button" className="link-button" onClick={showPushCommandLine}>
            {t('common.showCommandLine')}
          </button>
        </p>
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
