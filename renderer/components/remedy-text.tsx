import type { SetupError } from '../../shared/error-catalog';
import { useTranslator } from '../i18n/use-translator';

// "What to do" in the wizard's language; outside English, the engine's advice for this very case (which may
// name a path or a wait) follows it, marked as English so screen readers read it as such.
export function RemedyText({
  error,
  className,
  inline = false,
}: {
  readonly error: Pick<SetupError, 'code' | 'remedy'>;
  readonly className: string;
  /** In a row of a list or table: plain, where the error panel sets "What to do:" in bold. */
  readonly inline?: boolean;
}) {
  const { rich, t, caseRemedy, remedy } = useTranslator();
  const specific = caseRemedy(error);
  return (
    <span className={className}>
      {inline ? t('common.whatToDo', { remedy: remedy(error) }) : rich('error.remedy', { remedy: remedy(error) })}
      {specific ? (
        <>
          {' '}
          {rich('error.caseRemedy', {
            remedy: (
              <span key="case-remedy" lang="en">
                {specific}
              </span>
            ),
          })}
        </>
      ) : null}
    </span>
  );
}
