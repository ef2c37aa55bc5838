import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  startReferenceConfigServer,
  type ReferenceConfigServer,
} from '../../e2e/config-server/reference-config-server';
import type { SetupError } from '../../shared/error-catalog';
import type { EventChannels, InstallOptions, JobStarted, LogName } from '../../shared/ipc-contract';
import type { JobEvent } from '../../shared/job-events';
import { SETUP_VERSION } from '../../shared/product';
import { configuratorLogFile, installerLogFile, systemLayout } from '../engine/system/system-layout';
import { liveSystemProbe, type SystemProbe } from '../engine/system/system-probe';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI } from '../engine/test-support/run-cli';
import { dispatchInvoke, IpcError } from './ipc-dispatch';
import type { CliRuntime } from './job-launcher';
import { createSetupService, type SetupService, type SetupServiceDeps } from './setup-service';

// The setup service with no Electron around it: a real service on a temp root, running the built CLIs as
// children exactly as the wizard does, driven through its handlers and its event subscription.

const scratch = new Scratch();
const VERSION = '9.60.0.0';
const DEFAULT_LOCATION = '/usr/local/ASR';
const MS_VMWARE: InstallOptions = { role: 'MS', platform: 'VmWare', installLocation: DEFAULT_LOCATION };
const NODE: CliRuntime = { command: process.execPath, env: {}, nodeOptions: [] };

let repository: string;
const services: SetupService[] = [];
const stops: (() => void)[] = [];

beforeAll(async () => {
  for (const script of [CLI.unifiedAgent, CLI.configurator])
    if (!fs.existsSync(script)) throw new Error(`${script} is missing: run "npm run build" before the tests`);
  repository = scratch.path('repo');
  await makePackage(scratch, repository, VERSION, agentPayload(VERSION));
});

afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  for (const service of services.splice(0)) service.dispose();
});

afterAll(() => scratch.cleanup());

type JobEventPayload = EventChannels['setup:job-event'];
type ResultEvent = Extract<JobEvent, { type: 'result' }>;

interface Fixture {
  readonly service: SetupService;
  readonly root: string;
  readonly calls: string[];
}

function makeService(overrides: Partial<SetupServiceDeps> = {}): Fixture {
  const root = makeRoot(scratch);
  const calls: string[] = [];
  const service = createSetupService({
    paths: { root, repository, logDir: undefined },
    probe: liveSystemProbe(),
    runtime: NODE,
    scripts: { unifiedAgent: CLI.unifiedAgent, configurator: CLI.configurator, pushInstall: CLI.pushInstall },
    elevation: 'elevated',
    elevator: undefined,
    browseFolder: async (current) => {
      calls.push(`browse ${current}`);
      return current === '/cancel' ? null : '/srv/asr';
    },
    browseFile: async () => null,
    saveFile: async () => null,
    openFolder: async (folder) => {
      calls.push(`open ${folder}`);
    },
    writeClipboard: (text) => {
      calls.push(`clipboard ${text}`);
    },
    closeApp: () => {
      calls.push('close');
    },
    ...overrides,
  });
  services.push(service);
  return { service, root, calls };
}

/**
 * A runtime that runs each CLI child after a --require'd script has appended the child's argv to a file
 * and, optionally, slept synchronously (a failpoint: the job is certainly still running meanwhile). The
 * script file carries its own settings, so each fixture's spy is independent of the others.
 */
function spyRuntime(
  sleepMs = 0,
  env: Record<string, string> = {},
): { runtime: CliRuntime; launches: () => string[][] } {
  const launchesFile = scratch.path('launches');
  const preload = `${scratch.path('spy')}.cjs`;
  fs.writeFileSync(
    preload,
    [
      // Worker threads inherit --require; only the process's main thread is a launch.
      `if (require('node:worker_threads').isMainThread) {`,
      `  require('node:fs').appendFileSync(${JSON.stringify(launchesFile)}, JSON.stringify(process.argv) + '\\n');`,
      sleepMs > 0 ? `  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${sleepMs});` : '',
      '}',
    ].join('\n'),
  );
  return {
    runtime: { command: process.execPath, env, nodeOptions: ['--require', preload] },
    launches: () =>
      fs.existsSync(launchesFile)
        ? fs
            .readFileSync(launchesFile, 'utf8')
            .split('\n')
            .filter((line) => line !== '')
            .map((line) => JSON.parse(line) as string[])
        : [],
  };
}

/** Everything the service sends to a subscriber. */
function listen(service: SetupService): {
  jobEvents: JobEventPayload[];
  logChanges: EventChannels['logs:changed'][];
  resultOf(jobId: string): Promise<ResultEvent>;
} {
  const jobEvents: JobEventPayload[] = [];
  const logChanges: EventChannels['logs:changed'][] = [];
  const waiters: (() => void)[] = [];
  const unsubscribe = service.subscribe((channel, payload) => {
    if (channel === 'setup:job-event') jobEvents.push(payload as JobEventPayload);
    else logChanges.push(payload as EventChannels['logs:changed']);
    for (const wake of waiters.splice(0)) wake();
  });
  stops.push(unsubscribe);
  const find = (jobId: string): ResultEvent | undefined => {
    for (const payload of jobEvents)
      if (payload.jobId === jobId && payload.event.type === 'result') return payload.event;
    return undefined;
  };
  const resultOf = async (jobId: string): Promise<ResultEvent> => {
    for (;;) {
      const found = find(jobId);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { jobEvents, logChanges, resultOf };
}

async function ipcErrorOf(promise: Promise<unknown>): Promise<SetupError> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(IpcError);
  return (outcome.error as IpcError).error;
}

async function waitUntilIdle(service: SetupService): Promise<void> {
  await vi.waitFor(async () => expect((await service.handlers['app:get-state']()).runningJob).toBeNull(), {
    timeout: 30_000,
    interval: 20,
  });
}

async function install(
  fixture: Fixture,
  options: InstallOptions = MS_VMWARE,
): Promise<{ started: JobStarted; result: ResultEvent; events: JobEvent[] }> {
  const listener = listen(fixture.service);
  const started = await fixture.service.handlers['setup:start-install'](options);
  const result = await listener.resultOf(started.jobId);
  await waitUntilIdle(fixture.service);
  return { started, result, events: listener.jobEvents.filter((p) => p.jobId === started.jobId).map((p) => p.event) };
}

function findFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .flatMap((entry) => (entry.isFile() ? [path.join(entry.parentPath, entry.name)] : []));
}

describe('app:get-state', () => {
  it('before any install reports the app and no agent, no registration and no running job', async () => {
    const { service, root } = makeService();
    expect(await service.handlers['app:get-state']()).toEqual({
      version: SETUP_VERSION,
      hostPlatform: 'linux',
      defaultInstallLocation: DEFAULT_LOCATION,
      elevation: 'elevated',
      installed: null,
      registration: null,
      runningJob: null,
      locale: 'en',
      installerLog: path.join(root, 'var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log'),
    });
  });

  it('reports the language asked for, and English for one that is not a language tag', async () => {
    expect((await makeService({ locale: 'de-AT' }).service.handlers['app:get-state']()).locale).toBe('de-AT');
    expect((await makeService({ locale: 'x'.repeat(40) }).service.handlers['app:get-state']()).locale).toBe('en');
    expect((await makeService({ locale: '' }).service.handlers['app:get-state']()).locale).toBe('en');
  });

  it('reports the elevation mode it was built with', async () => {
    const { service } = makeService({
      elevation: 'will-prompt',
      elevator: { pkexec: '/usr/bin/pkexec', helper: '/opt/mobility-service-setup/resources/asr-setup-helper' },
    });
    expect((await service.handlers['app:get-state']()).elevation).toBe('will-prompt');
  });
});

describe('setup:start-install', () => {
  it('installs through the CLI; events carry the job id and kind, and get-state then shows the installed agent', async () => {
    const fixture = makeService();
    const { started, result, events } = await install(fixture);
    expect(started.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result).toMatchObject({ status: 'Succeeded', exitCode: 0, error: null });
    expect(result.summary).toMatchObject({ agentVersion: VERSION });
    expect(events[0]).toMatchObject({ type: 'job-started', job: 'install' });
    expect(events.at(-1)).toEqual(result);
    const state = await fixture.service.handlers['app:get-state']();
    expect(state.installed).toEqual({
      agentVersion: VERSION,
      installLocation: DEFAULT_LOCATION,
      role: 'MS',
      platform: 'VmWare',
      status: 'Succeeded',
      // Under a test root there is no service manager to ask.
      service: 'unknown',
    });
    expect(state.registration).toBeNull();
    expect(state.runningJob).toBeNull();
    expect(fs.readFileSync(path.join(fixture.root, 'usr/local/ASR/etc/drscout.conf'), 'utf8')).toBe(
      `Version=${VERSION}\n`,
    );
  });

  it('runs the unified agent CLI with the options, --json, --cancel-on-stdin-eof and the app paths', async () => {
    const spy = spyRuntime();
    const fixture = makeService({ runtime: spy.runtime });
    await install(fixture, { role: 'MT', platform: 'Azure', installLocation: '/opt/ASR' });
    const [argv, ...others] = spy.launches();
    expect(others).toEqual([]);
    expect(argv?.slice(1)).toEqual([
      CLI.unifiedAgent,
      '-r',
      'MT',
      '-v',
      'Azure',
      '-d',
      '/opt/ASR',
      '--json',
      '--cancel-on-stdin-eof',
      '--repository',
      repository,
      '--root',
      fixture.root,
    ]);
  });

  it.each(['/etc/asr', 'relative/dir', '/usr/local/../../etc/asr', '/opt/a\u0000b'])(
    'refuses the location %j as INSTALL_LOCATION_INVALID before starting any child',
    async (installLocation) => {
      const spy = spyRuntime();
      const fixture = makeService({ runtime: spy.runtime });
      const error = await ipcErrorOf(
        fixture.service.handlers['setup:start-install']({ ...MS_VMWARE, installLocation }),
      );
      expect(error.code).toBe('INSTALL_LOCATION_INVALID');
      expect((await fixture.service.handlers['app:get-state']()).runningJob).toBeNull();
      await install(fixture);
      expect(spy.launches()).toHaveLength(1);
    },
  );

  it('while a job runs, get-state names it, and a second install or a registration is ANOTHER_INSTALL_RUNNING', async () => {
    const slow = spyRuntime(1500);
    const fixture = makeService({ runtime: slow.runtime });
    const listener = listen(fixture.service);
    const first = await fixture.service.handlers['setup:start-install'](MS_VMWARE);
    expect((await fixture.service.handlers['app:get-state']()).runningJob).toEqual({
      jobId: first.jobId,
      kind: 'install',
    });

    const second = await ipcErrorOf(fixture.service.handlers['setup:start-install'](MS_VMWARE));
    expect(second.code).toBe('ANOTHER_INSTALL_RUNNING');
    expect(second.message).toBe('a install job is already running in this window');
    const register = await ipcErrorOf(
      fixture.service.handlers['setup:register']({ endpoint: '127.0.0.1:1', passphrase: 'p' }),
    );
    expect(register.code).toBe('ANOTHER_INSTALL_RUNNING');
    // Through the IPC gate the same refusal is an envelope the wizard can show.
    expect(await dispatchInvoke(fixture.service.handlers, 'setup:start-install', MS_VMWARE)).toMatchObject({
      ok: false,
      error: { code: 'ANOTHER_INSTALL_RUNNING' },
    });

    expect(await listener.resultOf(first.jobId)).toMatchObject({ status: 'Succeeded' });
    expect(slow.launches()).toHaveLength(1);
    await waitUntilIdle(fixture.service);
    // Once the job has ended another one may start.
    const again = await install(fixture);
    expect(again.result).toMatchObject({ status: 'Succeeded' });
  });

  it('setup:cancel of the running install stops it and rolls it back', async () => {
    const failpoints = scratch.path('failpoints');
    fs.mkdirSync(failpoints);
    const fixture = makeService({
      runtime: {
        command: process.execPath,
        env: { ASRSETUP_TEST_FAILPOINT: 'after-journal', ASRSETUP_TEST_FAILPOINT_DIR: failpoints },
        nodeOptions: [],
      },
    });
    const listener = listen(fixture.service);
    const started = await fixture.service.handlers['setup:start-install'](MS_VMWARE);
    await vi.waitFor(() => expect(fs.existsSync(path.join(failpoints, 'after-journal.reached'))).toBe(true), {
      timeout: 30_000,
      interval: 20,
    });

    await fixture.service.handlers['setup:cancel']({ jobId: '00000000-0000-0000-0000-000000000000' });
    await fixture.service.handlers['setup:cancel']({ jobId: started.jobId });
    fs.writeFileSync(path.join(failpoints, 'after-journal.continue'), '');

    const result = await listener.resultOf(started.jobId);
    expect(result.status).toBe('Failed');
    expect(result.error?.code).toBe('CANCELLED');
    await waitUntilIdle(fixture.service);
    expect((await fixture.service.handlers['app:get-state']()).installed).toBeNull();
    expect(fs.existsSync(path.join(fixture.root, 'usr/local/ASR/etc/drscout.conf'))).toBe(false);
  });
});

describe('setup:preflight', () => {
  it('on a fresh root with the default location passes every check', async () => {
    const { service } = makeService();
    const summary = await service.handlers['setup:preflight'](MS_VMWARE);
    expect(summary).toMatchObject({ installLocation: DEFAULT_LOCATION, mode: 'fresh', canInstall: true });
    // The wizard's header names the agent version Install would lay down (issue 13).
    expect(summary.agentVersion).toBe(VERSION);
    expect(summary.items.filter((item) => item.ok !== true)).toEqual([]);
    expect(summary.items.map((item) => item.id)).toEqual(
      expect.arrayContaining(['elevation', 'os', 'package', 'location', 'disk']),
    );
  });

  it.each(['/etc/asr', 'relative/dir'])(
    'refuses the location %j as INSTALL_LOCATION_INVALID, and canInstall is false',
    async (installLocation) => {
      const { service } = makeService();
      const summary = await service.handlers['setup:preflight']({ ...MS_VMWARE, installLocation });
      const location = summary.items.find((item) => item.id === 'location');
      expect(location).toMatchObject({ ok: false, code: 'INSTALL_LOCATION_INVALID' });
      expect(location?.remedy).toBeTypeOf('string');
      expect(summary.canInstall).toBe(false);
    },
  );

  it('after an install reports a repair of the installed version', async () => {
    const fixture = makeService();
    await install(fixture);
    const summary = await fixture.service.handlers['setup:preflight'](MS_VMWARE);
    expect(summary).toMatchObject({ mode: 'repair', canInstall: true });
  });

  it('when not root but pkexec can prompt, the elevation item is ok and says rights will be requested with pkexec', async () => {
    const notRoot: SystemProbe = { ...liveSystemProbe(), isElevated: () => false };
    const { service } = makeService({
      probe: notRoot,
      elevation: 'will-prompt',
      elevator: { pkexec: '/usr/bin/pkexec', helper: '/opt/mobility-service-setup/resources/asr-setup-helper' },
    });
    const summary = await service.handlers['setup:preflight'](MS_VMWARE);
    const elevation = summary.items.find((item) => item.id === 'elevation');
    expect(elevation).toEqual({
      id: 'elevation',
      title: 'Administrator rights',
      ok: true,
      message: 'administrator rights will be requested (pkexec) when you select Install',
    });
    expect(summary.canInstall).toBe(true);
  });

  it('when not root and no prompt is possible, the elevation item fails with a remedy naming pkexec and sudo', async () => {
    const notRoot: SystemProbe = { ...liveSystemProbe(), isElevated: () => false };
    const { service } = makeService({ probe: notRoot, elevation: 'unavailable' });
    const summary = await service.handlers['setup:preflight'](MS_VMWARE);
    const elevation = summary.items.find((item) => item.id === 'elevation');
    expect(elevation).toMatchObject({ ok: false, code: 'NOT_ELEVATED' });
    expect(elevation?.message).toMatch(/this app cannot ask for them here$/);
    expect(elevation?.remedy).toMatch(/pkexec/);
    expect(elevation?.remedy).toMatch(/sudo/);
    expect(summary.canInstall).toBe(false);
  });
});

describe('setup:register', () => {
  it.each(['cs.contoso.com', 'https://10.0.0.5', '10.0.0.5:0', ' 10.0.0.5'])(
    'refuses the endpoint %j as INVALID_ARGUMENT and starts nothing',
    async (endpoint) => {
      const spy = spyRuntime();
      const fixture = makeService({ runtime: spy.runtime });
      const listener = listen(fixture.service);
      const error = await ipcErrorOf(
        fixture.service.handlers['setup:register']({ endpoint, passphrase: 'correct horse battery staple' }),
      );
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(JSON.stringify(error)).not.toContain('horse');
      expect((await fixture.service.handlers['app:get-state']()).runningJob).toBeNull();
      // A job started afterwards is the only child ever launched.
      await install(fixture);
      expect(spy.launches().map((argv) => argv[1])).toEqual([CLI.unifiedAgent]);
      expect(listener.jobEvents.every((payload) => payload.kind === 'install')).toBe(true);
    },
  );

  describe('against the reference configuration server', () => {
    let cs: ReferenceConfigServer;
    const passphrase = `wizard-${process.pid}-correct-horse-battery-staple`;

    beforeAll(async () => {
      const passphraseFile = scratch.path('passphrase');
      fs.writeFileSync(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
      cs = await startReferenceConfigServer({ host: '127.0.0.1', port: 0, passphraseFile });
    });
    afterAll(async () => {
      await cs.close();
    });

    it('registers an installed agent; the passphrase reaches the configurator on stdin only', async () => {
      const spy = spyRuntime(1500);
      const fixture = makeService({ runtime: spy.runtime });
      await install(fixture);
      const listener = listen(fixture.service);

      const seen = { configurator: 0, leaks: [] as string[] };
      const sample = (): void => {
        for (const pid of fs.readdirSync('/proc')) {
          if (!/^\d+$/.test(pid)) continue;
          for (const file of ['cmdline', 'environ']) {
            let text: string;
            try {
              text = fs.readFileSync(`/proc/${pid}/${file}`, 'latin1').replaceAll('\0', ' ');
            } catch {
              continue; // the process ended
            }
            if (file === 'cmdline' && text.includes(CLI.configurator)) seen.configurator++;
            if (text.includes(passphrase)) seen.leaks.push(`${pid}/${file}: ${text}`);
          }
        }
      };
      const sampler = setInterval(sample, 10);
      stops.push(() => clearInterval(sampler));

      const endpoint = `127.0.0.1:${cs.port}`;
      const started = await fixture.service.handlers['setup:register']({ endpoint, passphrase });
      expect((await fixture.service.handlers['app:get-state']()).runningJob).toEqual({
        jobId: started.jobId,
        kind: 'register',
      });
      const result = await listener.resultOf(started.jobId);
      clearInterval(sampler);

      expect(result).toMatchObject({ status: 'Succeeded', error: null });
      const hostId = result.summary?.hostId;
      expect(hostId).toMatch(/^[0-9a-f-]{36}$/);
      expect(cs.registeredHosts().map((host) => host.hostId)).toContain(hostId);
      expect(listener.jobEvents.filter((p) => p.jobId === started.jobId).every((p) => p.kind === 'register')).toBe(
        true,
      );

      // The child was seen running (the spy's 1.5 s pause guarantees it) and no process ever showed the passphrase.
      expect(seen.configurator).toBeGreaterThan(0);
      expect(seen.leaks).toEqual([]);
      const configuratorArgv = spy.launches().find((argv) => argv[1] === CLI.configurator);
      expect(configuratorArgv?.slice(1)).toEqual([
        CLI.configurator,
        '-i',
        endpoint,
        '-P',
        '-',
        // Cancel closes stdin: a configurator running as root cannot be signalled.
        '--cancel-on-stdin-eof',
        '--json',
        '--root',
        fixture.root,
        '-d',
        DEFAULT_LOCATION,
      ]);

      // Nothing on disk holds it either: not the configurator log, not any file under the root.
      const log = fs.readFileSync(configuratorLogFile(systemLayout('linux', fixture.root), undefined), 'utf8');
      expect(log).toMatch(/Result: Succeeded/);
      expect(log).not.toContain(passphrase);
      for (const file of findFiles(fixture.root))
        expect(fs.readFileSync(file, 'latin1').includes(passphrase), file).toBe(false);

      await waitUntilIdle(fixture.service);
      const state = await fixture.service.handlers['app:get-state']();
      expect(state.registration).toMatchObject({ csEndpoint: endpoint, hostId, fingerprint: cs.fingerprint });
    });

    it('a wrong passphrase ends the job with CS_AUTH_FAILED and no registration', async () => {
      const fixture = makeService();
      await install(fixture);
      const listener = listen(fixture.service);
      const started = await fixture.service.handlers['setup:register']({
        endpoint: `127.0.0.1:${cs.port}`,
        passphrase: 'not-the-passphrase',
      });
      expect(await listener.resultOf(started.jobId)).toMatchObject({
        status: 'Failed',
        error: { code: 'CS_AUTH_FAILED' },
      });
      await waitUntilIdle(fixture.service);
      expect((await fixture.service.handlers['app:get-state']()).registration).toBeNull();
    });
  });
});

describe('logs', () => {
  it('logs:info and logs:read describe and return the installer log the install wrote', async () => {
    const fixture = makeService();
    const before = await fixture.service.handlers['logs:info']({ log: 'installer' });
    expect(before).toMatchObject({
      name: 'installer',
      fileName: 'ASRUnifiedAgentInstaller.log',
      exists: false,
      size: 0,
      lineCount: 0,
      runs: [],
    });

    await install(fixture);
    const file = installerLogFile(systemLayout('linux', fixture.root), undefined);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();

    const info = await fixture.service.handlers['logs:info']({ log: 'installer' });
    expect(info).toMatchObject({
      name: 'installer',
      fileName: 'ASRUnifiedAgentInstaller.log',
      exists: true,
      size: fs.statSync(file).size,
      lineCount: lines.length,
    });
    expect(info.runs).toHaveLength(1);
    expect(info.runs[0]?.title).toMatch(/Mobility Service Setup/);

    const window = await fixture.service.handlers['logs:read']({
      query: { log: 'installer', level: 'all', text: '' },
      first: 0,
      count: 2000,
    });
    expect(window.total).toBe(lines.length);
    expect(window.first).toBe(0);
    expect(window.lines.map((line) => line.text)).toEqual(lines);
    expect(window.lines.map((line) => line.number)).toEqual(lines.map((_, i) => i));

    const results = await fixture.service.handlers['logs:read']({
      query: { log: 'installer', level: 'all', text: 'result: succeeded' },
      first: 0,
      count: 10,
    });
    expect(results.total).toBeGreaterThan(0);
    for (const line of results.lines) expect(line.text.toLowerCase()).toContain('result: succeeded');

    const errors = await fixture.service.handlers['logs:read']({
      query: { log: 'installer', level: 'error', text: '' },
      first: 0,
      count: 10,
    });
    expect(errors.lines.filter((line) => line.level !== 'error')).toEqual([]);
  });

  it('logs:copy puts the whole log, read by main from the file, on the clipboard; info names its full path', async () => {
    const fixture = makeService();
    const file = installerLogFile(systemLayout('linux', fixture.root), undefined);
    const long = `2026-11-25T17:59:34.507Z INFO  ${'x'.repeat(12_000)}`;
    const lines = [...Array.from({ length: 450 }, (_, i) => `2026-11-25T17:59:34.507Z INFO  line ${i}`), long];
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    expect((await fixture.service.handlers['logs:info']({ log: 'installer' })).path).toBe(file);

    const copied = await fixture.service.handlers['logs:copy']({
      query: { log: 'installer', level: 'all', text: '' },
      run: null,
    });
    expect(copied).toEqual({ kind: 'copied', lines: 451, bytes: Buffer.byteLength(lines.join('\n')) });
    // Every line, the 12,000-character one whole: not the 200-line blocks the view loaded, not cut.
    expect(fixture.calls).toEqual([`clipboard ${lines.join('\n')}`]);
  });

  it('logs:copy of a run copies that run only, under the filter; an unknown run is refused', async () => {
    const fixture = makeService();
    const file = installerLogFile(systemLayout('linux', fixture.root), undefined);
    const rule = '='.repeat(100);
    const header = (title: string): string[] => [rule, `${title}: run started 2026-11-25T17:59:34.507Z`, rule];
    const first = [...header('Install'), '2026-11-25T17:59:34.507Z ERROR first run failed'];
    const second = [
      ...header('Repair'),
      '2026-11-25T17:59:35.507Z INFO  second',
      '2026-11-25T17:59:36.507Z ERROR second',
    ];
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${[...first, ...second].join('\n')}\n`);
    const runs = (await fixture.service.handlers['logs:info']({ log: 'installer' })).runs;
    expect(runs.map((run) => run.line)).toEqual([0, 4]);

    const all = { log: 'installer', level: 'all', text: '' } as const;
    expect(await fixture.service.handlers['logs:copy']({ query: all, run: 0 })).toMatchObject({ lines: 4 });
    expect(await fixture.service.handlers['logs:copy']({ query: { ...all, level: 'error' }, run: 4 })).toMatchObject({
      lines: 1,
    });
    expect(fixture.calls).toEqual([`clipboard ${first.join('\n')}`, `clipboard ${second[4]}`]);
    await expect(fixture.service.handlers['logs:copy']({ query: all, run: 2 })).rejects.toMatchObject({
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('does not start a run') },
    });
  });

  it('logs:info of the configurator log before any registration says it does not exist', async () => {
    const { service } = makeService();
    expect(await service.handlers['logs:info']({ log: 'configurator' })).toMatchObject({
      name: 'configurator',
      fileName: 'ASRUnifiedAgentConfigurator.log',
      exists: false,
      lineCount: 0,
    });
  });

  it('subscribe forwards logs:changed once a job has written the installer log', async () => {
    const fixture = makeService();
    const listener = listen(fixture.service);
    await install(fixture);
    const file = installerLogFile(systemLayout('linux', fixture.root), undefined);
    const size = fs.statSync(file).size;
    await vi.waitFor(
      () => expect(listener.logChanges.some((change) => change.log === 'installer' && change.size === size)).toBe(true),
      { timeout: 10_000, interval: 50 },
    );
    const last = [...listener.logChanges].reverse().find((change) => change.log === ('installer' satisfies LogName));
    expect(last?.lineCount).toBeGreaterThan(0);
    expect(listener.logChanges.every((change) => change.log === 'installer')).toBe(true);
  });
});

describe('the other calls', () => {
  it('setup:browse-location hands the current value to the folder picker and wraps its answer', async () => {
    const { service, calls } = makeService();
    expect(await service.handlers['setup:browse-location']({ current: '/usr/local/ASR' })).toEqual({
      path: '/srv/asr',
    });
    expect(await service.handlers['setup:browse-location']({ current: '/cancel' })).toBeNull();
    expect(calls).toEqual(['browse /usr/local/ASR', 'browse /cancel']);
  });

  it('logs:open-folder opens the folder of the installer log', async () => {
    const { service, root, calls } = makeService();
    await service.handlers['logs:open-folder']({ log: 'installer' });
    expect(calls).toEqual([`open ${path.join(root, 'var/log/ASRSetupLogs')}`]);
  });

  it('logs:open-folder opens the folder of the log named: the push log has its own', async () => {
    const { service, calls } = makeService();
    await service.handlers['logs:open-folder']({ log: 'push' });
    const info = await service.handlers['logs:info']({ log: 'push' });
    expect(calls).toEqual([`open ${path.dirname(info.path)}`]);
    expect(path.basename(info.path)).toBe('ASRPushInstall.log');
  });

  it('app:copy-text puts the text on the clipboard through main, as it is', async () => {
    const { service, calls } = makeService();
    await service.handlers['app:copy-text']({ text: 'Host ID: 4f0c\nFingerprint: ab12' });
    expect(calls).toEqual(['clipboard Host ID: 4f0c\nFingerprint: ab12']);
  });

  it('app:close closes the app', async () => {
    const { service, calls } = makeService();
    await service.handlers['app:close']();
    expect(calls).toEqual(['close']);
  });

  it('setup:cancel of an unknown job does nothing', async () => {
    const { service } = makeService();
    await expect(
      service.handlers['setup:cancel']({ jobId: '00000000-0000-0000-0000-000000000000' }),
    ).resolves.toBeUndefined();
  });
});
