import { useTranslator } from '../i18n/use-translator';
import './install-option-help.css';

// Short help for the two choices on Installation Option, in the words of the Mobility service documentation.
export function InstallOptionHelp() {
  const { t } = useTranslator();
  return (
    <details className="option-help">
      <summary>{t('help.summary')}</summary>
      <dl className="facts">
        <dt>{t('help.ms.term')}</dt>
        <dd>{t('help.ms.text')}</dd>
        <dt>{t('help.mt.term')}</dt>
        <dd>{t('help.mt.text')}</dd>
        <dt>{t('help.vmware.term')}</dt>
        <dd>{t('help.vmware.text')}</dd>
        <dt>{t('help.azure.term')}</dt>
        <dd>{t('help.azure.text')}</dd>
      </dl>
    </details>
  );
}
