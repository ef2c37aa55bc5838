import * as fs from 'node:fs';
import * as path from 'node:path';
import { RELEASE_ENGINE, RELEASE_NODE } from '../package/package-manifest';
import { SETUP_DIR_NAME } from '../system/system-layout';

/** Where the seed's registration step looks for the configurator: <install location>/Vx/bin. */
export const CONFIGURATOR_LAUNCHER = path.join('Vx', 'bin', 'UnifiedAgentConfigurator.sh');

/**
 * Writes Vx/bin/UnifiedAgentConfigurator.sh for a self-contained release: it runs the release's own
 * runtime, kept in .asrsetup/runtime, so registering needs neither a checkout nor a system Node.
 */
export function writeConfiguratorLauncher(tree: string): void {
  const launcher = path.join(tree, CONFIGURATOR_LAUNCHER);
  if (fs.existsSync(launcher)) return;
  fs.mkdirSync(path.dirname(launcher), { recursive: true, mode: 0o755 });
  const script = [
    '#!/bin/sh',
    '# UnifiedAgentConfigurator.sh -i <CS IP[:port]> -P <passphrase file>: registers this agent with a configuration',
    '# server. Written by Mobility Service Setup; it runs the Node runtime installed with the agent.',
    'case "$0" in */*) here=${0%/*} ;; *) here=. ;; esac',
    'top=$(cd "$here/../.." && pwd) || exit 1',
    `exec "$top/${SETUP_DIR_NAME}/${RELEASE_NODE}" --max-semi-space-size=1 "$top/${SETUP_DIR_NAME}/${RELEASE_ENGINE}" configure "$@"`,
    '',
  ].join('\n');
  fs.writeFileSync(launcher, script, { mode: 0o755 });
}
