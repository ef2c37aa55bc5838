import { useState } from 'react';
import { useTranslator } from '../i18n/use-translator';
import { copyText } from '../state/clipboard-actions';

// A Copy button with its own polite confirmation (not a status role: each page keeps one status, its outcome).
// Main puts the text on the clipboard (clipboard-actions.ts).

export function CopyButton({
  text,
  label,
}: {
  readonly text: string;
  /** What the button says, e.g. "Copy host ID". */
  readonly label: string;
}) {
  const { t } = useTranslator();
  const [said, setSaid] = useState<'copied' | 'unavailable' | undefined>(undefined);
  const copy = async (): Promise<void> => {
    setSaid((await copyText(text)) ? 'copied' : 'unavailable');
  };
  // Nothing to copy (a value the engine did not report): no button that could only fail.
  if (text === '') return null;
  return (
    <span className="copy">
      <button type="button" className="copy-button" onClick={() => void copy()}>
        {label}
      </button>
      <span className="copy-said" aria-live="polite">
        {said === 'copied' ? t('copy.copied') : said === 'unavailable' ? t('copy.unavailable') : ''}
      </span>
    </span>
  );
}
