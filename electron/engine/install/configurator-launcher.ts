import * as fs from 'node:fs';
import * as path from 'node:path';
import { RELEASE_ENGINE, RELEASE_NODE } from '../package/package-manifest';
import { SETUP_DIR_NAME } from '../system/system-layout';

/** Where the seed's registration step looks for the configurator: <install location>/Vx/bin. */
export const CONFIGURATOR_LAUNCHER = path.join('Vx', 'bin', 'UnifiedAgentConfigurator.sh');

/** A word for sh: single-quoted, with each ' written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

/**
 * Writes Vx/bin/UnifiedAgentConfigurator.sh for a self-contained release: it runs the release's own
 * runtime, kept in .asrsetup/runtime, so registering needs neither a checkout nor a system Node. The install
 * location is written into it as an absolute path: found from how the script was invoked ($0), a copy or a
 * relative call from another folder could make root run that folder's runtime. Under --root it names the
 * tree where it was laid down on this machine (`installedAt`).
 */
export function writeConfiguratorLauncher(tree: string, installedAt: string): void {
  const launcher = path.join(tree, CONFIGURATOR_LAUNCHER);
  if (fs.existsSync(launcher)) return;
  fs.mkdirSync(path.dirname(launcher), { recursive: true, mode: 0o755 });
  const top = path.resolve(installedAt);
  const script = [
    '#!/bin/sh',
    '# UnifiedAgentConfigurator.sh -i <CS IP[:port]> -P <passphrase file>: registers this agent with a configuration',
    '# server. Written by Mobility Service Setup; it runs the Node runtime installed with the agent.',
    `top=${shellQuote(top)}`,
    `exec "$top/${SETUP_DIR_NAME}/${RELEASE_NODE}" --max-semi-space-size=1 "$top/${SETUP_DIR_NAME}/${RELEASE_ENGINE}" configure "$@"`,
    '',
  ].join('\n');
  fs.writeFileSync(launcher, script, { mode: 0o755 });
}
