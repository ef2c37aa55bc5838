import { Fragment } from 'react';

// Long machine values (a certificate fingerprint) in groups of a few characters, so a narrow window wraps
// them between groups, never inside one, and an admin can compare them group by group.

export function groupsOf(text: string, size = 4): string[] {
  const groups: string[] = [];
  for (let at = 0; at < text.length; at += size) groups.push(text.slice(at, at + size));
  return groups;
}

export function GroupedText({ text, size = 4 }: { readonly text: string; readonly size?: number }) {
  const groups = groupsOf(text, size);
  return (
    <code className="grouped">
      {groups.map((group, index) => (
        <Fragment key={index}>
          <span className="group">{group}</span>
          {/* A real space between groups: where a line may break. */}
          {index < groups.length - 1 ? ' ' : null}
        </Fragment>
      ))}
    </code>
  );
}
