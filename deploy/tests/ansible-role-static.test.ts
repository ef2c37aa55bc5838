import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../../electron/engine/test-support/fixtures';
import { PYTHON, ROLE_DIR } from './deploy-support';

// The role's promises that hold by construction, checked on its files: every task that hands the
// passphrase to a module hides its result (no_log) and runs pipelined (no module file with the arguments
// is written on the server). The machines prove the same by running it; this names the task that broke it.

const ROLE = path.join(ROLE_DIR, 'mobility_service');
const AUDIT = path.join(__dirname, 'no-log-audit.py');
const scratch = new Scratch();
afterAll(() => scratch.cleanup());
const unavailable = fs.existsSync(PYTHON) ? undefined : `${PYTHON} is not installed`;

function audit(role: string): string {
  return execFileSync(PYTHON, [AUDIT, role], { encoding: 'utf8' }).trim();
}

describe.skipIf(unavailable)('the role, read as files', () => {
  it('every task that passes the passphrase to a module has no_log: true', () => {
    expect(audit(ROLE)).toBe('');
  });

  it('the audit finds such a task when no_log is taken away', () => {
    const copy = scratch.path('role');
    fs.cpSync(ROLE, copy, { recursive: true });
    const tasks = path.join(copy, 'tasks', 'present.yml');
    fs.writeFileSync(tasks, fs.readFileSync(tasks, 'utf8').replace(/no_log: true/g, 'no_log: false'));
    expect(audit(copy)).toBe('tasks/present.yml: Register the agent (the passphrase on standard input)');
  });

  it('the tasks that read the passphrase run pipelined, so no module file holds it on the server', () => {
    for (const file of ['present.yml', 'absent.yml']) {
      const text = fs.readFileSync(path.join(ROLE, 'tasks', file), 'utf8');
      const tasks = text
        .split(/\n(?= {4}- name: )/)
        .filter((task) => /stdin: .*mobility_service_passphrase/.test(task));
      expect(tasks.length, file).toBe(1);
      for (const task of tasks) expect(task).toMatch(/ansible_pipelining: true/);
    }
  });
});
