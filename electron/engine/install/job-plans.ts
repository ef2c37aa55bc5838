import type { StepPlan } from '../../../shared/job-events';
import type { PackageSetup } from '../package/package-setup';
import type { InstallRecord } from './install-record';

// The steps each job announces before it runs any (the plan event). A step's own title, once it starts, may
// name more (the install location, the CS), so a plan names what is known up front. Recovering an
// interrupted run is not planned: it happens only when a journal is found.

/** Stands for the package's components until extraction has read setup/components.json. */
export const COMPONENTS_PLACEHOLDER = 'components';

export const INSTALL_PLAN: readonly StepPlan[] = [
  { id: 'locate', kind: 'locate', title: 'Locate the agent package', optional: false },
  { id: 'preflight', kind: 'preflight', title: 'Check prerequisites', optional: false },
  { id: 'extract', kind: 'extract', title: 'Verify and extract the package', optional: false },
  { id: 'install', kind: 'install', title: 'Install the agent files', optional: false },
  { id: COMPONENTS_PLACEHOLDER, kind: 'component', title: "Install the package's components", optional: false },
  { id: 'service', kind: 'service', title: 'Register the agent service', optional: false },
  { id: 'configure', kind: 'configure', title: 'Write the agent configuration and install record', optional: false },
];

/** The package's components as steps, in the order they run (components.ts uses the same ids). */
export function componentSteps(setup: PackageSetup): StepPlan[] {
  return setup.components.map((component) => ({
    id: `component:${component.id}`,
    kind: 'component',
    title: component.title,
    optional: component.optional,
  }));
}

/** What an uninstall of this record will do: unregister only when registered, the service only when there is one. */
export function uninstallPlan(
  record: InstallRecord | undefined,
  registration: { readonly hostId: string; readonly csEndpoint: string } | undefined,
): StepPlan[] {
  const check: StepPlan = { id: 'check', kind: 'preflight', title: 'Find the installed agent', optional: false };
  if (!record) return [check];
  return [
    check,
    ...(registration
      ? [
          {
            id: 'unregister',
            kind: 'register',
            title: `Remove host ${registration.hostId} from ${registration.csEndpoint}`,
            optional: false,
          } as const,
        ]
      : []),
    ...(record.serviceName
      ? [
          {
            id: 'service',
            kind: 'service',
            title: `Remove the ${record.serviceName} service`,
            optional: false,
          } as const,
        ]
      : []),
    { id: 'remove', kind: 'install', title: `Remove the agent from ${record.installLocation}`, optional: false },
  ];
}

export const REGISTRATION_PLAN: readonly StepPlan[] = [
  { id: 'check', kind: 'configure', title: 'Check the configuration server details', optional: false },
  { id: 'register', kind: 'register', title: 'Register with the configuration server', optional: false },
];

export const UNREGISTRATION_PLAN: readonly StepPlan[] = [
  {
    id: 'unregister',
    kind: 'register',
    title: 'Remove the registration from the configuration server',
    optional: false,
  },
];
