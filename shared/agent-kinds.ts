// The agent's roles and platforms: one list each, from which the CLIs' choices, the IPC and protocol
// schemas, the install record and the package's component filters all take their values.

/** MS: the Mobility service on a protected machine; MT: the master target on the process server side. */
export const ROLES = ['MS', 'MT'] as const;
export type Role = (typeof ROLES)[number];

/** VmWare: VMware VMs and physical servers; Azure: Azure VMs. */
export const AGENT_PLATFORMS = ['VmWare', 'Azure'] as const;
export type AgentPlatform = (typeof AGENT_PLATFORMS)[number];
