import { useId, useState } from 'react';
import type { Outcome, SetupError } from '../../shared/error-catalog';
import { ERROR_CATALOG } from '../../shared/error-catalog';
import type { MessageId } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import { useAgentVersion } from '../state/agent-version';
import { errorDetailsText } from '../state/error-details';
import { useWizard } from '../state/stores';
import { CopyButton } from './copy-button';
import { RemedyText } from './remedy-text';
import './error-panel.css';

const OUTCOME: Readonly<Record<Outcome, MessageId>> = {
  failed: 'error.outcome.failed',
  'invalid-input': 'error.outcome.invalidInput',
  busy: 'error.outcome.busy',
  cancelled: 'error.outcome.cancelled',
};

// A failure as admins should meet it: what went wrong, its catalog code, and what to do about it, and the
// whole as text to paste into a ticket (which names the code's section of docs/errors.md for support). A cancel is the admin's
// own choice: shown the same way, but as a notice, not an alert. Title and remedy come from the catalog in
// the wizard's language; the message (and a remedy the engine wrote for this very case) as the engine sent it.
export function ErrorPanel({
  error,
  title,
  logFile,
  time,
}: {
  readonly error: SetupError;
  readonly title?: string;
  /** The setup log of the run that failed, when it wrote one. */
  readonly logFile?: string;
  /** When it failed (ISO 8601); by default, when the panel first showed. */
  readonly time?: string;
}) {
  const tr = useTranslator();
  const { t, rich } = tr;
  const setupVersion = useWizard((s) => s.app?.version);
  const agentVersion = useAgentVersion();
  const [shownAt] = useState(() => new Date().toISOString());
  const titleId = useId();
  const heading = title ?? tr.errorTitle(error.code);
  const cancelled = error.code === 'CANCELLED';
  const details = errorDetailsText(
    error,
    { title: heading, ...(logFile ? { logFile } : {}), time: time ?? shownAt, setupVersion, agentVersion },
    tr,
  );
  return (
    <div
      className={cancelled ? 'error-panel notice' : 'error-panel'}
      role={cancelled ? 'region' : 'alert'}
      aria-labelledby={cancelled ? titleId : undefined}
    >
      <p className="error-title" id={titleId}>
        {heading} <code>{error.code}</code>
      </p>
      <p>{error.message}</p>
      {error.details && error.details.length > 0 ? (
        <ul>
          {error.details.map((detail) => (
            <li key={detail}>{detail}</li>
          ))}
        </ul>
      ) : null}
      <p className="remedy">
        <RemedyText error={error} className="remedy-text" />
      </p>
      <details className="error-help">
        <summary>{rich('error.about', { code: <code key="code">{error.code}</code> })}</summary>
        {/* What the code is good for in a window: no exit codes or repository paths, and not the remedy again. */}
        <p>
          {t('error.aboutText', {
            title: tr.errorTitle(error.code),
            outcome: t(OUTCOME[ERROR_CATALOG[error.code].outcome]),
          })}
        </p>
      </details>
      <div className="row error-actions">
        <CopyButton text={details} label={t('error.copyDetails')} />
        {logFile ? <span className="hint wrap">{t('error.log', { path: logFile })}</span> : null}
      </div>
    </div>
  );
}
