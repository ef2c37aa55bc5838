import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  agentPayload,
  makePackage,
  makeRoot,
  Scratch,
  SCRIPT_FAIL,
  snapshotTree,
} from '../engine/test-support/fixtures';
import { CLI, runCli, stepStatuses } from '../engine/test-support/run-cli';

// The seed's silent commands, run as an admin runs them, against temp roots.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const SETUP_FILES = ['.asrsetup'];

async function setup(version = '9.60.0.0', extra = {}) {
  const root = makeRoot(scratch);
  const repo = scratch.path('repo');
  const pkg = await makePackage(scratch, repo, version, agentPayload(version, extra));
  return { root, repo, ...pkg };
}

function installed(root: string, location = '/usr/local/ASR') {
  return path.join(root, location);
}

function record(root: string): Record<string, unknown> | undefined {
  const file = path.join(root, 'var/lib/ASRSetup/install-record.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>) : undefined;
}

/** Everything under the root except the logs, the release files and the state folder. */
function systemChanges(root: string): string[] {
  return Object.keys(snapshotTree(root)).filter((p) => p !== 'etc/' && p !== 'etc/os-release' && !p.startsWith('var/'));
}

describe('silent install, both syntaxes', () => {
  it('installs with UnifiedAgent /Role MS /InstallLocation ... /Platform VmWare /Silent', async () => {
    const { root, repo, payloadDir } = await setup();
    const run = await runCli(CLI.unifiedAgent, [
      '/Role',
      'MS',
      '/InstallLocation',
      '/usr/local/ASR',
      '/Platform',
      'VmWare',
      '/Silent',
      '/Repository',
      repo,
      '/Root',
      root,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Silent prints one line: the outcome.
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toMatch(/^Succeeded: installLocation=\/usr\/local\/ASR agentVersion=9\.60\.0\.0/);
    expect(snapshotTree(installed(root), SETUP_FILES)).toEqual(snapshotTree(payloadDir));
    expect(record(root)).toMatchObject({
      agentVersion: '9.60.0.0',
      role: 'MS',
      platform: 'VmWare',
      installLocation: '/usr/local/ASR',
      osLabel: 'DEBIAN12-64',
    });
    const unit = fs.readFileSync(path.join(root, 'etc/systemd/system/asr-mobility.service'), 'utf8');
    expect(unit).toContain('ExecStart=/usr/local/ASR/bin/svagentsd');
    const config = JSON.parse(fs.readFileSync(path.join(installed(root), '.asrsetup/agent-config.json'), 'utf8'));
    expect(config).toMatchObject({ role: 'MS', platform: 'VmWare', agentVersion: '9.60.0.0' });
    // No staging, backup or journal left behind.
    expect(fs.readdirSync(path.join(root, 'usr/local'))).toEqual(['.vx_version', 'ASR']);
    expect(fs.existsSync(path.join(root, 'var/lib/ASRSetup/install-journal.json'))).toBe(false);
  });

  it('installs with install -r MS -d ... -v VmWare -q, values in any case', async () => {
    const { root, repo, payloadDir } = await setup();
    const run = await runCli(CLI.unifiedAgent, [
      '-d',
      '/opt/asr',
      '-r',
      'ms',
      '-v',
      'VMware',
      '-q',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(0);
    expect(snapshotTree(installed(root, '/opt/asr'), SETUP_FILES)).toEqual(snapshotTree(payloadDir));
    expect(record(root)).toMatchObject({ role: 'MS', platform: 'VmWare', installLocation: '/opt/asr' });
  });

  it('accepts switch names in any case and /Switch:value', async () => {
    const { root, repo } = await setup();
    const run = await runCli(CLI.unifiedAgent, [
      '/role:MT',
      '/PLATFORM',
      'azure',
      '/silent',
      '/repository',
      repo,
      '/ROOT',
      root,
    ]);
    expect(run.code).toBe(0);
    expect(record(root)).toMatchObject({ role: 'MT', platform: 'Azure', installLocation: '/usr/local/ASR' });
  });

  it('prints JSON events ending in the result line with --json', async () => {
    const { root, repo } = await setup();
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(JSON.parse(lines[lines.length - 1] as string)).toMatchObject({
      type: 'result',
      status: 'Succeeded',
      exitCode: 0,
      msiCode: 0,
      error: null,
    });
    expect(run.events[0]?.type).toBe('job-started');
    expect(stepStatuses(run)).toEqual({
      locate: 'Succeeded',
      preflight: 'Succeeded',
      extract: 'Succeeded',
      install: 'Succeeded',
      'component:vss-provider': 'Succeeded',
      service: 'Succeeded',
      configure: 'Succeeded',
    });
    const progress = run.events.filter((e) => e.type === 'step-progress');
    expect(progress.length).toBeGreaterThan(0);
    const last = progress[progress.length - 1];
    expect(last?.type === 'step-progress' && last.filesDone === last.filesTotal).toBe(true);
  });

  // Issue 13: steps appeared only as they started, so the wizard could not show what was still to come.
  it('announces every step as a plan before the first one starts, and the components once the package is read', async () => {
    const { root, repo } = await setup();
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(0);
    expect(run.events.slice(0, 2).map((event) => event.type)).toEqual(['job-started', 'plan']);
    const plans = run.events.flatMap((event) => (event.type === 'plan' ? [event.steps.map((step) => step.id)] : []));
    expect(plans).toEqual([
      ['locate', 'preflight', 'extract', 'install', 'components', 'service', 'configure'],
      ['locate', 'preflight', 'extract', 'install', 'component:vss-provider', 'service', 'configure'],
    ]);
    // The components are planned before the first of them starts.
    const secondPlan = run.events.findIndex((event, index) => index > 1 && event.type === 'plan');
    const firstComponent = run.events.findIndex(
      (event) => event.type === 'step-started' && event.step.kind === 'component',
    );
    expect(secondPlan).toBeGreaterThan(0);
    expect(secondPlan).toBeLessThan(firstComponent);
    // Every step that ran was planned.
    const started = run.events.flatMap((event) => (event.type === 'step-started' ? [event.step.id] : []));
    expect(started).toEqual(plans[1]);
  });

  it('shows step lines when not silent and not on a terminal', async () => {
    const { root, repo } = await setup();
    const run = await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '--repository', repo, '--root', root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('[extract] ✔ Verify and extract the package: Succeeded');
    expect(run.stdout).toContain('Setup log:');
    expect(run.stdout).toContain('Plan: 1. Locate the agent package; 2. Check prerequisites;');
  });

  it('writes ASRUnifiedAgentInstaller.log with a header per run, timestamps and levels', async () => {
    const { root, repo } = await setup();
    await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--repository', repo, '--root', root]);
    await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--repository', repo, '--root', root]);
    const log = fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'), 'utf8');
    expect(log.match(/run started/g)).toHaveLength(2);
    expect(log).toMatch(/Command line: UnifiedAgent -r MS -v VmWare -q --repository /);
    expect(log).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z INFO {2}\[extract\]/m);
    expect(log).toContain('Result: Succeeded');
    const logDir = scratch.path('logs');
    await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '-q',
      '--repository',
      repo,
      '--root',
      root,
      '--log-dir',
      '/custom/logs',
    ]);
    expect(fs.existsSync(path.join(root, 'custom/logs/ASRUnifiedAgentInstaller.log'))).toBe(true);
    void logDir;
  });

  it('answers --help and --version without touching anything', async () => {
    for (const flag of ['--help', '/?', '-h']) {
      const run = await runCli(CLI.unifiedAgent, [flag]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('UnifiedAgent /Role MS|MT /InstallLocation DIR /Platform VmWare|Azure /Silent');
      expect(run.stdout).toContain('install -r MS|MT -d DIR -v VmWare|Azure -q');
    }
    const version = await runCli(CLI.unifiedAgent, ['--version']);
    expect(version.stdout).toMatch(/^Mobility Service Setup \d+\.\d+\.\d+/);
  });
});

describe('invalid command lines name the bad value and the expected form', () => {
  it.each([
    [['/Role', 'XX', '/Platform', 'VmWare'], /"XX" is not a valid value for \/Role; expected MS or MT/],
    [['-r', 'MS', '-v', 'hyperv'], /"hyperv" is not a valid value for -v; expected VmWare or Azure/],
    [['/Platform', 'VmWare'], /option \/Role, -r, --role is required \(MS or MT\)/],
    [['-r', 'MS'], /option \/Platform, -v, --platform is required/],
    [['-r', 'MS', '-v', 'VmWare', '--frobnicate'], /unknown option "--frobnicate"/],
    [['-r', 'MS', '-v', 'VmWare', '-d'], /option -d needs a value \(DIR\)/],
    [['-r', 'MS', '-r', 'MT', '-v', 'VmWare'], /given more than once/],
    [['-r', 'MS', '-v', 'VmWare', 'stray'], /unexpected argument "stray"/],
    [['-r', 'MS', '-v', 'VmWare', '--root', 'relative'], /--root "relative" is not an absolute path/],
  ])('%j', async (args, message) => {
    const run = await runCli(CLI.unifiedAgent, args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Error INVALID_ARGUMENT/);
    expect(run.stderr).toMatch(/Remedy: /);
  });

  it('reports invalid arguments as a result line in --json mode', async () => {
    const run = await runCli(CLI.unifiedAgent, ['--json', '-r', 'XX', '-v', 'VmWare']);
    expect(run.code).toBe(2);
    expect(run.result).toMatchObject({
      status: 'Failed',
      exitCode: 2,
      msiCode: 1639,
      error: { code: 'INVALID_ARGUMENT' },
    });
  });
});

describe('preflight reports every failure before anything changes', () => {
  it('reports an unsupported OS, a system-folder location and a missing package together', async () => {
    const root = makeRoot(scratch, { 'etc/os-release': 'ID=ubuntu\nVERSION_ID="13.04"\nPRETTY_NAME="Ubuntu 13.04"\n' });
    const repo = scratch.path('empty-repo');
    fs.mkdirSync(repo);
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '-d',
      '/etc/asr',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(1);
    expect(run.result?.error?.code).toBe('UNSUPPORTED_OS');
    expect(run.result?.error?.details?.join('\n')).toMatch(
      /UNSUPPORTED_OS.*Ubuntu 13\.04[\s\S]*INSTALL_LOCATION_INVALID.*inside the system folder \/etc/,
    );
    expect(systemChanges(root)).toEqual([]);
  });

  it('PACKAGE_NOT_FOUND names the label and what the repository holds', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0'), 'RHEL7-64');
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(1);
    expect(run.result?.error).toMatchObject({ code: 'PACKAGE_NOT_FOUND' });
    expect(run.result?.error?.message).toMatch(/DEBIAN12-64.*holds packages for RHEL7-64 only/);
    expect(systemChanges(root)).toEqual([]);
  });

  it('PACKAGE_INVALID for a damaged package, found before anything changes', async () => {
    const { root, repo, file } = await setup();
    fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 100));
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.result?.error?.code).toBe('PACKAGE_INVALID');
    expect(systemChanges(root)).toEqual([]);
  });

  it.each([
    ['a relative path', 'relative/dir', /not an absolute path/],
    ['the root folder', '/', /system folder/],
    ['inside /usr/bin', '/usr/bin/asr', /inside the system folder \/usr\/bin/],
    // Security review finding 5: a 240-byte name made the staging name too long, and jammed every later run.
    ['a 240-byte folder name', `/opt/${'a'.repeat(240)}`, /is 240 bytes; each may be at most 200/],
  ])('INSTALL_LOCATION_INVALID for %s', async (_name, location, message) => {
    const { root, repo } = await setup();
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '-d',
      location,
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(2);
    expect(run.result).toMatchObject({ exitCode: 2, msiCode: 1639, error: { code: 'INSTALL_LOCATION_INVALID' } });
    expect(run.result?.error?.message).toMatch(message);
    expect(systemChanges(root)).toEqual([]);
  });

  it('INSTALL_LOCATION_INVALID for a file, a symlink and a non-empty foreign folder', async () => {
    const { root, repo } = await setup();
    fs.mkdirSync(path.join(root, 'opt/data'), { recursive: true });
    fs.writeFileSync(path.join(root, 'opt/data/keep.txt'), 'precious');
    fs.writeFileSync(path.join(root, 'opt/file'), 'x');
    fs.symlinkSync('/opt/data', path.join(root, 'opt/link'));
    for (const [location, message] of [
      ['/opt/data', /not empty and holds no Mobility service installation/],
      ['/opt/file', /is a file/],
      ['/opt/file/below', /is a file, so/],
      ['/opt/link', /symbolic link/],
    ] as const) {
      const run = await runCli(CLI.unifiedAgent, [
        '-r',
        'MS',
        '-v',
        'VmWare',
        '-d',
        location,
        '--json',
        '--repository',
        repo,
        '--root',
        root,
      ]);
      expect(run.result?.error?.code, location).toBe('INSTALL_LOCATION_INVALID');
      expect(run.result?.error?.message).toMatch(message);
    }
    expect(fs.readFileSync(path.join(root, 'opt/data/keep.txt'), 'utf8')).toBe('precious');
    expect(fs.readdirSync(path.join(root, 'opt')).sort()).toEqual(['data', 'file', 'link']);
  });

  // Security review finding 2: locations others could change were accepted, and links followed.
  it('INSTALL_LOCATION_INVALID for a folder of another user, a link on the way, an open folder and a planted .asrsetup/', async () => {
    const { root, repo } = await setup();
    fs.mkdirSync(path.join(root, 'home/alice'), { recursive: true });
    fs.chownSync(path.join(root, 'home/alice'), 65534, 65534);
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.mkdirSync(path.join(root, 'opt'), { recursive: true });
    fs.symlinkSync('../etc', path.join(root, 'opt/lnk'));
    fs.mkdirSync(path.join(root, 'srv/shared'), { recursive: true });
    fs.chmodSync(path.join(root, 'srv/shared'), 0o775);
    fs.mkdirSync(path.join(root, 'opt/fake/.asrsetup'), { recursive: true });
    for (const [location, message] of [
      ['/home/alice/ASR', /home\/alice belongs to uid 65534/],
      ['/opt/lnk/ASR', /opt\/lnk is a symbolic link/],
      ['/srv/shared/ASR', /srv\/shared can be written by group or others \(mode 775\)/],
      ['/opt/fake', /looks like an agent installation .* the install record .* does not name it/],
    ] as const) {
      const run = await runCli(CLI.unifiedAgent, [
        '-r',
        'MS',
        '-v',
        'VmWare',
        '-d',
        location,
        '--json',
        '--repository',
        repo,
        '--root',
        root,
      ]);
      expect(run.result?.error?.code, location).toBe('INSTALL_LOCATION_INVALID');
      expect(run.result?.error?.message, location).toMatch(message);
    }
    expect(fs.readdirSync(path.join(root, 'etc'))).not.toContain('ASR');
    expect(fs.readdirSync(path.join(root, 'home/alice'))).toEqual([]);
  });

  // Security review finding 12: root used the folders the unprivileged app handed it as they were.
  it('INVALID_ARGUMENT for a --log-dir, --repository or --root another user could change', async () => {
    const { root, repo } = await setup();
    const users = scratch.path('users-folder');
    fs.mkdirSync(users);
    fs.chownSync(users, 65534, 65534);
    // Under --root, --log-dir is taken inside it.
    fs.mkdirSync(path.join(root, 'home/u'), { recursive: true });
    fs.chownSync(path.join(root, 'home/u'), 65534, 65534);
    const open = scratch.path('open-repository');
    fs.cpSync(repo, open, { recursive: true });
    fs.chmodSync(open, 0o777);
    for (const [extra, message] of [
      [['--log-dir', '/logs', '--root', root, '--repository', repo], null],
      [['--log-dir', '/home/u/logs', '--repository', repo, '--root', root], /--log-dir .* belongs to uid 65534/],
      [['--repository', open, '--root', root], /--repository .* can be written by group or others \(mode 777\)/],
      [['--repository', repo, '--root', users], /--root .* belongs to uid 65534/],
    ] as const) {
      const run = await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '--json', '--preflight', ...extra]);
      if (message === null) {
        expect(run.result?.error ?? null).toBeNull();
        continue;
      }
      expect(run.code, extra.join(' ')).toBe(2);
      expect(run.result?.error?.code).toBe('INVALID_ARGUMENT');
      expect(run.result?.error?.message).toMatch(message);
    }
    expect(fs.readdirSync(users)).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'home/u'))).toEqual([]);
  });

  it('NOT_ELEVATED when run by an ordinary user, and nothing is written', async () => {
    const { root, repo } = await setup();
    fs.chmodSync(scratch.dir, 0o755);
    for (const dir of [root, repo, path.dirname(root)]) fs.chmodSync(dir, 0o755);
    const run = await runCli(
      CLI.unifiedAgent,
      ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root],
      { uid: 65534, gid: 65534 },
    );
    expect(run.result?.error?.code).toBe('NOT_ELEVATED');
    expect(run.result?.error?.message).toMatch(/uid 65534, not root/);
    expect(run.code).toBe(1);
    expect(systemChanges(root)).toEqual([]);
  });
});

describe('components', () => {
  it('an optional component that fails (the VSS provider) makes the job Warning with exit code 0', async () => {
    const { root, repo } = await setup('9.60.0.0', { 'setup/install-vss.sh': { content: SCRIPT_FAIL, mode: 0o755 } });
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'Warning', exitCode: 0, msiCode: 0, error: null });
    expect(stepStatuses(run)['component:vss-provider']).toBe('Failed');
    expect(record(root)).toMatchObject({ status: 'Warning' });
    const log = fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'), 'utf8');
    expect(log).toContain('vss-provider stderr: component failing on purpose');
    expect(log).toContain('exited with code 7');
  });

  it('a required component that fails rolls the whole install back', async () => {
    const { root, repo } = await setup('9.60.0.0', {
      'setup/required.sh': { content: SCRIPT_FAIL, mode: 0o755 },
      'setup/components.json': JSON.stringify([
        { id: 'filter-driver', title: 'Replication filter driver', optional: false, run: 'setup/required.sh' },
      ]),
    });
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(1);
    expect(run.result?.error?.code).toBe('COMPONENT_FAILED');
    expect(run.result?.error?.message).toMatch(/Replication filter driver .* exited with code 7/);
    expect(systemChanges(root)).toEqual([]);
    expect(record(root)).toBeUndefined();
  });

  it('skips components limited to another role, platform or OS', async () => {
    const { root, repo } = await setup('9.60.0.0', {
      'setup/components.json': JSON.stringify([
        { id: 'mt-only', title: 'Master target tools', run: 'setup/install-vss.sh', roles: ['MT'] },
        { id: 'azure-only', title: 'Azure VM agent', run: 'setup/install-vss.sh', platforms: ['azure'] },
        { id: 'rhel-only', title: 'RHEL extras', run: 'setup/install-vss.sh', os: ['RHEL7-64'] },
        { id: 'linux', title: 'Linux extras', run: 'setup/install-vss.sh', os: ['linux'] },
      ]),
    });
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.code).toBe(0);
    expect(stepStatuses(run)).toMatchObject({
      'component:mt-only': 'Skipped',
      'component:azure-only': 'Skipped',
      'component:rhel-only': 'Skipped',
      'component:linux': 'Succeeded',
    });
  });

  it('a package with an invalid components.json fails before anything changes', async () => {
    const { root, repo } = await setup('9.60.0.0', { 'setup/components.json': '[{"id":"X Y","run":"../escape.sh"}]' });
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.result?.error?.code).toBe('PACKAGE_INVALID');
    expect(run.result?.error?.message).toMatch(/components\.json is invalid/);
    expect(systemChanges(root)).toEqual([]);
  });
});

describe('upgrade, repair and downgrade', () => {
  it('upgrades in place, keeping the registration; repairs; refuses a downgrade', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    const v1 = await makePackage(
      scratch,
      repo,
      '9.60.0.0',
      agentPayload('9.60.0.0', { 'old-only.txt': 'removed in 9.61' }),
    );
    const args = ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root];
    expect((await runCli(CLI.unifiedAgent, args)).code).toBe(0);
    expect(snapshotTree(installed(root), SETUP_FILES)).toEqual(snapshotTree(v1.payloadDir));
    fs.writeFileSync(path.join(installed(root), '.asrsetup/registration.json'), '{"hostId":"kept"}', { mode: 0o600 });

    const v2 = await makePackage(scratch, repo, '9.61.0.0', agentPayload('9.61.0.0'));
    const upgrade = await runCli(CLI.unifiedAgent, args);
    expect(upgrade.result?.summary?.mode).toBe('upgrade');
    expect(snapshotTree(installed(root), SETUP_FILES)).toEqual(snapshotTree(v2.payloadDir));
    expect(fs.readFileSync(path.join(installed(root), '.asrsetup/registration.json'), 'utf8')).toBe(
      '{"hostId":"kept"}',
    );
    expect(fs.statSync(path.join(installed(root), '.asrsetup/registration.json')).mode & 0o777).toBe(0o600);
    expect(record(root)).toMatchObject({ agentVersion: '9.61.0.0' });

    // Repair: the same version again restores damaged files.
    fs.writeFileSync(path.join(installed(root), 'etc/drscout.conf'), 'damaged');
    fs.rmSync(path.join(installed(root), 'bin/svagentsd'));
    const repair = await runCli(CLI.unifiedAgent, args);
    expect(repair.result?.summary?.mode).toBe('repair');
    expect(snapshotTree(installed(root), SETUP_FILES)).toEqual(snapshotTree(v2.payloadDir));

    // Downgrade: only an older package in the repository.
    const oldRepo = scratch.path('old-repo');
    await makePackage(scratch, oldRepo, '9.59.0.0', agentPayload('9.59.0.0'));
    const downgrade = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      oldRepo,
      '--root',
      root,
    ]);
    expect(downgrade.code).toBe(1);
    expect(downgrade.result?.error?.code).toBe('NEWER_VERSION_INSTALLED');
    expect(downgrade.result?.error?.message).toMatch(
      /version 9\.61\.0\.0 is installed at \/usr\/local\/ASR; this package is the older 9\.59\.0\.0/,
    );
    expect(snapshotTree(installed(root), SETUP_FILES)).toEqual(snapshotTree(v2.payloadDir));
  });

  it('an upgrade to a version without a service removes the old unit', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.60.0.0', agentPayload('9.60.0.0'));
    const args = ['-r', 'MS', '-v', 'VmWare', '--json', '--repository', repo, '--root', root];
    expect((await runCli(CLI.unifiedAgent, args)).code).toBe(0);
    const unit = path.join(root, 'etc/systemd/system/asr-mobility.service');
    expect(fs.existsSync(unit)).toBe(true);
    const withoutService: Record<string, unknown> = { ...agentPayload('9.61.0.0') };
    delete withoutService['setup/service.json'];
    await makePackage(scratch, repo, '9.61.0.0', withoutService as ReturnType<typeof agentPayload>);
    const upgrade = await runCli(CLI.unifiedAgent, args);
    expect(upgrade.code).toBe(0);
    expect(stepStatuses(upgrade).service).toBe('Succeeded');
    expect(fs.existsSync(unit)).toBe(false);
    expect(record(root)).toMatchObject({ agentVersion: '9.61.0.0', serviceName: null });
  });

  it('picks the highest version in the repository', async () => {
    const root = makeRoot(scratch);
    const repo = scratch.path('repo');
    await makePackage(scratch, repo, '9.9.0.0', agentPayload('9.9.0.0'));
    await makePackage(scratch, repo, '9.10.0.0', agentPayload('9.10.0.0'));
    await makePackage(scratch, repo, '9.11.0.0', agentPayload('9.11.0.0'), 'RHEL7-64');
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.result?.summary?.agentVersion).toBe('9.10.0.0');
  });

  it('refuses a second location while the agent is installed', async () => {
    const { root, repo } = await setup();
    await runCli(CLI.unifiedAgent, ['-r', 'MS', '-v', 'VmWare', '-q', '--repository', repo, '--root', root]);
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '-d',
      '/opt/other',
      '--json',
      '--repository',
      repo,
      '--root',
      root,
    ]);
    expect(run.result?.error?.code).toBe('INSTALL_LOCATION_INVALID');
    expect(run.result?.error?.message).toMatch(/already installed at \/usr\/local\/ASR/);
  });
});
