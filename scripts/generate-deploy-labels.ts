import * as fs from 'node:fs';
import * as path from 'node:path';
import { SUPPORT_MATRIX, type SupportRow } from '../shared/support-matrix';

// The deployment tools pick a release by the server's OS label, as the engine does: the Ansible role on the
// target (its module) and the Configuration Manager script in the shell. Both read the Linux rows of
// shared/support-matrix.ts, written here into their own files at build (committed, so the role and the
// script work from a checkout; deploy-labels.test.ts fails when they are stale).

export const ANSIBLE_LABELS_FILE = 'deploy/ansible/roles/mobility_service/vars/main.yml';
export const CONFIGMGR_SCRIPT = 'deploy/configmgr/install_linux.sh';
/** The OS label rules install_linux.sh sources, with the generated support matrix block. */
export const CONFIGMGR_OS_LABELS = 'deploy/configmgr/os_label.sh';
const BEGIN = '# BEGIN OS LABELS: generated from shared/support-matrix.ts by npm run build; do not edit';
const END = '# END OS LABELS';

/** The matrix's patterns in a form POSIX ERE (grep -E) and Python's re read alike. */
export function portablePattern(row: SupportRow): string {
  const source = row.versions.source.replace(/\\d/g, '[0-9]');
  // Anything beyond anchors, groups, alternation, classes, escaped dots and ? would read differently.
  if (!/^\^[0-9A-Za-z.\\[\]()|?+*-]*\$$/.test(source) || /\(\?|\\[^.]/.test(source))
    throw new Error(`${row.label}: the version pattern ${row.versions.source} is not portable to ERE and Python`);
  return source;
}

const linuxRows = (): SupportRow[] => SUPPORT_MATRIX.filter((row) => row.family === 'linux');

export function ansibleLabels(): string {
  const rows = linuxRows().map((row) =>
    [`  - label: ${row.label}`, `    ids: [${row.ids.join(', ')}]`, `    versions: '${portablePattern(row)}'`].join(
      '\n',
    ),
  );
  return [
    '---',
    '# Generated from shared/support-matrix.ts by scripts/generate-deploy-labels.ts (npm run build); do not edit.',
    '# The OS labels of the agent releases, as the installer detects them (ids from os-release, VERSION_ID pattern).',
    'mobility_service_os_labels:',
    ...rows,
    '',
  ].join('\n');
}

export function configMgrLabelBlock(): string {
  const rows = linuxRows().map((row) => `${row.label} ${row.ids.join(',')} ${portablePattern(row)}`);
  return [BEGIN, "OS_LABELS='", ...rows, "'", END].join('\n');
}

/** The script with its label block replaced; the script must hold the markers. */
export function withLabelBlock(script: string): string {
  const start = script.indexOf(BEGIN);
  const end = script.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${CONFIGMGR_OS_LABELS} has no "${BEGIN}" ... "${END}" block`);
  return script.slice(0, start) + configMgrLabelBlock() + script.slice(end + END.length);
}

export function writeDeployLabels(top: string): void {
  fs.writeFileSync(path.join(top, ANSIBLE_LABELS_FILE), ansibleLabels());
  const script = path.join(top, CONFIGMGR_OS_LABELS);
  if (fs.existsSync(script)) fs.writeFileSync(script, withLabelBlock(fs.readFileSync(script, 'utf8')));
}

if (require.main === module) writeDeployLabels(process.cwd());
