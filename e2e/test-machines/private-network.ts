import { mustRun, runCommand } from './run-command';
import type { Fleet, TestMachine } from './test-machines';

// Servers only a bastion reaches, as admins' private networks are: a fleet's bridge loses this host's address
// (and gets an `unreachable` route, so a direct attempt fails at once instead of leaving by the default route),
// and the bastion, a machine of another fleet, gets a second interface on that bridge. The admin's machine
// (this host) then reaches the servers only through the bastion. Undone by the fleet's own ids, never by name
// patterns.

export interface PrivateNetwork {
  /** The bastion's address on the private bridge. */
  readonly bastionAddress: string;
  /** Gives the host its route back (the fleets' own teardown removes the bridge and the bastion's link). */
  undo(): Promise<void>;
}

export async function hideBehindBastion(servers: Fleet, bastion: TestMachine): Promise<PrivateNetwork> {
  const prefix = servers.gateway.replace(/\.\d+$/, '');
  const bastionAddress = `${prefix}.253`;
  const hostEnd = `tmj-${servers.id}`;
  await mustRun(['ip', 'link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', bastion.netns]);
  await mustRun(['ip', 'link', 'set', hostEnd, 'master', servers.bridge, 'up']);
  await mustRun(['ip', '-n', bastion.netns, 'addr', 'add', `${bastionAddress}/24`, 'dev', 'eth1']);
  await mustRun(['ip', '-n', bastion.netns, 'link', 'set', 'eth1', 'up']);
  await mustRun(['ip', 'addr', 'del', `${servers.gateway}/24`, 'dev', servers.bridge]);
  await mustRun(['ip', 'route', 'add', 'unreachable', servers.subnet]);
  return {
    bastionAddress,
    undo: async () => {
      await runCommand(['ip', 'route', 'del', 'unreachable', servers.subnet]);
      await runCommand(['ip', 'link', 'del', hostEnd]);
    },
  };
}
