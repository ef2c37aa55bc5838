import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Fleet } from '../../e2e/test-machines/test-machines';
import { CONFIGURATOR, CONNECT_TIMEOUT_S, INSTALL_ARGS, parallelismFor, runTimeoutMs, s, tail } from './bench-options';
import { processCpuS } from './cpu-accounting';
import { killTree, sshMasters, type RunMeasured } from './measured-process';
import type { Setup, ToolOutcome } from './run-types';
import type { BenchCs } from './cs-process';

// -- 2. ansible-playbook

function ansiblePlaybook(setup: Setup, csEndpoint: string): string {
  const q = (text: string): string => JSON.stringify(text); // a JSON string is a YAML string
  return [
    '- name: install and register the agent',
    '  hosts: bench',
    '  gather_facts: false',
    '  tasks:',
    '    - name: private temp folder',
    '      ansible.builtin.tempfile:',
    '        state: directory',
    '      register: work',
    '    - name: copy and unpack the release',
    '      ansible.builtin.unarchive:',
    `        src: ${q(setup.release)}`,
    `        dest: "{{ work.path }}"`,
    '        remote_src: false # i.e. copy: yes, from the controller',
    '    - name: install',
    '      ansible.builtin.command:',
    `        cmd: ${q(`./install ${INSTALL_ARGS}`)}`,
    `        chdir: "{{ work.path }}/${setup.topFolder}"`,
    '    - name: register',
    '      ansible.builtin.command:',
    `        cmd: ${q(`${CONFIGURATOR} -i ${csEndpoint} -P - --json`)}`,
    '        stdin: "{{ passphrase }}"',
    '      no_log: true',
    '',
  ].join('\n');
}

export async function runAnsible(
  setup: Setup,
  fleet: Fleet,
  cs: BenchCs,
  runDir: string,
  pipelining: boolean,
  measure: RunMeasured,
): Promise<ToolOutcome> {
  const n = fleet.machines.length;
  const inventory = path.join(runDir, 'inventory.ini');
  fs.writeFileSync(
    inventory,
    [
      '[bench]',
      ...fleet.machines.map((machine) => machine.address),
      '',
      '[bench:vars]',
      'ansible_user=root',
      `ansible_ssh_private_key_file=${setup.key}`,
      "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'",
      'ansible_python_interpreter=/usr/bin/python3',
      '',
    ].join('\n'),
  );
  const playbook = path.join(runDir, 'playbook.yml');
  fs.writeFileSync(playbook, ansiblePlaybook(setup, `${cs.host}:${cs.port}`));
  // The passphrase goes in an extra-vars file (0600), not on the command line.
  const vars = path.join(runDir, 'vars.json');
  fs.writeFileSync(vars, JSON.stringify({ passphrase: setup.passphrase }), { mode: 0o600 });
  const localTemp = path.join(runDir, 'ansible-local');
  const controlDir = path.join(runDir, 'cp');
  fs.mkdirSync(localTemp);
  fs.mkdirSync(controlDir);
  const forks = String(parallelismFor(n));
  const run = await measure(['ansible-playbook', '-i', inventory, '-f', forks, '-e', `@${vars}`, playbook], {
    cwd: runDir,
    timeoutMs: runTimeoutMs,
    env: {
      ...process.env,
      ANSIBLE_HOST_KEY_CHECKING: 'False',
      ANSIBLE_FORKS: forks,
      // Pipelining: modules run through the SSH session's stdin, with no temp-file upload per task. It makes
      // Ansible faster; the release is still uploaded by unarchive's action plugin (sftp) before it unpacks.
      ANSIBLE_PIPELINING: pipelining ? '1' : '0',
      ANSIBLE_LOCAL_TEMP: localTemp,
      ANSIBLE_REMOTE_TMP: '/tmp/.ansible-bench',
      ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
      ANSIBLE_TIMEOUT: String(CONNECT_TIMEOUT_S),
      ANSIBLE_NOCOLOR: '1',
      ANSIBLE_RETRY_FILES_ENABLED: 'False',
      ANSIBLE_DEPRECATION_WARNINGS: 'False',
      // Per-task wall times at the end of the output (ansible.posix ships with Debian's ansible).
      ANSIBLE_CALLBACKS_ENABLED: 'ansible.posix.profile_tasks',
    },
  });
  // Ansible's SSH connections live on in ControlPersist masters, which it does not wait for, so their CPU
  // (the encryption of every byte sent) is not in its rusage: add it, and end them.
  const masters = sshMasters(controlDir);
  const mastersCpuS = masters.reduce((sum, pid) => sum + (processCpuS(pid) ?? 0), 0);
  for (const pid of masters) killTree(pid);
  const base = {
    ms: run.ms,
    controllerCpuS: run.cpuS === undefined ? undefined : run.cpuS + mastersCpuS,
    peakRssMb: run.maxRssMb,
  };
  const failed = (why: string): ToolOutcome => ({ ...base, ok: false, failure: why, details: [] });
  if (run.timedOut) return failed(`timed out after ${s(runTimeoutMs)} s`);
  const recap = run.stdout.slice(run.stdout.lastIndexOf('PLAY RECAP'));
  const problems: string[] = [];
  for (const machine of fleet.machines) {
    const line = recap.split('\n').find((l) => l.startsWith(`${machine.address} `));
    if (!line) problems.push(`${machine.address}: not in the recap`);
    else if (!/\bunreachable=0\b/.test(line) || !/\bfailed=0\b/.test(line)) problems.push(line.replace(/\s+/g, ' '));
  }
  if (run.code !== 0 || problems.length > 0)
    return failed(`exit ${run.code}; ${problems.slice(0, 3).join('; ')}\n${tail(run.stdout, 30)}\n${tail(run.stderr)}`);
  // profile_tasks: "task name ------ 12.34s", slowest first.
  const timings = run.stdout
    .slice(run.stdout.lastIndexOf('==============================================================================='))
    .split('\n')
    .filter((line) => /-{3,}\s+\d+\.\d+s$/.test(line))
    .map((line) => `  ${line.replace(/\s*-{3,}\s*/, '  ').trim()}`);
  return {
    ...base,
    ok: true,
    details: ['ansible-playbook tasks (wall time over all servers, profile_tasks):', ...timings],
  };
}
