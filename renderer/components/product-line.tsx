import { useAgentVersion } from '../state/agent-version';

// The header names both numbers an admin is asked for: setup's own version and the agent's it installs.
export function ProductLine({ setupVersion }: { readonly setupVersion: string | undefined }) {
  const agentVersion = useAgentVersion();
  return (
    <p className="product">
      Mobility Service Setup{setupVersion ? ` ${setupVersion}` : ''}
      {agentVersion ? ` · Mobility service agent ${agentVersion}` : ''}
    </p>
  );
}
