import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startReferenceConfigServer,
  type ReferenceConfigServer,
} from '../../e2e/config-server/reference-config-server';
import {
  startFleet,
  testMachinesUnavailable,
  type Fleet,
  type TestMachine,
} from '../../e2e/test-machines/test-machines';
import { DEBIAN12, Scratch } from '../../electron/engine/test-support/fixtures';
import { TOP } from '../../electron/engine/test-support/run-cli';
import { CONFIGMGR_OS_LABELS, CONFIGMGR_SCRIPT } from '../../scripts/generate-deploy-labels';
import { copyFolder, vxVersion, watchArgv, writeMachineFile } from './configmgr-support';
import { filesContaining, packReleases, sh, UBUNTU } from './deploy-support';

// The Configuration Manager script (deploy/configmgr/install_linux.sh) on real machines, run from a package
// folder holding the releases as a ConfigMgr client runs it: on a fresh Debian 12 machine it installs and
// registers; on an Ubuntu 22.04 machine installed by hand it registers only (after a wrong passphrase fails
// with CS_AUTH_FAILED); with a newer release in the folder it upgrades both in place, still registered
// (after a run that meets another installation and exits 3, "retry later"); a run with nothing to do changes
// nothing; bad arguments exit 2, an unsupported system (a Fedora machine) and a folder without this
// system's release exit 1, naming the problem and the fix. A canary passphrase appears in no output, in no
// file but its own, and in no process's argv.

const scratch = new Scratch();
const unavailable = testMachinesUnavailable();
const PASSPHRASE = 'canary-configmgr-passphrase-8c41e2';
const WRONG = 'not-the-configmgr-passphrase';
/** A passphrase given by mistake on the command line: the script must not repeat it. */
const MISTAKEN = 'canary-mistaken-argument-77d0a9';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\nVERSION_ID=39\nPRETTY_NAME="Fedora Linux 39 (Server Edition)"\n';
const LABELS = ['DEBIAN12-64', 'UBUNTU-22.04-64'];
const PACKAGE = '/root/package';
const SCRIPT = `${PACKAGE}/install_linux.sh`;
const PASSPHRASE_FILE = '/root/asr-passphrase';
const LOG = '/var/log/ASRSetupLogs/configmgr_install.log';

let fleet: Fleet | undefined;
let cs: ReferenceConfigServer | undefined;
let debian: TestMachine;
let ubuntu: TestMachine;
let fedora: TestMachine;
let packageDir: string;
let newerDir: string;
const outputs: string[] = [];
/** Per run of the script: how many argv samples held the passphrase. */
const argvHits: number[] = [];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Both streams, for assertion messages. */
  readonly output: string;
}

function endpoint(): string {
  if (!cs) throw new Error('no configuration server');
  return `${cs.host}:${cs.port}`;
}

/** Runs the package's script on the machine, as ConfigMgr does (root, no terminal), the argv watched. */
async function runScript(machine: TestMachine, args: readonly string[]): Promise<Run> {
  const watch = await watchArgv(machine, PASSPHRASE);
  const result = await machine.exec([SCRIPT, ...args], { timeoutMs: 300_000 });
  argvHits.push(await watch.stop());
  const run = {
    code: result.code,
    stdout: result.stdout,
    stderr: result.stderr,
    output: `exit ${String(result.code)}\n${result.stdout}${result.stderr}`,
  };
  outputs.push(run.output);
  return run;
}

const standardArgs = (): string[] => ['-i', endpoint(), '-P', PASSPHRASE_FILE];

async function tempFoldersLeft(machine: TestMachine): Promise<string> {
  return sh(machine, 'ls -A /tmp | grep asr-configmgr || true');
}

async function logLines(machine: TestMachine): Promise<string[]> {
  return (await sh(machine, `cat ${LOG} 2>/dev/null || true`)).split('\n').filter(Boolean);
}

async function installedAt(machine: TestMachine): Promise<string> {
  return sh(machine, 'sed -n \'s/.*"installedAt": *"\\([^"]*\\)".*/\\1/p\' /var/lib/ASRSetup/install-record.json');
}

/** What a run that changes nothing must leave alone. */
async function snapshot(machine: TestMachine): Promise<string> {
  return sh(
    machine,
    'cat /usr/local/.vx_version /var/lib/ASRSetup/install-record.json; systemctl show -p MainPID --value asr-mobility; ' +
      'ls -lR --time-style=full-iso /usr/local/ASR | md5sum',
  );
}

beforeAll(async () => {
  if (unavailable) return;
  packageDir = scratch.path('package');
  newerDir = scratch.path('newer');
  await packReleases(packageDir, '9.61.0.0', LABELS);
  await packReleases(newerDir, '9.62.0.0', LABELS);
  fs.copyFileSync(path.join(TOP, CONFIGMGR_SCRIPT), path.join(packageDir, 'install_linux.sh'));
  fs.chmodSync(path.join(packageDir, 'install_linux.sh'), 0o755);
  fs.copyFileSync(path.join(TOP, CONFIGMGR_OS_LABELS), path.join(packageDir, 'os_label.sh'));
  fleet = await startFleet([{ osRelease: DEBIAN12 }, { osRelease: UBUNTU }, { osRelease: FEDORA }]);
  [debian, ubuntu, fedora] = fleet.machines as [TestMachine, TestMachine, TestMachine];
  const passphraseFile = scratch.path('cs-passphrase');
  fs.writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  cs = await startReferenceConfigServer({ host: fleet.gateway, port: 0, passphraseFile });
  await Promise.all(
    [debian, ubuntu, fedora].map(async (machine) => {
      await copyFolder(machine, packageDir, PACKAGE);
      await writeMachineFile(machine, PASSPHRASE_FILE, `${PASSPHRASE}\n`);
    }),
  );
}, 300_000);

afterAll(async () => {
  await cs?.close();
  await fleet?.teardown();
  scratch.cleanup();
});

describe('install_linux.sh on this host', () => {
  it('passes shellcheck', (context) => {
    const probe = spawnSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      context.skip('shellcheck is not installed (apt-get install -y shellcheck)');
      return;
    }
    // -x follows the script into the os_label.sh it sources.
    const run = spawnSync(
      'shellcheck',
      ['-x', '--shell=sh', '--severity=style', path.join(TOP, CONFIGMGR_SCRIPT), path.join(TOP, CONFIGMGR_OS_LABELS)],
      { encoding: 'utf8', cwd: path.join(TOP, 'deploy', 'configmgr') },
    );
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('parses under dash and bash', () => {
    for (const shell of ['dash', 'bash'])
      for (const file of [CONFIGMGR_SCRIPT, CONFIGMGR_OS_LABELS]) {
        const run = spawnSync(shell, ['-n', path.join(TOP, file)], { encoding: 'utf8' });
        expect(run.stderr, `${shell} ${file}`).toBe('');
        expect(run.status, `${shell} ${file}`).toBe(0);
      }
  });

  it('copied without the os_label.sh it sources, it says so and exits 1 before doing anything', () => {
    const alone = scratch.path('alone');
    fs.mkdirSync(alone);
    fs.copyFileSync(path.join(TOP, CONFIGMGR_SCRIPT), path.join(alone, 'install_linux.sh'));
    const run = spawnSync('sh', [path.join(alone, 'install_linux.sh'), '--print-os-label'], { encoding: 'utf8' });
    expect(run.stderr).toContain(`Error PACKAGE_NOT_FOUND: ${alone}/os_label.sh is missing`);
    expect(run.stderr).toContain('Copy the whole deploy/configmgr folder into the package');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
  });

  it('documents its exit codes in its header', () => {
    const header = fs.readFileSync(path.join(TOP, CONFIGMGR_SCRIPT), 'utf8').split('\nset -eu')[0] ?? '';
    for (const code of [
      /^# {3}0 {2}success/m,
      /^# {3}1 {2}failure/m,
      /^# {3}2 {2}invalid arguments/m,
      /^# {3}3 {2}another/m,
    ])
      expect(header).toMatch(code);
  });
});

describe.skipIf(unavailable)('install_linux.sh on real machines (a Configuration Manager package)', () => {
  it('the argv watch sees a secret that is on a command line', async () => {
    const watch = await watchArgv(fedora, 'positive-control-argv-1f3a');
    await fedora.exec(['sh', '-c', 'sleep 0.5; true', 'positive-control-argv-1f3a']);
    expect(await watch.stop()).toBeGreaterThan(0);
  });

  it('refuses bad arguments with exit 2, naming the problem and the fix, and changes nothing', async () => {
    const cases: Array<{ args: string[]; says: RegExp }> = [
      { args: ['-P', PASSPHRASE_FILE], says: /configuration server is missing \(-i\)[\s\S]*Remedy: Give -i/ },
      { args: ['-i', endpoint()], says: /passphrase file is missing \(-P\)[\s\S]*Remedy: Give -P/ },
      { args: ['-i', endpoint(), '-P', '/root/no-such-file'], says: /passphrase file given with -P does not exist/ },
      { args: ['-i', endpoint(), '-P', '/root'], says: /passphrase file given with -P is not a readable file/ },
      { args: ['-i', 'cs.example.com', '-P', PASSPHRASE_FILE], says: /"cs\.example\.com" \(-i\) is not an IP address/ },
      { args: [...standardArgs(), '-r', 'Agent'], says: /-r must be MS or MT/ },
      { args: [...standardArgs(), '-s', '/root/no-such-folder'], says: /source folder given with -s does not exist/ },
      // The passphrase given by mistake where a file belongs, or as a stray word: never echoed.
      { args: ['-i', endpoint(), '-P', MISTAKEN], says: /passphrase file given with -P does not exist/ },
      {
        args: [...standardArgs(), MISTAKEN],
        says: /unknown option or a stray value[\s\S]*never on the command line/,
      },
    ];
    for (const { args, says } of cases) {
      const run = await runScript(fedora, args);
      expect(run.code, run.output).toBe(2);
      expect(run.stderr, run.output).toMatch(/^Error INVALID_ARGUMENT: /);
      expect(run.stderr, run.output).toMatch(says);
      expect(run.output).not.toContain(MISTAKEN);
    }
    expect(await sh(fedora, 'ls -A /usr/local')).toBe('');
    expect(await tempFoldersLeft(fedora)).toBe('');
    expect(await filesContaining(fedora, MISTAKEN)).toEqual([]);
  }, 120_000);

  it('refuses an unsupported system with exit 1, naming it', async () => {
    const run = await runScript(fedora, standardArgs());
    expect(run.code, run.output).toBe(1);
    expect(run.stderr).toContain(
      'Error UNSUPPORTED_OS: Fedora Linux 39 (Server Edition) (fedora 39, from /etc/os-release) is not in the support matrix',
    );
    expect(run.stderr).toMatch(/Remedy: .*support matrix/);
    expect(await sh(fedora, 'ls -A /usr/local')).toBe('');
    expect((await logLines(fedora)).at(-1)).toMatch(/ action=install label=- version=- cs=\S+ exit=1$/);
  }, 120_000);

  it('fails with exit 1 when the folder has no release for this OS label, naming the label', async () => {
    await sh(debian, `mkdir -p /root/ubuntu-only && cp ${PACKAGE}/*UBUNTU-22.04-64* /root/ubuntu-only/`);
    const run = await runScript(debian, [...standardArgs(), '-s', '/root/ubuntu-only']);
    expect(run.code, run.output).toBe(1);
    expect(run.stderr).toMatch(
      /^Error PACKAGE_NOT_FOUND: no release for Debian GNU\/Linux 12 \(bookworm\) \(DEBIAN12-64\)/,
    );
    expect(run.stderr).toMatch(/Remedy: Add the self-contained release for DEBIAN12-64/);
    expect(await sh(debian, 'ls -A /usr/local')).toBe('');
    await sh(debian, 'rm -rf /root/ubuntu-only');
  }, 120_000);

  it('on a fresh machine installs the release for its OS label, then registers', async () => {
    const run = await runScript(debian, standardArgs());
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toMatch(/Installing the Mobility service 9\.61\.0\.0 \(DEBIAN12-64\)/);
    expect(run.stdout).toMatch(/Registered with the configuration server/);
    const vx = await vxVersion(debian);
    expect(vx).toMatchObject({
      VERSION: '9.61.0.0',
      INSTALLATION_DIR: '/usr/local/ASR',
      ROLE: 'MS',
      PLATFORM: 'VmWare',
      AGENT_CONFIGURATION_STATUS: 'Succeeded',
      CS_ENDPOINT: endpoint(),
    });
    expect(await sh(debian, 'cat /var/lib/ASRSetup/install-record.json')).toContain('"DEBIAN12-64"');
    expect(await sh(debian, 'systemctl is-active asr-mobility')).toBe('active');
    expect(cs?.registeredHosts().map((host) => host.hostId)).toEqual([vx.HOST_ID]);
    expect(await tempFoldersLeft(debian)).toBe('');
    expect((await logLines(debian)).at(-1)).toMatch(
      /^\S+Z install_linux\.sh action=install label=DEBIAN12-64 version=9\.61\.0\.0 cs=\S+ exit=0$/,
    );
  }, 300_000);

  it('installed but not registered: a wrong passphrase fails with CS_AUTH_FAILED, the right one registers without reinstalling', async () => {
    // Installed by hand with the release's own ./install, as an admin might have.
    const release = (await sh(ubuntu, `cd ${PACKAGE} && ls *9.61.0.0_UBUNTU-22.04-64_*`)).trim();
    const top = release.replace(/\.tar\.gz$/, '');
    const install = await ubuntu.exec(
      [
        'sh',
        '-c',
        `mkdir -p /root/manual && tar -xzf ${PACKAGE}/${release} -C /root/manual && /root/manual/${top}/install -d /usr/local/ASR -r MS -v VmWare -q --json`,
      ],
      { timeoutMs: 180_000 },
    );
    expect(install.code, install.stderr).toBe(0);
    await sh(ubuntu, 'rm -rf /root/manual');
    expect((await vxVersion(ubuntu)).AGENT_CONFIGURATION_STATUS).toBe('NotConfigured');
    const installed = await installedAt(ubuntu);
    expect(installed).toMatch(/^\d{4}-/);

    await writeMachineFile(ubuntu, '/root/wrong-passphrase', `${WRONG}\n`);
    const wrong = await runScript(ubuntu, ['-i', endpoint(), '-P', '/root/wrong-passphrase']);
    await sh(ubuntu, 'rm -f /root/wrong-passphrase');
    expect(wrong.code, wrong.output).toBe(1);
    expect(wrong.stdout).toMatch(/installed but not registered; registering it/);
    expect(wrong.stderr).toMatch(/^Error CS_AUTH_FAILED: Registration failed: .+\nRemedy: .+/);
    expect((await vxVersion(ubuntu)).AGENT_CONFIGURATION_STATUS).toBe('NotConfigured');
    expect(cs?.registeredHosts()).toHaveLength(1);

    const run = await runScript(ubuntu, standardArgs());
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).not.toMatch(/Installing/);
    const vx = await vxVersion(ubuntu);
    expect(vx).toMatchObject({ VERSION: '9.61.0.0', AGENT_CONFIGURATION_STATUS: 'Succeeded', CS_ENDPOINT: endpoint() });
    expect(await installedAt(ubuntu)).toBe(installed);
    expect(cs?.registeredHosts().map((host) => host.hostId)).toContain(vx.HOST_ID);
    expect(cs?.registeredHosts()).toHaveLength(2);
    expect(await tempFoldersLeft(ubuntu)).toBe('');
    expect((await logLines(ubuntu)).slice(-2)).toEqual([
      expect.stringMatching(/ action=configure label=- version=9\.61\.0\.0 cs=\S+ exit=1$/),
      expect.stringMatching(/ action=configure label=- version=9\.61\.0\.0 cs=\S+ exit=0$/),
    ]);
  }, 300_000);

  it('registered and nothing newer in the folder: exits 0 and changes nothing', async () => {
    for (const machine of [debian, ubuntu]) {
      const before = await snapshot(machine);
      const run = await runScript(machine, standardArgs());
      expect(run.code, run.output).toBe(0);
      expect(run.stdout).toMatch(
        /^Nothing to do: the Mobility service 9\.61\.0\.0 \(\S+\) is installed and registered/,
      );
      expect(await snapshot(machine)).toBe(before);
      expect((await logLines(machine)).at(-1)).toMatch(/ action=check label=\S+ version=9\.61\.0\.0 cs=\S+ exit=0$/);
    }
    expect(cs?.registeredHosts()).toHaveLength(2);
    // Installed through the script (Debian) or by hand (Ubuntu), with the same modes: the script hands the
    // installer the usual umask, whatever the deployment tool's.
    const modes =
      'stat -c "%a %n" /usr/local/ASR /usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh /usr/local/.vx_version /var/lib/ASRSetup/install-record.json /var/log/ASRSetupLogs';
    const [debianModes, ubuntuModes] = await Promise.all([sh(debian, modes), sh(ubuntu, modes)]);
    expect(debianModes).toMatch(/^755 \/usr\/local\/ASR$/m);
    expect(debianModes).toBe(ubuntuModes);
  }, 300_000);

  it('a newer release while another installation runs: exit 3 (retry later), nothing changed', async () => {
    await copyFolder(debian, newerDir, PACKAGE);
    await sh(debian, 'mkdir -p -m 700 /var/lib/ASRSetup/lock');
    const holder = await sh(
      debian,
      'setsid sh -c "exec flock /var/lib/ASRSetup/lock/install.lock sleep 300" >/dev/null 2>&1 </dev/null & echo $!',
    );
    try {
      const held = `for i in $(seq 1 100); do pgrep -s ${holder} sleep >/dev/null && echo held && exit 0; sleep 0.05; done`;
      expect(await sh(debian, held)).toBe('held');
      const run = await runScript(debian, standardArgs());
      expect(run.code, run.output).toBe(3);
      expect(run.stderr).toMatch(/^Error ANOTHER_INSTALL_RUNNING: .+\nRemedy: .+\n.*retry later/);
      expect((await vxVersion(debian)).VERSION).toBe('9.61.0.0');
      expect(await tempFoldersLeft(debian)).toBe('');
      expect((await logLines(debian)).at(-1)).toMatch(
        / action=upgrade label=DEBIAN12-64 version=9\.62\.0\.0 cs=\S+ exit=3$/,
      );
    } finally {
      await sh(debian, `kill -- -${holder} 2>/dev/null || true`);
    }
  }, 300_000);

  it('a newer release in the folder: upgrades in place, keeping the registration; then nothing to do', async () => {
    await copyFolder(ubuntu, newerDir, PACKAGE);
    const hostIds = Object.fromEntries(
      await Promise.all([debian, ubuntu].map(async (m) => [m.id, (await vxVersion(m)).HOST_ID] as const)),
    );
    const runs = await Promise.all([debian, ubuntu].map((machine) => runScript(machine, standardArgs())));
    for (const [index, machine] of [debian, ubuntu].entries()) {
      const run = runs[index] as Run;
      expect(run.code, run.output).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`Upgrading the Mobility service 9\\.61\\.0\\.0 to 9\\.62\\.0\\.0 \\(${LABELS[index] ?? ''}\\)`),
      );
      const vx = await vxVersion(machine);
      expect(vx).toMatchObject({
        VERSION: '9.62.0.0',
        AGENT_CONFIGURATION_STATUS: 'Succeeded',
        CS_ENDPOINT: endpoint(),
        HOST_ID: hostIds[machine.id],
      });
      expect(await sh(machine, 'systemctl is-active asr-mobility')).toBe('active');
      expect(await tempFoldersLeft(machine)).toBe('');
    }
    expect(cs?.registeredHosts()).toHaveLength(2);

    for (const machine of [debian, ubuntu]) {
      const before = await snapshot(machine);
      const again = await runScript(machine, standardArgs());
      expect(again.code, again.output).toBe(0);
      expect(again.stdout).toMatch(/^Nothing to do: the Mobility service 9\.62\.0\.0/);
      expect(await snapshot(machine)).toBe(before);
    }
  }, 600_000);

  it('the passphrase appears in no output, no log, no file but its own, and no argv', async () => {
    expect(outputs.length).toBeGreaterThan(15);
    for (const output of outputs) expect(output).not.toContain(PASSPHRASE);
    const machines = [debian, ubuntu, fedora];
    const found = await Promise.all(machines.map((machine) => filesContaining(machine, PASSPHRASE)));
    for (const files of found) expect(files).toEqual([PASSPHRASE_FILE]);
    for (const machine of machines) {
      const lines = await logLines(machine);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).not.toMatch(/asr-passphrase|canary/);
    }
    expect(argvHits).toHaveLength(outputs.length);
    expect(argvHits.every((count) => count === 0)).toBe(true);
  }, 300_000);
});
