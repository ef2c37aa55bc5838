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
