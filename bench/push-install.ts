import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { testMachinesUnavailable } from '../e2e/test-machines/test-machines';
import { describeRun, summarize } from './push/bench-summary';
import {
  haveTime,
  INSTALL_ARGS,
  keepBashrc,
  OS_RELEASE,
  out,
  packAgentCli,
  pushCli,
  roundsFor,
  sampleAgent,
  sizes,
  tail,
  tools,
} from './push/bench-options';
import { describeSideWeighting } from './push/controller-cgroups';
import { inotifyShortfall } from './push/cpu-accounting';
import { measureOnce, notRun } from './push/measure-once';
import type { RunResult, Setup } from './push/run-types';

// bench/push-install: the wall time of installing and registering the agent on N servers at once, three ways
// doing the same work in the same run (copy the self-contained release, unpack it in a fresh temp folder, run
// its ./install, run the configurator with the passphrase on stdin), N at a time up to 32 (parallelismFor):
//   1. push-install (the built CLI; ssh2 in one Node process; Ansible's connection timeout, CONNECT_TIMEOUT_S),
//      also its peak RSS and the time from its launch to the first server finished (its first host-result event
//      on --json stdout);
//   2. ansible-playbook (forks as push-install's --parallel; tempfile, unarchive from the controller, command
//      ./install, command configurator with stdin), twice: at Ansible's defaults (no pipelining: each task's
//      module is uploaded as a file, as an admin's ansible.cfg does unless changed; the reference measurement, 41 s for
//      7 servers, is of this kind), and with pipelining on, Ansible's own fastest setting;
//   3. a bare OpenSSH loop: per server `ssh ... 'd=$(mktemp -d) && tar -xzf - -C "$d" && ./install'` with the
//      release on stdin, then `ssh ... configurator -P -` with the passphrase on stdin; all servers at once.
// Every run gets freshly booted test machines (e2e/test-machines) and a fresh reference configuration server
// (a process of its own) on the fleet's gateway; the tool and the CS each run in a cpu cgroup weighing as much as
// the whole fleet, as they would be machines of their own (bench/push/controller-cgroups.ts). A run counts only
// when every server succeeded and the CS registered all N hosts.
// The test machines share this host's cores, so the servers' own work (unpacking, ./install) is in the time, and
// the host is CPU-bound: each run also reports where the CPU went (the tool's processes from wait4, the test
// machines' from their cgroups, the CS's from its process, and other work on the host, flagged NOISY over 10%),
// and push-install's phases from the timestamps of its --json host-step events.
// Targets: push-install <= 0.35x ansible-playbook's time at every size (printed against both Ansible settings),
// <= 1.3x the bare OpenSSH loop's; peak RSS < 200 MB at 32 servers and < 250 MB at 100. The summary ends with
// each tool's time per server at every size and how it grows from the smallest size. Not a test: it prints.
// This file is the entry point (prepare, main); the parts are in bench/push/: bench-options (argv, constants,
// format helpers), measured-process, controller-cgroups, cs-process, cpu-accounting, run-types, run-push-install,
// run-ansible, run-ssh-loop, measure-once (one run on a fresh fleet) and bench-summary.
// Usage: npm run build && npm run -s bench:push [-- --sizes 8,32,100 --rounds R
//        --tools push,ansible,ansible-pipelined,ssh --timeout S --keep-bashrc]

// ---- main -------------------------------------------------------------------------------------------------

function prepare(): Setup {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-bench-push-'));
  const repository = path.join(work, 'releases');
  execFileSync(
    process.execPath,
    [
      packAgentCli,
      '--from',
      sampleAgent,
      '--os',
      'DEBIAN12-64',
      '--agent-version',
      '9.61.0.0',
      '--out',
      repository,
      '--with-installer',
      '--level',
      '1',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const file = fs.readdirSync(repository).find((name) => name.endsWith('.tar.gz'));
  if (!file) throw new Error(`pack-agent wrote no release into ${repository}`);
  const topFolder = file.replace(/\.tar\.gz$/, '');
  if (!/^[A-Za-z0-9._-]+$/.test(topFolder)) throw new Error(`unexpected release name ${file}`);
  const key = path.join(work, 'ssh', 'id_ed25519');
  fs.mkdirSync(path.dirname(key), { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  const passphrase = `bench-${randomBytes(12).toString('hex')}`;
  const passphraseFile = path.join(work, 'cs-passphrase');
  fs.writeFileSync(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
  const release = path.join(repository, file);
  // The release must install before anything is timed: its ./install against a scratch --root here.
  const check = path.join(work, 'check');
  fs.mkdirSync(path.join(check, 'root', 'etc'), { recursive: true });
  fs.writeFileSync(path.join(check, 'root', 'etc', 'os-release'), OS_RELEASE);
  execFileSync('tar', ['-xzf', release, '-C', check]);
  const checked = spawnSync(
    path.join(check, topFolder, 'install'),
    [...INSTALL_ARGS.split(' '), '--root', path.join(check, 'root')],
    { encoding: 'utf8' },
  );
  if (checked.status !== 0)
    throw new Error(`the release does not install (exit ${checked.status}): ${tail(checked.stdout + checked.stderr)}`);
  fs.rmSync(check, { recursive: true, force: true });
  const pushCopy = path.join(work, 'push-install.cjs');
  fs.copyFileSync(pushCli, pushCopy);
  return {
    work,
    pushCli: pushCopy,
    repository,
    release,
    releaseBytes: fs.statSync(release).size,
    topFolder,
    key,
    publicKey: fs.readFileSync(`${key}.pub`, 'utf8').trim(),
    passphrase,
    passphraseFile,
  };
}

function versionOf(argv: readonly string[]): string {
  const [file, ...rest] = argv as [string, ...string[]];
  // ssh -V prints on stderr.
  const result = spawnSync(file, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.error) return `${file} missing`;
  return `${result.stdout}${result.stderr}`.split('\n')[0]?.trim() ?? '?';
}

async function main(): Promise<void> {
  const unavailable = testMachinesUnavailable();
  if (unavailable) throw new Error(`test machines cannot run here: ${unavailable}`);
  for (const file of [pushCli, packAgentCli])
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 200)) throw new Error('--sizes takes numbers 1 to 200');
  if (tools.length === 0) throw new Error('--tools takes push, ansible and/or ssh');
  const ansibleVersion = versionOf(['ansible-playbook', '--version']);
  if (tools.some((t) => t.name.startsWith('ansible')) && !ansibleVersion.startsWith('ansible-playbook'))
    throw new Error(`ansible-playbook is not usable: ${ansibleVersion}`);
  const setup = prepare();
  const results: RunResult[] = [];
  try {
    out(
      `push-install: N servers each on freshly booted test machines sharing this host's ${os.cpus().length} cores ` +
        `(${os.cpus()[0]?.model.trim() ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB), Node ${process.versions.node}, ` +
        `${ansibleVersion}, ${versionOf(['ssh', '-V'])}; release ${(setup.releaseBytes / 1e6).toFixed(1)} MB (gzip level 1)`,
    );
    out(`  ${describeSideWeighting()}`);
    out(`  peak RSS and controller CPU from ${haveTime ? '/usr/bin/time (wait4)' : 'VmHWM sampled every 50 ms'}`);
    out(
      keepBashrc
        ? "  the test machines keep this host's /root/.bashrc (--keep-bashrc): bash reads it for every SSH command"
        : "  the test machines' /root/.bashrc is Debian's stock one, not this host's (bash reads it for every SSH command)",
    );
    for (const n of sizes) {
      const rounds = roundsFor(n);
      const shortfall = inotifyShortfall(n);
      if (shortfall) {
        out(`  (${n}) FAILED, not measured: ${shortfall}`);
        for (const tool of tools) results.push({ ...notRun(tool.name, n, 1), failure: shortfall });
        continue;
      }
      for (let round = 1; round <= rounds; round++) {
        // Rotated each round, so no tool always runs first.
        const order = tools.map((_, i) => tools[(i + round - 1) % tools.length] as (typeof tools)[number]);
        for (const tool of order) {
          let result: RunResult;
          try {
            result = await measureOnce(setup, tool.name, n, round);
          } catch (error) {
            const errors = error instanceof AggregateError ? error.errors : [error];
            const why = errors.map((e: unknown) => (e instanceof Error ? e.message : String(e)).trim());
            result = {
              ...notRun(tool.name, n, round),
              failure: `could not run: ${(error as Error).message}: ${why.slice(0, 3).join('; ')}`,
            };
          }
          results.push(result);
          out(describeRun(result));
          for (const line of result.details) out(`      ${line}`);
        }
      }
    }
  } finally {
    fs.rmSync(setup.work, { recursive: true, force: true });
  }
  summarize(results);
  if (results.some((r) => !r.ok)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
