import { Fragment } from 'react';

// A file or folder path that a narrow window (a VM console, 400% zoom) wraps between folders rather than inside
// a name: a break opportunity (<wbr>) after each separator. overflow-wrap: anywhere (reflow.css) stays the
// fallback for a single name wider than the line. Copying the text copies the path as it is.

export function PathText({ path }: { readonly path: string }) {
  const parts = path.split(/(?<=[/\\])/);
  return (
    <>
      {parts.map((part, index) => (
        // The parts of one path never move, so their position is their identity.
        <Fragment key={index}>
          {part}
          {index < parts.length - 1 ? <wbr /> : null}
        </Fragment>
      ))}
    </>
  );
}
