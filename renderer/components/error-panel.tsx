import type { SetupError } from '../../shared/error-catalog';
import { ERROR_CATALOG } from '../../shared/error-catalog';

// A failure as admins should meet it: what went wrong, its catalog code, and what to do about it.
export function ErrorPanel({ error, title }: { readonly error: SetupError; readonly title?: string }) {
  return (
    <div className="error-panel" role="alert">
      <p className="error-title">
        {title ?? ERROR_CATALOG[error.code]?.title ?? 'Setup failed'} <code>{error.code}</code>
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
    </div>
  );
}
