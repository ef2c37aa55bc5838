import { Fragment } from 'react';
import { groupsOf } from './grouped-text';

// Host names and SSH key fingerprints in narrow table cells: a host name may wrap after a dot or a hyphen
// ("web-03.contoso." / "example"), a fingerprint between groups of its base64, never inside a label or a
// group ("web-03.contos o.exampl e" was unreadable). Both copy and read as they are: the breaks are <wbr>,
// not spaces or elements, and the box does not break anywhere else (push.css).

function WithBreaks({ parts, className }: { readonly parts: readonly string[]; readonly className: string }) {
  return (
    <span className={className}>
      {parts.map((part, index) => (
        // The parts of one value never move, so their position is their identity.
        <Fragment key={index}>
          {part}
          {index < parts.length - 1 ? <wbr /> : null}
        </Fragment>
      ))}
    </span>
  );
}

export function HostNameText({ name }: { readonly name: string }) {
  return <WithBreaks parts={name.split(/(?<=[.\-:@])/)} className="token-text" />;
}

/** "SHA256:" then the base64 in groups of eight, as ssh-keygen -lf prints it, so it can be compared. */
export function FingerprintText({ fingerprint }: { readonly fingerprint: string }) {
  const colon = fingerprint.indexOf(':');
  const parts = [fingerprint.slice(0, colon + 1), ...groupsOf(fingerprint.slice(colon + 1), 8)].filter(Boolean);
  return (
    <code>
      <WithBreaks parts={parts} className="token-text fingerprint" />
    </code>
  );
}
