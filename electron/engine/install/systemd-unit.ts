import * as path from 'node:path';
import type { ServiceSpec } from '../package/package-setup';
import type { SystemLayout } from '../system/system-layout';

// The agent's systemd unit, as text. Everything in it comes from the package or the install location, so
// nothing may be read by systemd as more than a value: control characters are refused when the package is
// read, and here % (a specifier in every setting) and $ (a variable in ExecStart) are escaped.

/** A unit value as written: % starts a specifier in every unit setting, so it is doubled. */
function unitValue(text: string): string {
  return text.replace(/%/g, '%%');
}

/** One ExecStart word: % doubled, $ doubled (ExecStart expands variables), quoted when it needs it. */
function execWord(arg: string): string {
  const escaped = unitValue(arg).replace(/\$/g, '$$$$');
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(escaped)
    ? escaped
    : `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function systemdUnitPath(layout: SystemLayout, spec: Pick<ServiceSpec, 'name'>): string {
  return path.join(layout.unitDir, `${spec.name}.service`);
}

export function systemdUnitText(spec: ServiceSpec, installLocation: string): string {
  const exec = [path.posix.join(installLocation, spec.exec), ...spec.args].map(execWord).join(' ');
  return [
    '# Written by Mobility Service Setup; reinstalling the agent rewrites it.',
    '[Unit]',
    `Description=${unitValue(spec.description)}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    `WorkingDirectory=${unitValue(installLocation)}`,
    'Restart=on-failure',
    'RestartSec=10',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}
