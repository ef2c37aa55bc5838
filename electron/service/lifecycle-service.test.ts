import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  startReferenceConfigServer,
  type ReferenceConfigServer,
} from '../../e2e/config-server/reference-config-server';
import type { EventChannels } from '../../shared/ipc-contract';
import type { JobEvent } from '../../shared/job-events';
import { liveSystemProbe as liveProbe } from '../engine/system/system-probe';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI } from '../engine/test-support/run-cli';
import { IpcError } from './ipc-dispatch';
import type { CliRuntime } from './job-launcher';
import { helperCommandFor } from './job-slot';
import { createSetupService, diagnosticsFileName, type SetupService, type SetupServiceDeps } from './setup-service';

// The wizard's uninstall and Save diagnostics… through the setup service, running the built installer CLI
// as children exactly as main does, on temp roots.

const scratch = new Scratch();
const VERSION = '9.60.0.0';
const LOCATION = '/usr/local/ASR';
let repository: string;
const services: SetupService[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CLI.unifiedAgent)) throw new Error(`${CLI.unifiedAgent} is missing: run "npm run build"`);
  repository = scratch.path('repo');
  await makePackage(scratch, repository, VERSION, agentPayload(VERSION));
});
afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});
afterAll(() => scratch.cleanup());

type Payload = EventChannels['setup:job-event'];
type ResultEvent = Extract<JobEvent, { type: 'result' }>;

/** A runtime that appends each child's argv to a file (through --require) before running the CLI. */
function spyRuntime(): { runtime: CliRuntime; launches: () => string[][] } {
  const launchesFile = scratch.path('launches');
  const preload = `${scratch.path('spy')}.cjs`;
  fs.writeFileSync(
    preload,
    `if (require('node:worker_threads').isMainThread) require('node:fs').appendFileSync(${JSON.stringify(
      launchesFile,
    )}, JSON.stringify(process.argv) + '\\n');\n`,
  );
  return {
    runtime: { command: process.execPath, env: {}, nodeOptions: ['--require', preload] },
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

interface Fixture {
  readonly service: SetupService;
  readonly root: string;
  readonly events: Payload[];
  readonly saved: string[];
  run(start: Promise<{ jobId: string }>): Promise<ResultEvent>;
}

function makeService(overrides: Partial<SetupServiceDeps> = {}): Fixture {
  const root = makeRoot(scratch);
  const saved: string[] = [];
  const service = createSetupService({
    paths: { root, repository, logDir: undefined },
    probe: { ...liveProbe(), now: () => new Date('2026-11-30T21:05:09.123Z') },
    runtime: { command: process.execPath, env: {}, nodeOptions: [] },
    scripts: { unifiedAgent: CLI.unifiedAgent, configurator: CLI.configurator, pushInstall: CLI.pushInstall },
    elevation: 'elevated',
    elevator: undefined,
    browseFolder: async () => null,
    browseFile: async () => null,
    saveFile: async (name) => {
      saved.push(name);
      return null;
    },
    openFolder: async () => undefined,
    writeClipboard: () => undefined,
    closeApp: () => undefined,
    ...overrides,
  });
  services.push(service);
  const events: Payload[] = [];
  service.subscribe((channel, payload) => {
    if (channel === 'setup:job-event') events.push(payload as Payload);
  });
  const run = async (start: Promise<{ jobId: string }>): Promise<ResultEvent> => {
    const { jobId } = await start;
    let result: ResultEvent | undefined;
    await vi.waitFor(
      () => {
        const found = events.find((p) => p.jobId === jobId && p.event.type === 'result');
        expect(found).toBeDefined();
        result = found?.event as ResultEvent;
      },
      { timeout: 60_000, interval: 20 },
    );
    await vi.waitFor(async () => expect((await service.handlers['app:get-state']()).runningJob).toBeNull());
    return result as ResultEvent;
  };
  return { service, root, events, saved, run };
}

const install = (fixture: Fixture): Promise<ResultEvent> =>
  fixture.run(
    fixture.service.handlers['setup:start-install']({ role: 'MS', platform: 'VmWare', installLocation: LOCATION }),
  );

describe('setup:start-uninstall', () => {
  it('runs the installer bundle with --uninstall --json and the app paths, and removes the agent', async () => {
    const spy = spyRuntime();
    const fixture = makeService({ runtime: spy.runtime });
    expect((await install(fixture)).status).toBe('Succeeded');
    const started = fixture.service.handlers['setup:start-uninstall']({ passphrase: null });
    const result = await fixture.run(started);
    expect(result).toMatchObject({ status: 'Succeeded', error: null, summary: { installLocation: LOCATION } });
    const uninstallArgv = spy.launches().find((argv) => argv.includes('--uninstall'));
    expect(uninstallArgv?.slice(1)).toEqual([CLI.unifiedAgent, '--uninstall', '--json', '--root', fixture.root]);
    const jobId = (await started).jobId;
    const mine = fixture.events.filter((p) => p.jobId === jobId);
    expect(mine.every((p) => p.kind === 'uninstall')).toBe(true);
    expect(mine.map((p) => p.event.type === 'step-started' && p.event.step.id).filter(Boolean)).toEqual([
      'check',
      'service',
      'remove',
    ]);
    const state = await fixture.service.handlers['app:get-state']();
    expect(state.installed).toBeNull();
    expect(fs.existsSync(path.join(fixture.root, 'usr/local/ASR'))).toBe(false);
  });

  it('refuses a second job while one runs, before any child', async () => {
    const fixture = makeService();
    const started = fixture.service.handlers['setup:start-uninstall']({ passphrase: null });
    const second = await fixture.service.handlers['setup:start-uninstall']({ passphrase: null }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(second).toBeInstanceOf(IpcError);
    expect((second as IpcError).error.code).toBe('ANOTHER_INSTALL_RUNNING');
    expect((await fixture.run(started)).summary).toMatchObject({ installed: 'false' });
  });

  describe('with the configuration server', () => {
    let cs: ReferenceConfigServer;
    const passphrase = `uninstall-${process.pid}-correct-horse`;

    beforeAll(async () => {
      const passphraseFile = scratch.path('passphrase');
      fs.writeFileSync(passphraseFile, `${passphrase}\n`, { mode: 0o600 });
      cs = await startReferenceConfigServer({ host: '127.0.0.1', port: 0, passphraseFile });
    });
    afterAll(async () => {
      await cs.close();
    });

    it('a passphrase goes on stdin (-P -), never in argv, and the server is removed from the CS too', async () => {
      const spy = spyRuntime();
      const fixture = makeService({ runtime: spy.runtime });
      await install(fixture);
      const registered = await fixture.run(
        fixture.service.handlers['setup:register']({ endpoint: `127.0.0.1:${cs.port}`, passphrase }),
      );
      const hostId = registered.summary?.hostId;
      expect(cs.registeredHosts().map((host) => host.hostId)).toContain(hostId);
      const result = await fixture.run(fixture.service.handlers['setup:start-uninstall']({ passphrase }));
      expect(result).toMatchObject({ status: 'Succeeded', error: null });
      expect(cs.registeredHosts().map((host) => host.hostId)).not.toContain(hostId);
      const argv = spy.launches().find((a) => a.includes('--uninstall'));
      expect(argv?.slice(1)).toEqual([CLI.unifiedAgent, '--uninstall', '--json', '-P', '-', '--root', fixture.root]);
      for (const launched of spy.launches()) expect(launched.join(' ')).not.toContain(passphrase);
      expect(JSON.stringify(fixture.events)).not.toContain(passphrase);
    });

    it('a wrong passphrase stops the uninstall before anything is removed', async () => {
      const fixture = makeService();
      await install(fixture);
      await fixture.run(fixture.service.handlers['setup:register']({ endpoint: `127.0.0.1:${cs.port}`, passphrase }));
      const result = await fixture.run(
        fixture.service.handlers['setup:start-uninstall']({ passphrase: 'not-the-passphrase' }),
      );
      expect(result).toMatchObject({ status: 'Failed', error: { code: 'CS_AUTH_FAILED' } });
      expect((await fixture.service.handlers['app:get-state']()).installed).not.toBeNull();
    });
  });
});

describe('logs:save-diagnostics', () => {
  it('suggests a time-stamped name and does nothing when the save dialog is cancelled', async () => {
    const spy = spyRuntime();
    const fixture = makeService({ runtime: spy.runtime });
    expect(await fixture.service.handlers['logs:save-diagnostics']()).toBeNull();
    expect(fixture.saved).toEqual(['asr-setup-diagnostics-20261130-210509.tar.gz']);
    expect(spy.launches()).toEqual([]);
  });

  it('collects the bundle with the installer CLI as a diagnostics job, where the dialog said', async () => {
    const spy = spyRuntime();
    const folder = scratch.path('saved');
    fs.mkdirSync(folder, { mode: 0o700 });
    const file = path.join(folder, 'bundle.tar.gz');
    const fixture = makeService({ runtime: spy.runtime, saveFile: async () => file });
    await install(fixture);
    expect(await fixture.service.handlers['logs:save-diagnostics']()).toEqual({ path: file });
    const argv = spy.launches().find((a) => a.includes('--collect-diagnostics'));
    expect(argv?.slice(1)).toEqual([
      CLI.unifiedAgent,
      '--collect-diagnostics',
      file,
      '--json',
      '--repository',
      repository,
      '--root',
      fixture.root,
    ]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(fixture.events.some((p) => p.kind === 'diagnostics')).toBe(true);
  });

  it("answers the CLI's error when the bundle cannot be written", async () => {
    const file = path.join(scratch.path('missing-folder'), 'bundle.tar.gz');
    const fixture = makeService({ saveFile: async () => file });
    const error = await fixture.service.handlers['logs:save-diagnostics']().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(IpcError);
    expect((error as IpcError).error.code).toMatch(/INVALID_ARGUMENT|INSTALL_FAILED/);
  });
});

describe('the names', () => {
  it('diagnosticsFileName stamps the UTC time', () => {
    expect(diagnosticsFileName(new Date('2026-01-02T03:04:05.678Z'))).toBe(
      'asr-setup-diagnostics-20260102-030405.tar.gz',
    );
  });

  it('every job kind runs under the helper command of its bundle', () => {
    expect(helperCommandFor('install')).toBe('install');
    expect(helperCommandFor('uninstall')).toBe('install');
    expect(helperCommandFor('diagnostics')).toBe('install');
    expect(helperCommandFor('register')).toBe('configure');
  });
});
