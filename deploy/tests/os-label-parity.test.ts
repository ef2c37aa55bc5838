import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { detectLinuxOs, type DetectedOs } from '../../electron/engine/system/os-detect';
import { DEBIAN12, Scratch } from '../../electron/engine/test-support/fixtures';
import { TOP } from '../../electron/engine/test-support/run-cli';
import { ANSIBLE_LABELS_FILE, CONFIGMGR_SCRIPT } from '../../scripts/generate-deploy-labels';
import { PYTHON, UBUNTU } from './deploy-support';

// One OS label, three implementations: the engine (electron/engine/system/os-detect.ts), the Configuration
// Manager script in the shell (install_linux.sh --print-os-label --root) and the Ansible role's module
// (mobility_service_state.py, run directly with the label table of vars/main.yml). Each fixture is a set of
// release files in a folder on this host; all three must give the same label, or all three refuse it naming
// the same system.

const scratch = new Scratch();
const SCRIPT = path.join(TOP, CONFIGMGR_SCRIPT);
const MODULE = path.join(TOP, 'deploy', 'ansible', 'roles', 'mobility_service', 'library', 'mobility_service_state.py');

interface Fixture {
  readonly name: string;
  readonly files: Record<string, string>;
  /** What the support matrix says; undefined for a system it does not list. */
  readonly label: string | undefined;
}

const osRelease = (id: string, version: string, pretty: string): Record<string, string> => ({
  'etc/os-release': `NAME="${pretty}"\nID=${id}\nVERSION_ID="${version}"\nPRETTY_NAME="${pretty}"\n`,
});

const FIXTURES: readonly Fixture[] = [
  { name: 'Debian 12', files: { 'etc/os-release': DEBIAN12 }, label: 'DEBIAN12-64' },
  { name: 'Ubuntu 22.04', files: { 'etc/os-release': UBUNTU }, label: 'UBUNTU-22.04-64' },
  {
    name: 'RHEL 7.9 (VERSION_ID="7.9")',
    files: osRelease('"rhel"', '7.9', 'Red Hat Enterprise Linux Server 7.9 (Maipo)'),
    label: 'RHEL7-64',
  },
  {
    name: 'RHEL 8.10 with a build in VERSION_ID, cut to major.minor',
    files: osRelease('rhel', '8.10.1', 'Red Hat Enterprise Linux 8.10 (Ootpa)'),
    label: 'RHEL8-64',
  },
  {
    name: 'CentOS 7 from /etc/centos-release only',
    files: { 'etc/centos-release': 'CentOS Linux release 7.9.2009 (Core)\n' },
    label: 'RHEL7-64',
  },
  {
    name: 'CentOS 6 from /etc/redhat-release',
    files: { 'etc/redhat-release': 'CentOS release 6.10 (Final)\n' },
    label: 'RHEL6-64',
  },
  {
    name: 'Oracle Linux 6.5 from /etc/oracle-release (its /etc/redhat-release claims RHEL)',
    files: {
      'etc/oracle-release': 'Oracle Linux Server release 6.5\n',
      'etc/redhat-release': 'Red Hat Enterprise Linux Server release 6.5 (Santiago)\n',
    },
    label: 'OL6-64',
  },
  {
    name: 'SLES 11 SP4 from /etc/SuSE-release',
    files: { 'etc/SuSE-release': 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 4\n' },
    label: 'SLES11-SP4-64',
  },
  {
    name: 'SLES 15 SP5 from os-release',
    files: {
      'etc/os-release':
        'NAME="SLES"\nVERSION="15-SP5"\nVERSION_ID="15.5"\nPRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"\nID="sles"\nID_LIKE="suse"\n',
    },
    label: 'SLES15-64',
  },
  {
    name: 'os-release with comments, blank lines, CRLF, single quotes, escapes and a later ID winning',
    files: {
      'etc/os-release':
        '# Oracle Linux\r\n\r\n  ID=debian\r\nID=\'OL\'  \r\nVERSION_ID="8.9"\r\n# VERSION_ID="9.3"\r\nPRETTY_NAME="Oracle \\"Linux\\" Server 8.9"\r\n',
    },
    label: 'OL8-64',
  },
  {
    name: 'os-release without an ID, so /etc/redhat-release decides',
    files: {
      'etc/os-release': 'NAME="Something"\nVERSION_ID="7"\n',
      'etc/redhat-release': 'Red Hat Enterprise Linux Server release 7.4 (Maipo)\n',
    },
    label: 'RHEL7-64',
  },
  { name: 'Ubuntu 23.10 (not supported)', files: osRelease('ubuntu', '23.10', 'Ubuntu 23.10'), label: undefined },
  {
    name: 'Fedora 39 (not supported)',
    files: osRelease('fedora', '39', 'Fedora Linux 39 (Server Edition)'),
    label: undefined,
  },
  {
    name: 'SLES 11 SP2 from /etc/SuSE-release (not supported)',
    files: { 'etc/SuSE-release': 'SUSE Linux Enterprise Server 11 (x86_64)\nVERSION = 11\nPATCHLEVEL = 2\n' },
    label: undefined,
  },
  {
    name: 'Rocky Linux 8.9 (a RHEL rebuild the matrix does not list)',
    files: osRelease('rocky', '8.9', 'Rocky Linux 8.9 (Green Obsidian)'),
    label: undefined,
  },
  { name: 'no release file at all', files: {}, label: undefined },
];

function makeRoot(fixture: Fixture): string {
  const root = scratch.path('root');
  fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
  for (const [file, content] of Object.entries(fixture.files)) fs.writeFileSync(path.join(root, file), content);
  return root;
}

function engineFor(root: string): ReturnType<typeof detectLinuxOs> {
  return detectLinuxOs((file) => {
    try {
      return fs.readFileSync(path.join(root, file), 'utf8');
    } catch {
      return undefined;
    }
  });
}

/** How the engine names a system it refuses, as the script's and module's messages must name it too. */
const named = (os: DetectedOs): string => `${os.description} (${os.id} ${os.version}, from ${os.source})`;

const roots = new Map(FIXTURES.map((fixture) => [fixture.name, makeRoot(fixture)]));

afterAll(() => scratch.cleanup());

describe('OS label detection: the engine and the Configuration Manager script agree', () => {
  it.each(FIXTURES.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    const root = roots.get(fixture.name) as string;
    const engine = engineFor(root);
    expect(engine.ok ? engine.row.label : undefined).toBe(fixture.label);

    const run = spawnSync(SCRIPT, ['--print-os-label', '--root', root], { encoding: 'utf8' });
    if (engine.ok) {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`${engine.row.label}\n`);
    } else {
      expect(run.status, run.stdout).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^Error UNSUPPORTED_OS: .+\nRemedy: .*support matrix/);
      if (engine.os) expect(run.stderr).toContain(`${named(engine.os)} is not in the support matrix`);
      else expect(run.stderr).toContain('cannot tell which operating system this is');
    }
  });

  it('answers the same under dash and bash', () => {
    for (const shell of ['dash', 'bash']) {
      const run = spawnSync(
        shell,
        [SCRIPT, '--print-os-label', '--root', roots.get('SLES 11 SP4 from /etc/SuSE-release') as string],
        {
          encoding: 'utf8',
        },
      );
      expect(run.stdout, `${shell}: ${run.stderr}`).toBe('SLES11-SP4-64\n');
    }
  });
});

function ansibleModuleUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import ansible.module_utils.basic, yaml'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} cannot import ansible and yaml (apt-get install -y ansible)`;
}

const moduleUnavailable = ansibleModuleUnavailable();

describe.skipIf(moduleUnavailable)("OS label detection: the engine and the Ansible role's module agree", () => {
  const labelTable = (): unknown =>
    JSON.parse(
      execFileSync(
        PYTHON,
        [
          '-c',
          'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))["mobility_service_os_labels"]))',
          path.join(TOP, ANSIBLE_LABELS_FILE),
        ],
        { encoding: 'utf8' },
      ),
    );

  it.each(FIXTURES.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    const root = roots.get(fixture.name) as string;
    const engine = engineFor(root);
    const argsFile = path.join(scratch.path('args'));
    fs.writeFileSync(
      argsFile,
      JSON.stringify({ ANSIBLE_MODULE_ARGS: { os_labels: labelTable(), releases: [], root } }),
    );
    const run = spawnSync(PYTHON, [MODULE, argsFile], { encoding: 'utf8' });
    const json = run.stdout.slice(run.stdout.indexOf('{'));
    const result = JSON.parse(json) as { os_label: string | null; os: DetectedOs | null; msg?: string };
    expect(result.os_label ?? undefined).toBe(engine.ok ? engine.row.label : undefined);
    expect(result.os ?? undefined).toEqual(engine.os);
    if (!engine.ok) {
      expect(result.msg).toMatch(/^UNSUPPORTED_OS: /);
      if (engine.os) expect(result.msg).toContain(`${named(engine.os)} is not in the support matrix`);
    } else {
      // No releases were offered, so the module stops at the package, not at the system.
      expect(result.msg).toMatch(/^PACKAGE_NOT_FOUND: /);
    }
  });
});
