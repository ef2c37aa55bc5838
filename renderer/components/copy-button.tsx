import { useState } from 'react';
import { useTranslator } from '../i18n/use-translator';

// A Copy button with its own polite confirmation (not a status role: each page keeps one status, its outcome).
// The clipboard API can be refused (the app grants no permission), so the fallback is the copy command on a
// selected, off-screen text area, which needs only the click itself.

async function writeClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.className = 'visually-hidden';
    document.body.append(area);
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    } finally {
      area.remove();
    }
  }
}

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
    setSaid((await writeClipboard(text)) ? 'copied' : 'unavailable');
  };
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
