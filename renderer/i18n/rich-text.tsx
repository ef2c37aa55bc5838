import type { ReactNode } from 'react';

// The markup messages may use: <b>, <code> and <hidden> (read by screen readers, not shown). Keyed, since
// React 19 warns about unkeyed elements that react-intl puts in a list; a tag appears once in a message.
export const RICH_TEXT = {
  b: (chunks: ReactNode[]) => <strong key="b">{chunks}</strong>,
  code: (chunks: ReactNode[]) => <code key="code">{chunks}</code>,
  hidden: (chunks: ReactNode[]) => (
    <span key="hidden" className="visually-hidden">
      {chunks}
    </span>
  ),
} as const;
