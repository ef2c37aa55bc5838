import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI, runCli } from '../engine/test-support/run-cli';
import { STREAMED_LINES } from '../engine/install/components';

// A component's output reaches the wizard's details while it runs (it reached only the log file: a 25 s
// component showed "In progress" and nothing else), and a failed optional component says what it last said
// on stderr and the command that installs it later by hand.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

async function install(vssScript: string): Promise<{ root: string; run: Awaited<ReturnType<typeof runCli>> }> {
  const root = makeRoot(scratch);
  const repo = scratch.path('repo');
  await makePackage(
    scratch,
    repo,
    '9.60.0.0',
    agentPayload('9.60.0.0', { 'setup/install-vss.sh': { content: vssScript, mode: 0o755 } }),
  );
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
  return { root, run };
}

function outputEvents(run: Awaited<ReturnType<typeof runCli>>): string[] {
  return run.events.flatMap((event) =>
    event.type === 'log' && event.level === 'debug' && event.message.startsWith('vss-provider ') ? [event.message] : [],
  );
}

describe('component output', () => {
  it('streams the first lines as debug events, the rest to the log only, and says so', async () => {
    const { root, run } = await install(
      `#!/bin/sh\ni=0\nwhile [ $i -lt ${STREAMED_LINES + 100} ]; do echo "copying part $i"; i=$((i+1)); done\n`,
    );
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    const streamed = outputEvents(run);
    expect(streamed).toHaveLength(STREAMED_LINES);
    expect(streamed[0]).toBe('vss-provider stdout: copying part 0');
    expect(
      run.events.some((e) => e.type === 'log' && /further output goes to the setup log only/.test(e.message)),
    ).toBe(true);
    const log = fs.readFileSync(path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'), 'utf8');
    expect(log).toContain(`vss-provider stdout: copying part ${STREAMED_LINES + 99}`);
  });

  it('a failed optional component quotes its last stderr line and gives a command that installs it later', async () => {
    const script = [
      '#!/bin/sh',
      'echo "$INSTALL_DIR $ROLE $PLATFORM $OS_LABEL" > "$INSTALL_DIR/vss-ran.txt"',
      'echo "checking the VSS service"',
      '[ -f "$INSTALL_DIR/vss-ok" ] || { echo "first error" >&2; echo "VSS service is disabled" >&2; exit 7; }',
      '',
    ].join('\n');
    const { root, run } = await install(script);
    expect(run.result?.status).toBe('Warning');
    const finished = run.events.find(
      (e): e is Extract<typeof e, { type: 'step-finished' }> =>
        e.type === 'step-finished' && e.stepId === 'component:vss-provider',
    );
    expect(finished?.message).toContain('(last error output: "VSS service is disabled")');
    const later = /to install it later, run as root: (.*)$/.exec(finished?.message ?? '')?.[1] ?? '';
    const location = path.join(root, 'usr/local/ASR');
    expect(later.startsWith(`cd ${location} && env INSTALL_DIR=${location} ROLE=MS PLATFORM=VmWare`)).toBe(true);
    // The command does what setup did: once the cause is fixed, it installs the component.
    fs.writeFileSync(path.join(location, 'vss-ok'), '');
    fs.rmSync(path.join(location, 'vss-ran.txt'));
    execFileSync('/bin/sh', ['-c', later]);
    expect(fs.readFileSync(path.join(location, 'vss-ran.txt'), 'utf8')).toMatch(
      new RegExp(`^${location} MS VmWare \\S+\\n$`),
    );
    expect(outputEvents(run)).toContain('vss-provider stdout: checking the VSS service');
  });
});
