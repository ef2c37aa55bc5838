import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ElevationMode } from '../../shared/ipc-contract';
import type { JobEvent } from '../../shared/job-events';
import { resultCodes } from '../../shared/exit-codes';
import { Scratch } from '../engine/test-support/fixtures';
import { SAFE_PATH } from '../engine/system/process-runner';
import {
  elevationModeFor,
  launchJob,
  spawnPlan,
  ROOT_HELPER_PATH,
  type CliRuntime,
  type LaunchOptions,
  type RunningJob,
  type SpawnPlan,
} from './job-launcher';

// How the wizard runs privileged work: the exact argv (direct, or under pkexec through /usr/bin/env), and
// a launched child's JSON lines becoming job events, with a result even when the child dies without one.
// The children here are tiny Node scripts written to a temp folder.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

type ResultEvent = Extract<JobEvent, { type: 'result' }>;

const NODE: CliRuntime = { command: process.execPath, env: {}, nodeOptions: [] };
const APP_AS_NODE: CliRuntime = {
  command: '/opt/mobility-setup/mobility-setup',
  env: { ELECTRON_RUN_AS_NODE: '1' },
  nodeOptions: ['--max-semi-space-size=1'],
};
const SCRIPT = '/opt/mobility-setup/resources/app/dist/cli/unified-agent.cjs';
const CLI_ARGS = ['-r', 'MS', '-v', 'VmWare', '-d', '/usr/local/ASR', '--json', '--cancel-on-stdin-eof'];
const PKEXEC = '/usr/bin/pkexec';
const ELEVATOR = { pkexec: PKEXEC, helper: ROOT_HELPER_PATH };
const SECRET = 'correct horse battery staple';

/** Writes a CommonJS child script; `emit(event)` prints one JSON line. */
function childScript(body: string): string {
  const file = `${scratch.path('child')}.cjs`;
  fs.writeFileSync(
    file,
    `'use strict';\nconst emit = (event) => process.stdout.write(JSON.stringify(event) + '\\n');\n${body}\n`,
  );
  return file;
}

/** A stand-in for pkexec: runs its arguments with an emptied environment, as pkexec does. */
function fakePkexec(body = 'exec /usr/bin/env -i "$@"'): string {
  const file = scratch.path('pkexec');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

function launch(
  script: string,
  args: readonly string[] = [],
  options: Partial<Omit<LaunchOptions, 'onEvent' | 'plan'>> & { plan?: SpawnPlan } = {},
): { job: RunningJob; events: JobEvent[] } {
  const events: JobEvent[] = [];
  const job = launchJob({
    kind: 'install',
    plan: options.plan ?? spawnPlan(NODE, script, args, 'elevated', undefined, 'install'),
    ...options,
    onEvent: (event) => events.push(event),
  });
  return { job, events };
}

function logMessages(events: readonly JobEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'log' ? [event.message] : []));
}

/** The JSON a child reported about itself in its first log event. */
function selfReport(events: readonly JobEvent[]): {
  argv: string[];
  execArgv: string[];
  env: Record<string, string>;
  stdinSha: string;
  stdinBytes: number;
} {
  const message = logMessages(events)[0];
  if (message === undefined) throw new Error(`the child reported nothing: ${JSON.stringify(events)}`);
  return JSON.parse(message) as {
    argv: string[];
    execArgv: string[];
    env: Record<string, string>;
    stdinSha: string;
    stdinBytes: number;
  };
}

const REPORTER = `
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const stdin = Buffer.concat(chunks);
  const report = { argv: process.argv, execArgv: process.execArgv, env: process.env, stdinSha: require('node:crypto').createHash('sha256').update(stdin).digest('hex'), stdinBytes: stdin.length };
  emit({ type: 'log', level: 'info', message: JSON.stringify(report), time: new Date().toISOString() });
  emit({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null });
});`;

describe('elevationModeFor', () => {
  const helperOnly = { pkexec: '', helper: ROOT_HELPER_PATH };
  it.each([
    ['win32', undefined, undefined, 'elevated'],
    ['win32', 1000, undefined, 'elevated'],
    ['linux', 0, undefined, 'elevated'],
    ['linux', 0, ELEVATOR, 'elevated'],
    ['linux', 1000, ELEVATOR, 'will-prompt'],
    ['linux', undefined, ELEVATOR, 'will-prompt'],
    ['linux', 1000, undefined, 'unavailable'],
    ['linux', 1000, helperOnly, 'unavailable'],
    ['linux', undefined, undefined, 'unavailable'],
    ['darwin', 501, undefined, 'unavailable'],
  ] as const)('%s, uid %s, elevator %j -> %s', (platform, uid, elevator, mode) => {
    expect(elevationModeFor(platform, uid, elevator)).toBe(mode);
  });
});

describe('spawnPlan', () => {
  it('runs the runtime directly with its options, the script and the CLI arguments when already elevated', () => {
    const plan = spawnPlan(APP_AS_NODE, SCRIPT, CLI_ARGS, 'elevated', ELEVATOR, 'install');
    expect(plan.command).toBe(APP_AS_NODE.command);
    expect(plan.args).toEqual(['--max-semi-space-size=1', SCRIPT, ...CLI_ARGS]);
    expect(plan.env).toEqual({ PATH: process.env.PATH, ELECTRON_RUN_AS_NODE: '1' });
  });

  it.each(['unavailable', 'elevated'] as const)(
    'runs directly when elevation is %s, even with an elevator',
    (elevation: ElevationMode) => {
      const plan = spawnPlan(APP_AS_NODE, SCRIPT, CLI_ARGS, elevation, ELEVATOR, 'install');
      expect(plan.command).toBe(APP_AS_NODE.command);
    },
  );

  it('runs directly when a prompt is expected but there is no elevator', () => {
    expect(spawnPlan(APP_AS_NODE, SCRIPT, CLI_ARGS, 'will-prompt', undefined, 'install')).toEqual(
      spawnPlan(APP_AS_NODE, SCRIPT, CLI_ARGS, 'elevated', undefined, 'install'),
    );
  });

  // Security review finding 12: the wizard elevated /usr/bin/env with the caller's runtime and environment.
  it('under pkexec runs only the root helper at its fixed path, with its command, and passes no environment', () => {
    const plan = spawnPlan(APP_AS_NODE, SCRIPT, CLI_ARGS, 'will-prompt', ELEVATOR, 'install');
    expect(plan.command).toBe(PKEXEC);
    expect(plan.args).toEqual([ROOT_HELPER_PATH, 'install', ...CLI_ARGS]);
    expect(plan.args).not.toContain('/usr/bin/env');
    expect(plan.args).not.toContain(APP_AS_NODE.command);
    expect(plan.env).toEqual({ PATH: SAFE_PATH });
    expect(spawnPlan(NODE, SCRIPT, ['--json'], 'will-prompt', ELEVATOR, 'configure').args).toEqual([
      ROOT_HELPER_PATH,
      'configure',
      '--json',
    ]);
  });

  it('takes the configurator\'s passphrase from stdin ("-P -"), so no plan ever carries it', () => {
    const args = ['-i', '10.0.0.5:443', '-P', '-', '--json'];
    for (const elevation of ['elevated', 'will-prompt'] as const) {
      const plan = spawnPlan(APP_AS_NODE, SCRIPT, args, elevation, ELEVATOR, 'configure');
      expect(JSON.stringify(plan)).not.toContain(SECRET);
      expect(plan.args.slice(-5)).toEqual(args);
    }
  });

  it('keeps every argument as one argv element: nothing is split or quoted for a shell', () => {
    const args = ['-d', '/opt/my agent; rm -rf /', '--log-dir', '$(id)'];
    expect(spawnPlan(NODE, SCRIPT, args, 'elevated', undefined, 'install').args).toEqual([SCRIPT, ...args]);
  });
});

describe('launchJob', () => {
  it("turns the child's JSON lines into events in order and resolves done with the result line", async () => {
    const script = childScript(`
emit({ type: 'job-started', job: 'install', time: '2026-11-25T00:00:00.000Z', logFile: '/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log' });
process.stdout.write('a plain line that is not an event\\n');
process.stdout.write('{"type": "log", broken json\\n');
emit({ type: 'step-started', step: { id: 'extract', kind: 'extract', title: 'Extract the package', optional: false }, time: '2026-11-25T00:00:01.000Z' });
emit({ type: 'step-progress', stepId: 'extract', bytesDone: 5, bytesTotal: 10, filesDone: 1, filesTotal: 2 });
emit({ type: 'step-finished', stepId: 'extract', status: 'Succeeded', message: 'extracted', time: '2026-11-25T00:00:02.000Z' });
emit({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null, summary: { agentVersion: '9.60.0.0' } });`);
    const { job, events } = launch(script);
    const result = await job.done;
    expect(events.map((event) => event.type)).toEqual([
      'job-started',
      'step-started',
      'step-progress',
      'step-finished',
      'result',
    ]);
    expect(events[3]).toEqual({
      type: 'step-finished',
      stepId: 'extract',
      status: 'Succeeded',
      message: 'extracted',
      time: '2026-11-25T00:00:02.000Z',
    });
    expect(result).toEqual({
      type: 'result',
      status: 'Succeeded',
      exitCode: 0,
      msiCode: 0,
      error: null,
      summary: { agentVersion: '9.60.0.0' },
    });
    expect(events.at(-1)).toEqual(result);
  });

  it('gives each job a fresh id in the form setup:cancel accepts, and keeps its kind', async () => {
    const script = childScript(`emit({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null });`);
    const first = launch(script).job;
    const second = launchJob({
      kind: 'register',
      plan: spawnPlan(NODE, script, [], 'elevated', undefined, 'install'),
      onEvent: () => undefined,
    });
    await Promise.all([first.done, second.done]);
    expect(first.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.jobId).not.toBe(first.jobId);
    expect([first.kind, second.kind]).toEqual(['install', 'register']);
  });

  it('reads a last line that has no newline', async () => {
    const script = childScript(
      `process.stdout.write(JSON.stringify({ type: 'result', status: 'Warning', exitCode: 0, msiCode: 3010, error: null }));`,
    );
    const { job, events } = launch(script);
    expect(await job.done).toMatchObject({ type: 'result', status: 'Warning', msiCode: 3010 });
    expect(events).toHaveLength(1);
  });

  it('joins an event line written in pieces', async () => {
    const script = childScript(`
const line = JSON.stringify({ type: 'log', level: 'info', message: 'written in two pieces', time: 't' }) + '\\n';
process.stdout.write(line.slice(0, 20), () => setTimeout(() => {
  process.stdout.write(line.slice(20));
  emit({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null });
}, 100));`);
    const { job, events } = launch(script);
    await job.done;
    expect(logMessages(events)).toEqual(['written in two pieces']);
  });

  it('keeps a long line whole', async () => {
    const script = childScript(`
emit({ type: 'log', level: 'info', message: 'x'.repeat(300000), time: 't' });
emit({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null });`);
    const { job, events } = launch(script);
    await job.done;
    expect(logMessages(events)).toEqual(['x'.repeat(300000)]);
  });

  // Regression: chunks were decoded one by one, so a character split across two pipe reads arrived as
  // U+FFFD; a long event with non-ASCII text (a path like /opt/données) came out corrupted.
  it('keeps multi-byte characters that straddle two reads of the pipe', async () => {
    const script = childScript(`
emit({ type: 'log', level: 'info', message: 'données ' + '日'.repeat(100000), time: 't' });
emit({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null });`);
    const { job, events } = launch(script);
    await job.done;
    const [message = ''] = logMessages(events);
    expect(message.includes('\uFFFD')).toBe(false);
    expect(message).toBe(`données ${'日'.repeat(100000)}`);
  });

  it('ends a child that exits 3 without a result line with a synthesized INSTALL_FAILED result naming the exit code', async () => {
    const script = childScript(`
emit({ type: 'job-started', job: 'install', time: 't', logFile: '/x.log' });
process.stderr.write('first line\\nTypeError: cannot read the disk\\n');
process.exit(3);`);
    const { job, events } = launch(script);
    const result = await job.done;
    const codes = resultCodes('Failed', result.error, process.platform);
    expect(result).toMatchObject({
      type: 'result',
      status: 'Failed',
      exitCode: codes.exitCode,
      msiCode: codes.msiCode,
      error: { code: 'INSTALL_FAILED' },
    });
    expect(result.error?.message).toContain('exit code 3');
    expect(result.error?.message).toContain('TypeError: cannot read the disk');
    expect(events.map((event) => event.type)).toEqual(['job-started', 'result']);
    expect(events.at(-1)).toEqual(result);
  });

  it.each([
    'Error executing command as another user: Request dismissed',
    'Error executing command as another user: Not authorized',
  ])('reports a child that dies saying %j as NOT_ELEVATED', async (stderr) => {
    const script = childScript(`process.stderr.write(${JSON.stringify(`${stderr}\n`)}); process.exit(126);`);
    const result = await launch(script).job.done;
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'NOT_ELEVATED' } });
  });

  it('reports a pkexec that refuses as NOT_ELEVATED', async () => {
    const pkexec = fakePkexec(`echo "Error executing command as another user: Request dismissed" >&2\nexit 126`);
    const plan = spawnPlan(
      NODE,
      childScript(`emit({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null });`),
      [],
      'will-prompt',
      { pkexec, helper: ROOT_HELPER_PATH },
      'install',
    );
    const { job, events } = launch('', [], { plan });
    expect(await job.done).toMatchObject({
      status: 'Failed',
      error: { code: 'NOT_ELEVATED', message: 'administrator rights were not granted' },
    });
    expect(events.filter((event) => event.type === 'result')).toHaveLength(1);
  });

  it('trusts a result line over the exit code', async () => {
    const script = childScript(`
emit({ type: 'result', status: 'Failed', exitCode: 1, msiCode: 1603, error: { code: 'PACKAGE_NOT_FOUND', message: 'no package', remedy: 'copy it' } });
process.stderr.write('Request dismissed\\n');
process.exit(1);`);
    const { job, events } = launch(script);
    expect(await job.done).toEqual({
      type: 'result',
      status: 'Failed',
      exitCode: 1,
      msiCode: 1603,
      error: { code: 'PACKAGE_NOT_FOUND', message: 'no package', remedy: 'copy it' },
    });
    expect(events).toHaveLength(1);
  });

  it("writes the stdin option to the child's stdin, and it never appears in the child's argv or environment", async () => {
    const script = childScript(REPORTER);
    const args = ['-i', '10.0.0.5:443', '-P', '-', '--json'];
    const { job, events } = launch(script, args, { kind: 'register', stdin: `${SECRET}\n` });
    await job.done;
    const report = selfReport(events);
    expect(report.stdinSha).toBe(createHash('sha256').update(`${SECRET}\n`).digest('hex'));
    expect(report.stdinBytes).toBe(SECRET.length + 1);
    expect(report.argv.slice(1)).toEqual([script, ...args]);
    expect(JSON.stringify([report.argv, report.execArgv, report.env])).not.toContain('horse');
  });

  it("gives the child only PATH and the runtime's environment, not the app's", async () => {
    const runtime: CliRuntime = {
      command: process.execPath,
      env: { ASR_RUNTIME_MARK: 'yes' },
      nodeOptions: ['--max-semi-space-size=1'],
    };
    const script = childScript(REPORTER);
    const { job, events } = launch(script, ['--json'], {
      plan: spawnPlan(runtime, script, ['--json'], 'elevated', undefined, 'install'),
    });
    await job.done;
    const report = selfReport(events);
    expect(Object.keys(report.env).sort()).toEqual(['ASR_RUNTIME_MARK', 'PATH']);
    expect(report.execArgv).toEqual(['--max-semi-space-size=1']);
  });

  it('under a pkexec that empties the environment, the helper runs the CLI with its command, and stdin reaches it', async () => {
    const script = childScript(REPORTER);
    // A stand-in for the installed helper: like the real one, it finds the runtime itself.
    const helper = scratch.path('helper');
    fs.writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = configure ] || exit 2\nshift\nexec ${process.execPath} ${script} "$@"\n`,
      {
        mode: 0o755,
      },
    );
    const plan = spawnPlan(NODE, script, ['-P', '-'], 'will-prompt', { pkexec: fakePkexec(), helper }, 'configure');
    const { job, events } = launch(script, [], { plan, stdin: `${SECRET}\n` });
    expect(await job.done).toMatchObject({ status: 'Succeeded' });
    const report = selfReport(events);
    // Nothing of the app's environment, only what the shell itself sets.
    expect(Object.keys(report.env).filter((name) => name !== 'PWD')).toEqual([]);
    expect(report.argv.slice(1)).toEqual([script, '-P', '-']);
    expect(report.stdinSha).toBe(createHash('sha256').update(`${SECRET}\n`).digest('hex'));
  });

  it('closes stdin at once when there is nothing to write and no cancel-by-stdin', async () => {
    const script = childScript(REPORTER);
    const { job, events } = launch(script);
    await job.done;
    expect(selfReport(events)).toMatchObject({ stdinBytes: 0 });
  });

  it('with cancelByClosingStdin keeps stdin open until cancel(), which closes it and ends a child waiting for EOF', async () => {
    // The child ignores SIGTERM, as an elevated child (not ours to signal) effectively does: only the
    // closed pipe can end it.
    const script = childScript(`
process.on('SIGTERM', () => undefined);
process.stdin.on('data', () => undefined);
process.stdin.on('end', () => {
  emit({ type: 'result', status: 'Failed', exitCode: 1, msiCode: 1602, error: { code: 'CANCELLED', message: 'stdin closed', remedy: 'r' } });
  process.exit(0);
});
emit({ type: 'log', level: 'info', message: 'waiting for stdin to close', time: 't' });`);
    const events: JobEvent[] = [];
    const job: RunningJob = launchJob({
      kind: 'install',
      plan: spawnPlan(NODE, script, [], 'elevated', undefined, 'install'),
      cancelByClosingStdin: true,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'log') job.cancel();
      },
    });
    const result = await job.done;
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'CANCELLED', message: 'stdin closed' } });
    expect(events.map((event) => event.type)).toEqual(['log', 'result']);
  });

  // Issue 13: a cancel right after Install killed the child before its handlers were set, and the wizard said
  // "Installation failed … INSTALL_FAILED … killed by SIGTERM" for what the admin asked for.
  it('cancel() also stops a direct child that does not read stdin: CANCELLED (exit 4 / 1602), said to be our stop', async () => {
    const script = childScript(`
setInterval(() => undefined, 1000);
emit({ type: 'log', level: 'info', message: 'busy', time: 't' });`);
    const job: RunningJob = launchJob({
      kind: 'install',
      plan: spawnPlan(NODE, script, [], 'elevated', undefined, 'install'),
      cancelByClosingStdin: true,
      onEvent: (event) => {
        if (event.type === 'log') job.cancel();
      },
    });
    const result: ResultEvent = await job.done;
    const codes = resultCodes('Failed', result.error, process.platform);
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'CANCELLED' }, exitCode: codes.exitCode });
    expect(codes).toEqual(
      process.platform === 'win32' ? { exitCode: 1602, msiCode: 1602 } : { exitCode: 4, msiCode: 1602 },
    );
    expect(result.error?.message).toContain('stopped by the cancel (SIGTERM) before it could answer');
    expect(result.error?.message).toContain('nothing was changed');
    expect(result.error?.message).not.toMatch(/fail|unexpected/i);
  });

  it('a child that ends without a result after the cancel closed its stdin is cancelled too, not failed', async () => {
    const script = childScript(`
process.on('SIGTERM', () => undefined);
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
emit({ type: 'log', level: 'info', message: 'busy', time: 't' });`);
    const job: RunningJob = launchJob({
      kind: 'install',
      plan: spawnPlan(NODE, script, [], 'elevated', undefined, 'install'),
      cancelByClosingStdin: true,
      onEvent: (event) => {
        if (event.type === 'log') job.cancel();
      },
    });
    const result: ResultEvent = await job.done;
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'CANCELLED' } });
    expect(result.error?.message).toContain('ended after the cancel (exit code 0)');
  });

  it("cancel() of an elevated child (under pkexec, not ours to signal) only closes stdin, and the job ends with the child's own result", async () => {
    const script = childScript(`
process.on('SIGTERM', () => { emit({ type: 'log', level: 'error', message: 'was signalled', time: 't' }); process.exit(9); });
process.stdin.on('end', () => { emit({ type: 'result', status: 'Failed', exitCode: 4, msiCode: 1602, error: { code: 'CANCELLED', message: 'rolled back', remedy: 'r' } }); process.exit(4); });
process.stdin.resume();
emit({ type: 'log', level: 'info', message: 'busy', time: 't' });`);
    const events: JobEvent[] = [];
    const job: RunningJob = launchJob({
      kind: 'install',
      plan: spawnPlan(NODE, script, [], 'elevated', undefined, 'install'),
      cancelByClosingStdin: true,
      elevated: true,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'log') job.cancel();
      },
    });
    const result: ResultEvent = await job.done;
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'CANCELLED', message: 'rolled back' } });
    expect(events.filter((event) => event.type === 'result')).toHaveLength(1);
    expect(events.some((event) => event.type === 'log' && event.message === 'was signalled')).toBe(false);
  });

  it('ends a job whose program cannot be started with a Failed result saying so', async () => {
    const plan = { command: path.join(scratch.dir, 'no-such-program'), args: [], env: {} };
    const { job } = launch('', [], { plan });
    const result = await job.done;
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'INSTALL_FAILED' } });
    expect(result.error?.message).toMatch(/could not start: spawn .*no-such-program ENOENT/);
  });

  // Regression: when spawn fails Node emits 'error' and then 'close', and each used to end the job, so
  // the wizard received two results for one job.
  it('emits exactly one result event when the program cannot be started', async () => {
    const plan = { command: path.join(scratch.dir, 'no-such-program'), args: [], env: {} };
    const { job, events } = launch('', [], { plan });
    await job.done;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events.filter((event) => event.type === 'result')).toHaveLength(1);
  });
});

describe('a registration cancelled through its stdin', () => {
  it('gets the passphrase line with stdin left open, and hears the cancel as the pipe closing', async () => {
    const script = childScript(`
let data = '';
process.stdin.on('data', (chunk) => (data += chunk));
process.stdin.on('end', () =>
  emit({ type: 'result', status: 'Failed', exitCode: 4, msiCode: 1602, error: null, summary: { got: data } }),
);`);
    const { job } = launch(script, [], {
      kind: 'register',
      stdin: `${SECRET}\n`,
      cancelByClosingStdin: true,
      elevated: true,
    });
    const early = await Promise.race([job.done, new Promise((resolve) => setTimeout(() => resolve('waiting'), 500))]);
    // Still running: its stdin is open, waiting for the cancel.
    expect(early).toBe('waiting');
    job.cancel();
    const result = await job.done;
    expect(result.summary).toEqual({ got: `${SECRET}\n` });
  });
});
