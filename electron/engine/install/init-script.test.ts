import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../test-support/fixtures';
import { initScriptText } from './sysv-init-script';

// The SysV init script, run for real by each shell of the seed's systems that is here (dash, bash, busybox ash):
// start, status with LSB codes, stop, restart, a daemon that died, and a pid file naming a process that is not
// the agent. Each run is in PID and mount namespaces of its own, with its own /proc, /var/run and /var/log, so
// everything it starts ends with it and nothing of this machine's is touched.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const root = process.getuid?.() === 0;
const shells = [['/bin/sh'], ['/bin/bash'], ['/bin/busybox', 'sh']].filter(([shell]) => fs.existsSync(shell ?? ''));

function installed(): { location: string; script: string } {
  const location = scratch.path('agent');
  fs.mkdirSync(path.join(location, 'bin'), { recursive: true });
  fs.writeFileSync(
    path.join(location, 'bin', 'agentd'),
    '#!/bin/sh\necho "agent up in $PWD with $*"\nexec sleep 1000\n',
    {
      mode: 0o755,
    },
  );
  const script = path.join(location, 'asr-test-agent');
  const text = initScriptText(
    { name: 'asr-test-agent', description: 'Test agent', exec: 'bin/agentd', args: ['--flag', 'two words'] },
    location,
  );
  fs.writeFileSync(script, text, { mode: 0o755 });
  return { location, script };
}

/** Runs `steps` (sh, with $S the script run by `shell`) in namespaces of its own; returns its output. */
function inNamespaces(shell: readonly string[], script: string, steps: string): string {
  const run = spawnSync(
    'unshare',
    [
      '--pid',
      '--fork',
      '--mount',
      '--mount-proc',
      '/bin/sh',
      '-c',
      'mount -t tmpfs tmpfs /var/run && mount -t tmpfs tmpfs /var/log && eval "$0"',
      `S() { ${shell.join(' ')} ${script} "$@"; }\n${steps}`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (run.status !== 0) throw new Error(`steps failed (${run.status}): ${run.stdout}${run.stderr}`);
  return run.stdout;
}

describe.skipIf(!root)('the SysV init script, run', () => {
  it.each(shells)('start, status, restart and stop with LSB exit codes (%s)', (...shell) => {
    const { location, script } = installed();
    const out = inNamespaces(
      shell,
      script,
      [
        'S status; echo "status before: $?"',
        'S start; echo "start: $?"',
        'S status; echo "status running: $?"',
        'S start; echo "start again: $?"',
        'echo "processes: $(pgrep -c -x sleep)"',
        'read -r pid since < /var/run/asr-test-agent.pid; echo "pid file: $pid $since"',
        'S restart; echo "restart: $?"',
        'read -r pid2 rest < /var/run/asr-test-agent.pid; [ "$pid2" != "$pid" ] && echo "new pid after restart"',
        'S stop; echo "stop: $?"',
        'S status; echo "status stopped: $?"',
        'echo "processes after stop: $(pgrep -c -x sleep)"',
        'test -e /var/run/asr-test-agent.pid || echo "pid file gone"',
        'cat /var/log/asr-test-agent.log',
      ].join('\n'),
    );
    expect(out).toContain('status before: 3');
    expect(out).toMatch(/Started asr-test-agent \(pid \d+\)\nstart: 0/);
    expect(out).toMatch(/asr-test-agent is running \(pid \d+\)\nstatus running: 0/);
    expect(out).toMatch(/asr-test-agent is running \(pid \d+\)\nstart again: 0/);
    expect(out).toContain('processes: 1');
    expect(out).toMatch(/pid file: \d+ \d+\n/);
    expect(out).toContain('restart: 0\nnew pid after restart');
    expect(out).toContain('Stopped asr-test-agent\nstop: 0');
    expect(out).toContain('asr-test-agent is not running\nstatus stopped: 3');
    expect(out).toContain('processes after stop: 0');
    expect(out).toContain('pid file gone');
    // The daemon ran from the install location with its arguments whole.
    expect(out).toContain(`agent up in ${location} with --flag two words`);
  });

  it.each(shells)('a daemon that died is "dead, pid file exists" (1); stop then cleans up (%s)', (...shell) => {
    const { script } = installed();
    const out = inNamespaces(
      shell,
      script,
      [
        'S start >/dev/null',
        'read -r pid since < /var/run/asr-test-agent.pid; kill -9 "$pid"; sleep 0.3',
        'S status; echo "status dead: $?"',
        'S stop; echo "stop: $?"',
        'S status; echo "status after: $?"',
      ].join('\n'),
    );
    expect(out).toContain('asr-test-agent is dead, but /var/run/asr-test-agent.pid exists\nstatus dead: 1');
    expect(out).toContain('asr-test-agent is not running\nstop: 0');
    expect(out).toContain('status after: 3');
  });

  it.each(shells)(
    'a pid file naming another live process (a reused pid) is not taken for the agent (%s)',
    (...shell) => {
      const { script } = installed();
      const out = inNamespaces(
        shell,
        script,
        [
          'sleep 1000 & other=$!',
          'echo "$other 1" > /var/run/asr-test-agent.pid',
          'S status; echo "status: $?"',
          'S stop; echo "stop: $?"',
          'kill -0 "$other" && echo "the other process lives"',
          'kill "$other"',
        ].join('\n'),
      );
      expect(out).toContain('status: 1');
      expect(out).toContain('stop: 0');
      expect(out).toContain('the other process lives');
    },
  );

  it('refuses an unknown action with usage and exit 2', () => {
    const { script } = installed();
    const run = spawnSync('/bin/sh', [script, 'frobnicate'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Usage: .* \{start\|stop\|restart\|status\}/);
  });
});
