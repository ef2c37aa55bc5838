import { createHash } from 'node:crypto';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceConfigServer } from '../../e2e/config-server/reference-config-server';
import { makeRoot, Scratch, snapshotTree } from '../engine/test-support/fixtures';
import { CLI, runCli, TOP } from '../engine/test-support/run-cli';

// The self-contained Linux release, used exactly as the seed says, on a machine without a usable Node:
//   tar -xvf Microsoft-ASR_UA*release.tar.gz; cd Microsoft-ASR_UA*release; sudo ./install -d <dir> -r MS -v VmWare -q;
//   cd <dir>/Vx/bin; ./UnifiedAgentConfigurator.sh -i <CSIP> -P <file>

const scratch = new Scratch();
const payload = path.join(TOP, 'assets', 'sample-agent');
let release: string;
let extracted: string;

/** Runs a command with an empty environment and a PATH where no node (or anything else) can be found. */
function bare(
  command: string,
  args: readonly string[],
  cwd: string,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, [...args], { cwd, env: { PATH: '/nonexistent' }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking this process (the reference server in it must answer meanwhile). */
function bareAsync(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, [...args], { cwd, env: { PATH: '/nonexistent' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

beforeAll(async () => {
  const out = scratch.path('release-out');
  const run = await runCli(
    CLI.packAgent,
    [
      '--from',
      payload,
      '--os',
      'DEBIAN12-64',
      '--agent-version',
      '9.61.0.0',
      '--out',
      out,
      '--with-installer',
      '--date',
      '2026-11-20',
      '--level',
      '1',
    ],
    { timeoutMs: 120_000 },
  );
  expect(run.code).toBe(0);
  release = run.stdout.trim();
  expect(path.basename(release)).toBe('Microsoft-ASR_UA_9.61.0.0_DEBIAN12-64_GA_20Nov2026_release.tar.gz');
  const into = scratch.path('extracted');
  fs.mkdirSync(into);
  execFileSync('tar', ['-xf', release], { cwd: into });
  // One folder, named after the release (security review finding 1: it used to spill into the folder).
  expect(fs.readdirSync(into)).toEqual([path.basename(release, '.tar.gz')]);
  extracted = path.join(into, path.basename(release, '.tar.gz'));
}, 180_000);
afterAll(() => scratch.cleanup());

describe('the self-contained Linux release', () => {
  it('holds install at its top, a Node runtime with its own C library, the bundled engine and the payload with its manifest', () => {
    expect(fs.readdirSync(extracted).sort()).toEqual(['ASR-MANIFEST.json', 'install', 'payload', 'runtime']);
    expect(fs.readdirSync(path.join(extracted, 'runtime')).sort()).toEqual(['asr-setup.cjs', 'lib', 'node']);
    expect(fs.statSync(path.join(extracted, 'install')).mode & 0o111).not.toBe(0);
    expect(snapshotTree(path.join(extracted, 'payload'))).toEqual(snapshotTree(payload));
    // Every library this machine's loader loads for node (ldd), and the loader itself, byte for byte: none is left
    // to the system where the release runs.
    const ldd = spawnSync('ldd', [process.execPath], { encoding: 'utf8' }).stdout;
    const expected = [...ldd.matchAll(/^\s*(\S+) => (\S+)/gm)].map((m) => [m[1] ?? '', m[2] ?? ''] as const);
    const loader = /^\s*(\/\S*ld-linux-x86-64\.so\.2) /m.exec(ldd)?.[1];
    expect(loader).toBeDefined();
    expect(expected.map(([name]) => name)).toEqual(expect.arrayContaining(['libc.so.6', 'libstdc++.so.6']));
    const lib = path.join(extracted, 'runtime', 'lib');
    expect(fs.readdirSync(lib).sort()).toEqual([...expected.map(([name]) => name), 'ld-linux-x86-64.so.2'].sort());
    for (const [name, file] of [...expected, ['ld-linux-x86-64.so.2', loader ?? ''] as const])
      expect(sha256File(path.join(lib, name)), name).toBe(sha256File(file));
    const version = spawnSync(
      path.join(lib, 'ld-linux-x86-64.so.2'),
      ['--library-path', lib, path.join(extracted, 'runtime', 'node'), '--version'],
      { encoding: 'utf8' },
    );
    expect(version.stdout).toMatch(/^v\d+\./);
  });

  it("./install starts the runtime through the shipped loader: every shared object it maps is the release's own", async () => {
    const root = makeRoot(scratch);
    const failpoints = scratch.path('maps-failpoints');
    fs.mkdirSync(failpoints);
    const child = spawn('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', root], {
      cwd: extracted,
      env: { PATH: '/nonexistent', ASRSETUP_TEST_FAILPOINT: 'after-extract', ASRSETUP_TEST_FAILPOINT_DIR: failpoints },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const reached = path.join(failpoints, 'after-extract.reached');
    for (let i = 0; i < 600 && !fs.existsSync(reached); i++) await new Promise((r) => setTimeout(r, 50));
    const pid = fs.readFileSync(reached, 'utf8').trim();
    const maps = fs.readFileSync(`/proc/${pid}/maps`, 'utf8');
    const exe = fs.readlinkSync(`/proc/${pid}/exe`);
    fs.writeFileSync(path.join(failpoints, 'after-extract.continue'), '');
    expect(await exited).toBe(0);
    const lib = fs.realpathSync(path.join(extracted, 'runtime', 'lib'));
    expect(exe).toBe(path.join(lib, 'ld-linux-x86-64.so.2'));
    const objects = new Set([...maps.matchAll(/ (\/\S+\.so[.\d]*)$/gm)].map((m) => m[1]));
    expect(objects.size).toBeGreaterThanOrEqual(5);
    expect([...objects].filter((file) => path.dirname(file ?? '') !== lib)).toEqual([]);
  });

  it.skipIf(spawnSync('strip', ['--version']).status !== 0)(
    'ships the runtime stripped of its symbol table (smaller), with the dynamic symbols native modules link against',
    () => {
      const shipped = path.join(extracted, 'runtime', 'node');
      expect(fs.statSync(shipped).size).toBeLessThan(fs.statSync(process.execPath).size);
      const symbols = (file: string): number =>
        spawnSync('nm', ['-D', '--defined-only', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout.split(
          '\n',
        ).length;
      expect(symbols(shipped)).toBe(symbols(process.execPath));
      expect(spawnSync('nm', [shipped], { encoding: 'utf8' }).stderr).toMatch(/no symbols/);
    },
  );

  it('installs with sudo ./install -d ... -r MS -v VmWare -q, then registers with Vx/bin/UnifiedAgentConfigurator.sh, with no system Node', async () => {
    expect(spawnSync('/bin/sh', ['-c', 'command -v node'], { env: { PATH: '/nonexistent' } }).status).not.toBe(0);
    const root = makeRoot(scratch);
    const install = bare(
      '/bin/sh',
      ['./install', '-d', '/usr/local/ASR', '-r', 'MS', '-v', 'VmWare', '-q', '--root', root],
      extracted,
    );
    expect(install.stderr).toBe('');
    expect(install.stdout).toMatch(/^Succeeded: installLocation=\/usr\/local\/ASR agentVersion=9\.61\.0\.0/);
    expect(install.status).toBe(0);
    const location = path.join(root, 'usr', 'local', 'ASR');
    expect(snapshotTree(location, ['.asrsetup', 'Vx', 'uninstall.sh'])).toEqual(snapshotTree(payload));
    const launcher = path.join(location, 'Vx', 'bin', 'UnifiedAgentConfigurator.sh');
    expect(fs.statSync(launcher).mode & 0o777).toBe(0o755);

    const passphraseFile = scratch.path('passphrase');
    fs.writeFileSync(passphraseFile, 'release-test-passphrase\n', { mode: 0o600 });
    const cs = await startReferenceConfigServer({ port: 0, passphraseFile });
    try {
      const register = await bareAsync(
        './UnifiedAgentConfigurator.sh',
        ['-i', `127.0.0.1:${cs.port}`, '-P', passphraseFile, '--root', root, '--json'],
        path.dirname(launcher),
      );
      expect(register.status).toBe(0);
      const stored = JSON.parse(fs.readFileSync(path.join(location, '.asrsetup', 'registration.json'), 'utf8')) as {
        hostId: string;
        fingerprint: string;
      };
      expect(stored.fingerprint).toBe(cs.fingerprint);
      expect(cs.registeredHosts().map((h) => h.hostId)).toEqual([stored.hostId]);
      // Deployment tools ask the release what is installed before deciding (its ./install passes --package-dir).
      const status = bare('/bin/sh', ['./install', '--status', '--json', '--root', root], extracted);
      expect(status.status, status.stdout).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        type: 'status',
        installed: true,
        agentVersion: '9.61.0.0',
        registration: { csEndpoint: `127.0.0.1:${cs.port}`, hostId: stored.hostId },
      });
    } finally {
      await cs.close();
    }
  });

  it('lays files down with their own modes whatever the umask it is run with (077 under some deployment tools)', () => {
    const root = makeRoot(scratch);
    const install = bare(
      '/bin/sh',
      [
        '-c',
        'umask 077; exec ./install "$@"',
        'sh',
        '-d',
        '/usr/local/ASR',
        '-r',
        'MS',
        '-v',
        'VmWare',
        '-q',
        '--root',
        root,
      ],
      extracted,
    );
    expect(install.status, install.stdout + install.stderr).toBe(0);
    const location = path.join(root, 'usr', 'local', 'ASR');
    const mode = (file: string): string => (fs.statSync(path.join(location, file)).mode & 0o777).toString(8);
    expect(mode('Vx')).toBe('755');
    expect(mode('Vx/bin')).toBe('755');
    expect(mode('Vx/bin/UnifiedAgentConfigurator.sh')).toBe('755');
    expect(mode('uninstall.sh')).toBe('755');
    expect(mode('bin/svagentsd')).toBe((fs.statSync(path.join(payload, 'bin/svagentsd')).mode & 0o777).toString(8));
    expect(mode('etc/drscout.conf')).toBe(
      (fs.statSync(path.join(payload, 'etc/drscout.conf')).mode & 0o777).toString(8),
    );
  });

  it('./install --preflight checks the extracted release itself and changes nothing', () => {
    const root = makeRoot(scratch);
    const run = bare(
      '/bin/sh',
      ['./install', '-r', 'MS', '-v', 'VmWare', '--preflight', '--root', root, '--json'],
      extracted,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/release 9\.61\.0\.0 for DEBIAN12-64 in /);
    expect(fs.existsSync(path.join(root, 'usr'))).toBe(false);
  });

  it('a tampered extracted release is refused and nothing is installed', () => {
    const copy = scratch.path('tampered');
    fs.cpSync(extracted, copy, { recursive: true });
    fs.appendFileSync(path.join(copy, 'payload', 'etc', 'drscout.conf'), 'Injected=1\n');
    const root = makeRoot(scratch);
    const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', root, '--json'], copy);
    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as {
      error: { code: string; message: string };
    };
    expect(result.error.code).toBe('PACKAGE_INVALID');
    expect(result.error.message).toMatch(/drscout\.conf/);
    expect(fs.existsSync(path.join(root, 'usr'))).toBe(false);
  });

  it('a release for another system says which one it is for', () => {
    const root = makeRoot(scratch, {
      'etc/os-release': 'ID=ubuntu\nVERSION_ID="22.04"\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\n',
    });
    const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', root, '--json'], extracted);
    const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as {
      error: { code: string; message: string };
    };
    expect(result.error.code).toBe('PACKAGE_NOT_FOUND');
    expect(result.error.message).toMatch(
      /this release is for DEBIAN12-64, but this machine is Ubuntu 22\.04\.4 LTS \(UBUNTU-22\.04-64\)/,
    );
  });

  it('the engine, given the release tarball in a repository, installs its payload like any package', async () => {
    const repository = path.dirname(release);
    const root = makeRoot(scratch);
    const run = await runCli(CLI.unifiedAgent, [
      '-r',
      'MS',
      '-v',
      'VmWare',
      '-q',
      '--repository',
      repository,
      '--root',
      root,
    ]);
    expect(run.code).toBe(0);
    expect(snapshotTree(path.join(root, 'usr', 'local', 'ASR'), ['.asrsetup', 'Vx', 'uninstall.sh'])).toEqual(
      snapshotTree(payload),
    );
  });
});

/** A copy of the extracted release to tamper with; `cp -a` keeps owners and modes. */
function copyRelease(name: string): string {
  const copy = path.join(scratch.path(name), path.basename(extracted));
  fs.mkdirSync(path.dirname(copy), { mode: 0o755 });
  execFileSync('cp', ['-a', extracted, copy]);
  return copy;
}

/** A runtime/node that proves it ran by leaving a file behind. */
function plantNode(release: string, marker: string): void {
  const node = path.join(release, 'runtime', 'node');
  fs.rmSync(node);
  fs.writeFileSync(node, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
}

// Security review finding 1: ./install ran runtime/node before anything was checked.
describe('./install runs nothing it has not checked', () => {
  it('refuses a runtime/node that is not the one the release was built with, before running it', () => {
    const copy = copyRelease('swapped-node');
    const marker = path.join(path.dirname(copy), 'ran');
    plantNode(copy, marker);
    const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', makeRoot(scratch)], copy);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/runtime\/node in .* is not the file this release was built with/);
    expect(fs.existsSync(marker)).toBe(false);
  });

  // One hash command checks every file, its lines paired with the sums in order: runtime/node (first) above, these
  // from the middle to the last.
  it.each(['ld-linux-x86-64.so.2', 'libc.so.6', 'libm.so.6', 'libstdc++.so.6'])(
    'refuses a runtime/lib/%s that is not the one the release was built with, before running anything',
    (name) => {
      const copy = copyRelease(`swapped-${name}`);
      fs.appendFileSync(path.join(copy, 'runtime', 'lib', name), 'x');
      const root = makeRoot(scratch);
      const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', root], copy);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`runtime/lib/${name} in `);
      expect(run.stderr).toMatch(/is not the file this release was built with/);
      expect(fs.existsSync(path.join(root, 'usr'))).toBe(false);
    },
  );

  it('refuses a runtime/lib that others can write to, where a library could be planted', () => {
    const copy = copyRelease('open-lib');
    fs.chmodSync(path.join(copy, 'runtime', 'lib'), 0o777);
    const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', makeRoot(scratch)], copy);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/runtime\/lib can be written by group or others \(mode 777\)/);
  });

  it('refuses a release folder whose path holds ":" (the loader would read its library path as two)', () => {
    const parent = scratch.path('with:colon');
    fs.mkdirSync(parent, { mode: 0o755 });
    const copy = path.join(parent, path.basename(extracted));
    execFileSync('cp', ['-a', extracted, copy]);
    const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', makeRoot(scratch)], copy);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/has a : or ; in its path/);
  });

  it('refuses a runtime folder that others can write to (a planted /tmp/runtime, mode 0777)', () => {
    const copy = copyRelease('open-runtime');
    fs.chmodSync(path.join(copy, 'runtime'), 0o777);
    const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', makeRoot(scratch)], copy);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/runtime can be written by group or others \(mode 777\)/);
  });

  it.skipIf(process.geteuid?.() !== 0)('refuses files that belong to another user (nobody)', () => {
    const copy = copyRelease('nobodys-release');
    fs.chownSync(path.join(copy, 'runtime', 'node'), 65534, 65534);
    const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', makeRoot(scratch)], copy);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/runtime\/node belongs to uid 65534, neither root nor you/);
  });

  it('refuses a runtime/node that is a symbolic link', () => {
    const copy = copyRelease('linked-node');
    const real = path.join(path.dirname(copy), 'node-elsewhere');
    fs.renameSync(path.join(copy, 'runtime', 'node'), real);
    fs.symlinkSync(real, path.join(copy, 'runtime', 'node'));
    const run = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', makeRoot(scratch)], copy);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/runtime\/node is a symbolic link/);
  });
});

// Security review finding 10: the configurator script found the runtime from how it was invoked.
describe('Vx/bin/UnifiedAgentConfigurator.sh', () => {
  it('runs the runtime installed with the agent, whatever folder it is run from', () => {
    const root = makeRoot(scratch);
    const install = bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', root], extracted);
    expect(install.status).toBe(0);
    const location = path.join(root, 'usr', 'local', 'ASR');
    const launcher = path.join(location, 'Vx', 'bin', 'UnifiedAgentConfigurator.sh');
    expect(fs.readFileSync(launcher, 'utf8')).toContain(`top='${location}'`);
    // A folder laid out like an install, with a runtime that would leave a mark.
    const decoy = scratch.path('decoy');
    fs.mkdirSync(path.join(decoy, 'Vx', 'bin'), { recursive: true });
    fs.mkdirSync(path.join(decoy, '.asrsetup', 'runtime'), { recursive: true });
    const marker = path.join(decoy, 'ran');
    fs.writeFileSync(path.join(decoy, '.asrsetup', 'runtime', 'node'), `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    fs.copyFileSync(launcher, path.join(decoy, 'Vx', 'bin', 'UnifiedAgentConfigurator.sh'));
    const run = bare('/bin/sh', ['Vx/bin/UnifiedAgentConfigurator.sh', '--help'], decoy);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/UnifiedAgentConfigurator/);
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('<install location>/uninstall.sh', () => {
  it('asks for -Y when not on a terminal, then removes the agent with the kept runtime, no system Node', () => {
    const root = makeRoot(scratch);
    expect(bare('/bin/sh', ['./install', '-r', 'MS', '-v', 'VmWare', '-q', '--root', root], extracted).status).toBe(0);
    const location = path.join(root, 'usr', 'local', 'ASR');
    const unconfirmed = bare('/bin/sh', [path.join(location, 'uninstall.sh'), '--root', root], '/');
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toMatch(/give -Y to confirm/);
    expect(fs.existsSync(location)).toBe(true);
    const run = bare('/bin/sh', [path.join(location, 'uninstall.sh'), '-Y', '--root', root, '--json'], '/');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(fs.existsSync(location)).toBe(false);
    expect(fs.existsSync(path.join(root, 'var/lib/ASRSetup/install-record.json'))).toBe(false);
    // And ./install --uninstall from the release does the same: nothing installed, nothing to remove.
    const again = bare('/bin/sh', ['./install', '--uninstall', '--root', root], extracted);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/not installed; nothing to remove/);
  });
});

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('./install on a kernel older than the floor', () => {
  it.skipIf(process.geteuid?.() !== 0)(
    'refuses before it starts anything, naming the kernel and the floor (2.6.18, RHEL 5)',
    () => {
      // The system's own uname says 2.6.18: bound over /usr/bin/uname in a mount namespace of the run's own.
      const fake = scratch.path('uname');
      fs.writeFileSync(fake, '#!/bin/sh\ncase "$1" in -r) echo 2.6.18-398.el5 ;; *) echo x86_64 ;; esac\n', {
        mode: 0o755,
      });
      const root = makeRoot(scratch);
      const run = spawnSync(
        'unshare',
        [
          '--mount',
          '/bin/sh',
          '-c',
          'mount --bind "$0" /usr/bin/uname && exec ./install -r MS -v VmWare -q --root "$1"',
          fake,
          root,
        ],
        { cwd: extracted, env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8' },
      );
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /^Error UNSUPPORTED_OS: this system's kernel 2\.6\.18-398\.el5 is older than 2\.6\.32, the oldest kernel this release is proven to run on/,
      );
      expect(run.stderr).toMatch(/\nRemedy: .*or update the kernel\.\n$/);
      expect(fs.readdirSync(root)).toEqual(['etc']);
    },
  );
});

// The kernel floor, as the shipped script decides it: the function is cut out of the release's own ./install and
// run by each shell the seed's systems have here (dash as /bin/sh, bash, busybox ash).
describe("./install's kernel floor (2.6.32)", () => {
  const shells = [['/bin/sh'], ['/bin/bash', '--posix'], ['/bin/busybox', 'sh']].filter(([shell]) =>
    fs.existsSync(shell ?? ''),
  );
  it.each([
    ['2.6.18-398.el5', true],
    ['2.6.9-89.ELsmp', true],
    ['2.4.21-63.EL', true],
    ['2.6.31.14', true],
    ['', true],
    ['unknown', true],
    ['2.6.32-754.35.1.el6.x86_64', false],
    ['3.0.101-63-default', false],
    ['3.10.0-1160.el7.x86_64', false],
    ['4.4.0-210-generic', false],
    ['6.1.0-28-amd64', false],
  ])('uname -r %j is below it: %s', (release, below) => {
    const script = fs.readFileSync(path.join(extracted, 'install'), 'utf8');
    const fn = /^below_floor\(\) \{\n[\s\S]*?\n\}$/m.exec(script)?.[0];
    expect(fn).toBeDefined();
    expect(shells.length).toBeGreaterThanOrEqual(2);
    for (const [shell, ...flags] of shells) {
      // "$@" must come through untouched: the function's set -- splits only its own parameters.
      const run = spawnSync(
        shell ?? '',
        [
          ...flags,
          '-c',
          `${fn}\nif below_floor "$1"; then echo below "$2"; else echo ok "$2"; fi`,
          'sh',
          release,
          'kept',
        ],
        { encoding: 'utf8' },
      );
      expect(run.stdout.trim(), `${shell}: ${run.stderr}`).toBe(`${below ? 'below' : 'ok'} kept`);
    }
  });
});
