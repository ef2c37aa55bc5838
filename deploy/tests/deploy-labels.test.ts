import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SUPPORT_MATRIX } from '../../shared/support-matrix';
import {
  ANSIBLE_LABELS_FILE,
  ansibleLabels,
  CONFIGMGR_OS_LABELS,
  CONFIGMGR_SCRIPT,
  withLabelBlock,
} from '../../scripts/generate-deploy-labels';
import { TOP } from '../../electron/engine/test-support/run-cli';

// The OS label tables of the Ansible role and the Configuration Manager script are generated from
// shared/support-matrix.ts at build and committed; this fails when a matrix change was not regenerated
// (npm run build, or node dist/scripts/generate-deploy-labels.cjs).

const read = (file: string): string => fs.readFileSync(path.join(TOP, file), 'utf8');
const REGENERATE = 'stale: run npm run build (scripts/generate-deploy-labels.ts) and commit the result';

describe('the generated OS label tables', () => {
  it("the Ansible role's vars/main.yml is what the generator writes now", () => {
    expect(read(ANSIBLE_LABELS_FILE), REGENERATE).toBe(ansibleLabels());
  });

  it("the Configuration Manager script's label block (in os_label.sh) is what the generator writes now", () => {
    const script = read(CONFIGMGR_OS_LABELS);
    expect(script, REGENERATE).toBe(withLabelBlock(script));
  });

  it('both hold every Linux label of the support matrix, in its order', () => {
    const linux = SUPPORT_MATRIX.filter((row) => row.family === 'linux').map((row) => row.label);
    const fromVars = [...read(ANSIBLE_LABELS_FILE).matchAll(/^ {2}- label: (\S+)$/gm)].map((match) => match[1]);
    const block = /^OS_LABELS='\n([\s\S]*?)\n'$/m.exec(read(CONFIGMGR_OS_LABELS))?.[1] ?? '';
    const fromScript = block.split('\n').map((line) => line.split(' ')[0]);
    expect(fromVars).toEqual(linux);
    expect(fromScript).toEqual(linux);
  });

  it('the script is executable', () => {
    expect(fs.statSync(path.join(TOP, CONFIGMGR_SCRIPT)).mode & 0o111).toBe(0o111);
  });
});
