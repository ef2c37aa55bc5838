import { useId, useState } from 'react';
import type { SetupError } from '../../shared/error-catalog';
import { ERROR_CATALOG } from '../../shared/error-catalog';
import { errorDocEntry, errorDocLink } from '../../shared/error-docs';
import { useAgentVersion } from '../state/agent-version';
import { errorDetailsText } from '../state/error-details';
import { useWizard } from '../state/stores';
import { CopyButton } from './copy-button';
import './error-panel.css';

// A failure as admins should meet it: what went wrong, its catalog code, and what to do about it, with its
// section of docs/errors.md beside it and the whole as text to paste into a ticket. A cancel is the admin's
// own choice: shown the same way, but as a notice, not an alert.
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
  const setupVersion = useWizard((s) => s.app?.version);
  const agentVersion = useAgentVersion();
  const [shownAt] = useState(() => new Date().toISOString());
  const titleId = useId();
  const heading = title ?? ERROR_CATALOG[error.code]?.title ?? 'Setup failed';
  const doc = errorDocEntry(error.code);
  const cancelled = error.code === 'CANCELLED';
  const details = errorDetailsText(error, {
    title: heading,
    ...(logFile ? { logFile } : {}),
    time: time ?? shownAt,
    setupVersion,
    agentVersion,
  });
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
        <strong>What to do: </strong>
        {error.remedy}
      </p>
      <details className="error-help">
        <summary>
          About <code>{error.code}</code> ({errorDocLink(error.code)})
        </summary>
        <p>
          {doc.title}: {doc.outcome}; setup exits with code {doc.linuxExit} on Linux and {doc.windowsExit} on Windows.
          What to do: {doc.remedy}
        </p>
      </details>
      <div className="row error-actions">
        <CopyButton text={details} label="Copy details" />
        {logFile ? <span className="hint wrap">Log: {logFile}</span> : null}
      </div>
    </div>
  );
}
