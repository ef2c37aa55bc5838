import { useInstall, useWizard } from './stores';

// The agent version setup is about: the one the last install laid down, else the one Install would lay down
// (the package preflight found), else the one installed. Setup's own version is another number.

export function useAgentVersion(): string | undefined {
  const installedByJob = useInstall((s) => (s.jobKind === 'install' ? s.job?.result?.summary.agentVersion : undefined));
  const packaged = useInstall((s) =>
    s.preflight.status === 'done'
      ? s.preflight.summary.agentVersion
      : s.preflight.status === 'checking'
        ? s.preflight.previous?.agentVersion
        : undefined,
  );
  const installed = useWizard((s) => s.app?.installed?.agentVersion);
  return installedByJob ?? packaged ?? installed;
}

/**
 * The header's agent version, saying which it is: the installed agent's wherever one is installed (or was just
 * installed), else the package Install would lay down. It used to change meaning between pages.
 */
export function useHeaderAgentVersion():
  { readonly version: string; readonly which: 'installed' | 'package' } | undefined {
  const installedByJob = useInstall((s) =>
    s.jobKind === 'install' && s.job?.result?.status !== 'Failed' ? s.job?.result?.summary.agentVersion : undefined,
  );
  const installed = useWizard((s) => s.app?.installed?.agentVersion);
  const packaged = useAgentVersion();
  const version = installedByJob ?? installed;
  if (version !== undefined) return { version, which: 'installed' };
  return packaged === undefined ? undefined : { version: packaged, which: 'package' };
}
