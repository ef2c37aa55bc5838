import { useTranslator } from '../i18n/use-translator';
import { useAgentVersion } from '../state/agent-version';

// The header names both numbers an admin is asked for: setup's own version and the agent's it installs.
export function ProductLine({ setupVersion }: { readonly setupVersion: string | undefined }) {
  const { t } = useTranslator();
  const agentVersion = useAgentVersion();
  return (
    <p className="product">
      {setupVersion === undefined
        ? t('product.name')
        : agentVersion === undefined
          ? t('product.setup', { setupVersion })
          : t('product.setupAndAgent', { setupVersion, agentVersion })}
    </p>
  );
}
