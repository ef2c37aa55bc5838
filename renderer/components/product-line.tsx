import { useTranslator } from '../i18n/use-translator';
import { useHeaderAgentVersion } from '../state/agent-version';

// The header names both numbers an admin is asked for: setup's own version and the agent's it installs.
export function ProductLine({ setupVersion }: { readonly setupVersion: string | undefined }) {
  const { t } = useTranslator();
  const agent = useHeaderAgentVersion();
  return (
    <p className="product">
      {setupVersion === undefined
        ? t('product.name')
        : agent === undefined
          ? t('product.setup', { setupVersion })
          : t('product.setupAndAgent', { setupVersion, agentVersion: agent.version, which: agent.which })}
    </p>
  );
}
