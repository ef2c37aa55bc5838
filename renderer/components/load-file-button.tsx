import { useRef } from 'react';
import { useTranslator } from '../i18n/use-translator';

// "Load from file" beside a field: the page's own button opens the browser's file picker (a hidden file input,
// out of the tab order, as the picker's own button cannot be labelled or styled), and hands over the file chosen.

export function LoadFileButton({
  onFile,
  label,
}: {
  readonly onFile: (file: File) => void;
  /** The button's words when it loads something more specific than "a file". */
  readonly label?: string;
}) {
  const { t } = useTranslator();
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" onClick={() => picker.current?.click()}>
        {label ?? t('common.loadFromFile')}
      </button>
      <input
        ref={picker}
        type="file"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) onFile(file);
          // Choosing the same file again must fire onChange again.
          event.target.value = '';
        }}
      />
    </>
  );
}
