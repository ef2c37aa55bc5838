import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gzipReceive, remoteInstallScript } from '../engine/push/push-host';
import { remoteReadScript } from '../engine/push/remote-state';
import { writeReleaseScripts } from '../engine/install/configurator-launcher';
import { RELEASE_ENGINE, RELEASE_LOADER } from '../engine/package/package-manifest';
import { initScriptText } from '../engine/install/sysv-init-script';
import { Scratch } from '../engine/test-support/fixtures';
import { TOP } from '../engine/test-support/run-cli';
import { installScript } from './release-install-script';

// What runs on a server must run with the oldest tools of the seed's systems: POSIX sh (dash; bash 3.2 and 4.1,
// which know nothing POSIX does not), coreutils 8.4, OpenSSL 1.0.1, tar 1.23, util-linux 2.17, no Python. Every
// script setup writes or sends is checked as POSIX sh by shellcheck, and run by busybox with nothing else on
// its PATH (busybox's applets take fewer options than coreutils, and its tar knows no zstd). The release's own
// scripts also run in a root of busybox alone (release-without-libc.test.ts).

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const PUSH_ARGS = ['-d', '/usr/local/ASR', '-r', 'MS', '-v', 'VmWare', '-q', '--json', '--cancel-on-stdin-eof'];

function scripts(): Record<string, string> {
  const tree = scratch.path('installed');
  fs.mkdirSync(tree);
  // A Linux release: the engine and the loader, no Windows launcher.
  writeReleaseScripts(tree, '/usr/local/ASR', {
    indexOf: (entry) => ([RELEASE_ENGINE, RELEASE_LOADER].includes(entry) ? 0 : -1),
  });
  return {
    install: installScript({
      loader: true,
      sums: [
        { path: 'runtime/node', sha256: 'a'.repeat(64) },
        { path: 'runtime/lib/libc.so.6', sha256: 'b'.repeat(64) },
      ],
    }),
    'init.d/asr-mobility': initScriptText(
      { name: 'asr-mobility', description: 'Azure Site Recovery Mobility service', exec: 'bin/svagentsd', args: [] },
      '/usr/local/ASR',
    ),
    'Vx/bin/UnifiedAgentConfigurator.sh': fs.readFileSync(
      path.join(tree, 'Vx/bin/UnifiedAgentConfigurator.sh'),
      'utf8',
    ),
    'uninstall.sh': fs.readFileSync(path.join(tree, 'uninstall.sh'), 'utf8'),
    'push: read the server': `#!/bin/sh\n${remoteReadScript(['/etc/os-release'], ['zstd'])}\n`,
    'push: copy and install': `#!/bin/sh\n${remoteInstallScript(gzipReceive(1000), 'Microsoft-ASR_UA_release', PUSH_ARGS)}\n`,
  };
}

/** A PATH of busybox's applets alone. */
function busyboxPath(): string {
  const dir = scratch.path('busybox-bin');
  fs.mkdirSync(dir);
  for (const applet of execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean))
    fs.symlinkSync('/bin/busybox', path.join(dir, applet));
  return dir;
}

describe('scripts that run on servers', () => {
  it.each(Object.keys(scripts()))('%s is POSIX sh (shellcheck -s sh)', (name) => {
    const file = scratch.path('script');
    fs.writeFileSync(file, scripts()[name] ?? '');
    const check = spawnSync('shellcheck', ['-s', 'sh', file], { encoding: 'utf8' });
    expect(check.error, 'shellcheck is not installed (.ci/run installs it)').toBeUndefined();
    expect(check.stdout, check.stdout).toBe('');
    expect(check.status).toBe(0);
  });
});

// What the oldest tools lack, by name: RHEL 6's sed 4.2.1 documents no -E, coreutils 8.4 has no realpath and no
// sync -f, tar 1.23 no --zstd, util-linux 2.17's flock spells its long options differently.
const TOO_NEW: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bsed\s+-[a-zA-Z]*[Er]/, 'sed -E/-r'],
  [/\brealpath\b/, 'realpath'],
  [/\bsync\s+-f\b/, 'sync -f'],
  [/\btar\b[^\n|]*(--zstd|-I)/, 'tar --zstd'],
  [/\bflock\s+--/, 'flock --long-option'],
];

describe('server scripts use only what the oldest tools have', () => {
  const all = {
    ...scripts(),
    'deploy/configmgr/install_linux.sh': fs.readFileSync(path.join(TOP, 'deploy/configmgr/install_linux.sh'), 'utf8'),
  };
  it.each(Object.keys(all))('%s', (name) => {
    const text = all[name as keyof typeof all] ?? '';
    expect(TOO_NEW.filter(([pattern]) => pattern.test(text)).map(([, what]) => what)).toEqual([]);
  });
});

describe("push's server side with busybox's tools alone", () => {
  it('reads the release files and finds commands on the PATH', () => {
    const dir = busyboxPath();
    const file = scratch.path('os-release');
    fs.writeFileSync(file, 'ID=debian\nVERSION_ID="7"\n');
    const run = spawnSync(
      `${dir}/sh`,
      ['-c', remoteReadScript([file, '/nonexistent/release'], ['tar', 'zstd-missing'])],
      {
        env: { PATH: dir },
        encoding: 'utf8',
      },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `\u0001ASR-PUSH-FILE ${file}\nID=debian\nVERSION_ID="7"\n\n\u0001ASR-PUSH-FILE command:tar\n`,
    );
  });

  it.each([
    ['busybox', true],
    ['dash', false],
  ])(
    'copies exactly the release off stdin (gzip), unpacks it into a private folder, runs its install, and removes the folder (%s)',
    (shell, bb) => {
      const source = scratch.path('release-source');
      const top = 'Microsoft-ASR_UA_9.61.0.0_DEBIAN7-64_GA_20Nov2026_release';
      fs.mkdirSync(path.join(source, top), { recursive: true });
      fs.writeFileSync(
        path.join(source, top, 'install'),
        '#!/bin/sh\necho "install ran in ${0%/*} (mode $(stat -c %a "${0%/*}/..")) with: $*"\ncat > /dev/null\n',
        { mode: 0o755 },
      );
      const tarball = scratch.path('release.tar.gz');
      execFileSync('tar', ['-czf', tarball, '-C', source, top]);
      const bytes = fs.readFileSync(tarball);
      const script = remoteInstallScript(gzipReceive(bytes.length), top, PUSH_ARGS);
      const dir = bb ? busyboxPath() : '/usr/bin:/bin';
      const run = spawnSync(bb ? `${dir}/sh` : '/bin/dash', ['-c', script], {
        env: { PATH: dir },
        // The release, then what the installer reads until the push closes it (its cancel signal).
        input: Buffer.concat([bytes, Buffer.from('more input for the installer\n')]),
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines[0]).toBe('ASR-PUSH-COPIED');
      const ran = /^install ran in (\/tmp\/asr-push\.\w{8})\/\S+ \(mode 700\) with: (.*)$/.exec(lines[1] ?? '');
      expect(ran?.[2]).toBe(PUSH_ARGS.join(' '));
      expect(fs.existsSync(ran?.[1] ?? '/')).toBe(false);
    },
  );
});
