import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SetupError } from '../../shared/error-catalog';
import {
  decodeIpcError,
  SETUP_API_TASKS,
  SETUP_API_METHODS,
  type EventChannels,
  type InstallOptions,
  type LogQuery,
  type PushRequest,
  type SetupApi,
} from '../../shared/ipc-contract';

// The preload as the sandboxed page sees it, through a stand-in electron module: what it puts on the main
// world, which channel and argument each task-level call sends, how a failed envelope surfaces, and that a
// listener can be removed.

type RendererListener = (event: unknown, payload: unknown) => void;

const fake = vi.hoisted(() => {
  const state = {
    exposed: [] as { key: string; api: unknown }[],
    invokes: [] as { channel: string; arg: unknown }[],
    listeners: new Map<string, RendererListener[]>(),
    removed: [] as { channel: string; listener: RendererListener }[],
    /** What the next ipcRenderer.invoke resolves to. */
    reply: { ok: true, value: undefined } as unknown,
  };
  const contextBridge = {
    exposeInMainWorld: (key: string, api: unknown): void => {
      state.exposed.push({ key, api });
    },
  };
  const ipcRenderer = {
    invoke: async (channel: string, arg: unknown): Promise<unknown> => {
      state.invokes.push({ channel, arg });
      return state.reply;
    },
    on: (channel: string, listener: RendererListener): unknown => {
      state.listeners.set(channel, [...(state.listeners.get(channel) ?? []), listener]);
      return ipcRenderer;
    },
    removeListener: (channel: string, listener: RendererListener): unknown => {
      state.removed.push({ channel, listener });
      state.listeners.set(
        channel,
        (state.listeners.get(channel) ?? []).filter((l) => l !== listener),
      );
      return ipcRenderer;
    },
  };
  return { state, contextBridge, ipcRenderer };
});

vi.mock('electron', () => ({ contextBridge: fake.contextBridge, ipcRenderer: fake.ipcRenderer }));

let api: SetupApi;
/** What the preload exposed, and what ipcRenderer saw, while it loaded. */
let exposedAtLoad: { key: string; api: unknown }[] = [];
let invokesAtLoad: { channel: string; arg: unknown }[] = [];

function resetFake(): void {
  fake.state.exposed.length = 0;
  fake.state.invokes.length = 0;
  fake.state.removed.length = 0;
  fake.state.listeners.clear();
  fake.state.reply = { ok: true, value: undefined };
}

/** Loads a fresh copy of the preload, whose early app:get-state gets `reply`; returns what it exposed. */
async function loadPreload(reply: unknown = { ok: true, value: undefined }): Promise<SetupApi> {
  vi.resetModules();
  resetFake();
  fake.state.reply = reply;
  await import('./preload');
  expect(fake.state.exposed).toHaveLength(1);
  return fake.state.exposed[0]?.api as SetupApi;
}

beforeAll(async () => {
  api = await loadPreload();
  exposedAtLoad = [...fake.state.exposed];
  invokesAtLoad = [...fake.state.invokes];
  // The early app-state answer is taken here, so every getState() below asks main again.
  await api.getState();
});

beforeEach(() => {
  fake.state.invokes.length = 0;
  fake.state.removed.length = 0;
  fake.state.listeners.clear();
  fake.state.reply = { ok: true, value: undefined };
});

const OPTIONS: InstallOptions = { role: 'MS', platform: 'VmWare', installLocation: '/usr/local/ASR' };
const QUERY: LogQuery = { log: 'installer', level: 'warn', text: 'rollback' };
const JOB_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function listenersOn(channel: string): RendererListener[] {
  return fake.state.listeners.get(channel) ?? [];
}

describe('what the preload exposes', () => {
  it('exposes one object, as window.mobilitySetup', () => {
    expect(exposedAtLoad.map((e) => e.key)).toEqual(['mobilitySetup']);
  });

  it('exposes exactly the SETUP_API_METHODS allowlist, every one a function', () => {
    const exposed = exposedAtLoad[0]?.api as Record<string, unknown>;
    expect(Object.keys(exposed).sort()).toEqual([...SETUP_API_METHODS].sort());
    for (const name of SETUP_API_METHODS) expect(typeof exposed[name], name).toBe('function');
  });

  it('exposes no transport: no ipcRenderer, invoke, send, on or channel-level access', () => {
    const exposed = exposedAtLoad[0]?.api as Record<string, unknown>;
    for (const name of ['ipcRenderer', 'invoke', 'send', 'sendSync', 'on', 'once', 'removeListener', 'postMessage'])
      expect(exposed).not.toHaveProperty(name);
    expect(Object.values(exposed)).not.toContain(fake.ipcRenderer);
    expect(Object.values(exposed)).not.toContain(fake.ipcRenderer.invoke);
  });
});

describe('the early app state', () => {
  it('asks main for the app state once, as soon as the preload runs', () => {
    expect(invokesAtLoad).toEqual([{ channel: 'app:get-state', arg: undefined }]);
  });

  it('the first getState() takes that early answer; later ones ask main again', async () => {
    const early = { version: '1.0.0', installed: null, marker: 'early' };
    const fresh = await loadPreload({ ok: true, value: early });
    expect(fake.state.invokes).toEqual([{ channel: 'app:get-state', arg: undefined }]);
    fake.state.reply = { ok: true, value: { version: '1.0.0', installed: null, marker: 'later' } };
    await expect(fresh.getState()).resolves.toEqual(early);
    expect(fake.state.invokes).toHaveLength(1);
    await expect(fresh.getState()).resolves.toMatchObject({ marker: 'later' });
    expect(fake.state.invokes).toEqual([
      { channel: 'app:get-state', arg: undefined },
      { channel: 'app:get-state', arg: undefined },
    ]);
  });

  it('a failed early answer rejects the first getState() with the decoded error, and the next one asks again', async () => {
    const error: SetupError = {
      code: 'INVALID_ARGUMENT',
      message: 'refused app:get-state from an untrusted sender',
      remedy: 'r',
    };
    const fresh = await loadPreload({ ok: false, error });
    fake.state.reply = { ok: true, value: { marker: 'retry' } };
    const failure = await fresh.getState().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(decodeIpcError((failure as Error).message)).toEqual(error);
    await expect(fresh.getState()).resolves.toEqual({ marker: 'retry' });
  });
});

const PUSH_REQUEST: PushRequest = {
  hosts: ['10.0.0.7'],
  user: 'root',
  credentials: { kind: 'key', keyFile: '/home/admin/.ssh/id_ed25519' },
  role: 'MS',
  platform: 'VmWare',
  installLocation: '/usr/local/ASR',
  cs: null,
  parallel: 4,
  jump: '',
  canary: null,
  maxFailures: null,
  retryOf: null,
  acceptedHostKeys: [],
};

const INVENTORY = { name: 'hosts.ini', text: '[web]\nweb-01\n', limit: 'web' };
const FLEET_STATUS = {
  hosts: ['10.0.0.7'],
  user: 'root',
  credentials: { kind: 'key' as const, keyFile: '/home/admin/.ssh/id_ed25519' },
  parallel: 4,
  jump: '',
  acceptedHostKeys: [],
};

describe('task-level calls', () => {
  const calls: readonly [keyof typeof SETUP_API_TASKS, (a: SetupApi) => Promise<unknown>, unknown][] = [
    ['getState', (a) => a.getState(), undefined],
    ['close', (a) => a.close(), undefined],
    ['copyText', (a) => a.copyText('Host ID: 4f0c'), { text: 'Host ID: 4f0c' }],
    ['preflight', (a) => a.preflight(OPTIONS), OPTIONS],
    ['browseLocation', (a) => a.browseLocation('/x'), { current: '/x' }],
    ['startInstall', (a) => a.startInstall(OPTIONS), OPTIONS],
    [
      'register',
      (a) => a.register({ endpoint: '10.0.0.5:443', passphrase: 'p4ss' }),
      { endpoint: '10.0.0.5:443', passphrase: 'p4ss' },
    ],
    ['startUninstall', (a) => a.startUninstall({ passphrase: null }), { passphrase: null }],
    ['cancel', (a) => a.cancel(JOB_ID), { jobId: JOB_ID }],
    ['logInfo', (a) => a.logInfo('configurator'), { log: 'configurator' }],
    ['readLog', (a) => a.readLog(QUERY, 5, 10), { query: QUERY, first: 5, count: 10 }],
    ['copyLog', (a) => a.copyLog(QUERY, 12), { query: QUERY, run: 12 }],
    ['openLogFolder', (a) => a.openLogFolder('push'), { log: 'push' }],
    ['saveDiagnostics', (a) => a.saveDiagnostics(), undefined],
    ['checkPushServers', (a) => a.checkPushServers(['10.0.0.7'], 'root'), { lines: ['10.0.0.7'], user: 'root' }],
    ['browseKeyFile', (a) => a.browseKeyFile('/k'), { current: '/k' }],
    ['scanHostKeys', (a) => a.scanHostKeys(['10.0.0.7'], ''), { hosts: ['10.0.0.7'], jump: '' }],
    ['startPush', (a) => a.startPush(PUSH_REQUEST), PUSH_REQUEST],
    ['cancelPush', (a) => a.cancelPush(JOB_ID), { pushId: JOB_ID }],
    ['savePushResults', (a) => a.savePushResults(JOB_ID), { pushId: JOB_ID }],
    ['readInventory', (a) => a.readInventory(INVENTORY), INVENTORY],
    ['fleetStatus', (a) => a.fleetStatus(FLEET_STATUS), FLEET_STATUS],
  ];

  it('covers every invoke channel of the contract', () => {
    expect(calls.map(([method]) => method).sort()).toEqual(Object.keys(SETUP_API_TASKS).sort());
  });

  it.each(calls)('%s invokes its channel once with the documented argument', async (method, call, arg) => {
    await call(api);
    expect(fake.state.invokes).toEqual([{ channel: SETUP_API_TASKS[method].channel, arg }]);
  });

  it('browseLocation("/x") sends ("setup:browse-location", {current: "/x"})', async () => {
    await api.browseLocation('/x');
    expect(fake.state.invokes).toEqual([{ channel: 'setup:browse-location', arg: { current: '/x' } }]);
  });

  it('readLog(q, 5, 10) sends ("logs:read", {query: q, first: 5, count: 10})', async () => {
    await api.readLog(QUERY, 5, 10);
    expect(fake.state.invokes).toEqual([{ channel: 'logs:read', arg: { query: QUERY, first: 5, count: 10 } }]);
  });

  it('resolves to the value of an ok envelope', async () => {
    fake.state.reply = { ok: true, value: { path: '/srv/asr' } };
    await expect(api.browseLocation('/x')).resolves.toEqual({ path: '/srv/asr' });
    fake.state.reply = { ok: true, value: null };
    await expect(api.browseLocation('/x')).resolves.toBeNull();
  });

  it('rejects a failed envelope with an Error whose message decodes to the catalog error', async () => {
    const error: SetupError = {
      code: 'ANOTHER_INSTALL_RUNNING',
      message: 'a install job is already running in this window',
      remedy: 'Wait for it to finish, or cancel it.',
      details: ['one', 'two'],
    };
    fake.state.reply = { ok: false, error };
    const failure = await api.startInstall(OPTIONS).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(decodeIpcError((failure as Error).message)).toEqual(error);
  });

  it('rejects even calls without a result (close) when the envelope failed', async () => {
    const error: SetupError = {
      code: 'INVALID_ARGUMENT',
      message: 'refused app:close from an untrusted sender',
      remedy: 'r',
    };
    fake.state.reply = { ok: false, error };
    const failure = await api.close().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(decodeIpcError((failure as Error).message)).toEqual(error);
  });
});

describe('event subscriptions', () => {
  const JOB_EVENT: EventChannels['setup:job-event'] = {
    jobId: JOB_ID,
    kind: 'install',
    event: { type: 'log', level: 'info', message: 'hello', time: '2026-11-25T00:00:00.000Z' },
  };
  const LOG_CHANGE: EventChannels['logs:changed'] = { log: 'installer', size: 120, lineCount: 3 };

  it('onJobEvent listens on setup:job-event and hands the listener only the payload', () => {
    const received: unknown[] = [];
    api.onJobEvent((payload) => received.push(payload));
    expect([...fake.state.listeners.keys()]).toEqual(['setup:job-event']);
    const [listener] = listenersOn('setup:job-event');
    listener?.({ sender: 'ipc event object' }, JOB_EVENT);
    expect(received).toEqual([JOB_EVENT]);
  });

  it('onLogChanged listens on logs:changed and hands the listener only the payload', () => {
    const received: unknown[] = [];
    api.onLogChanged((payload) => received.push(payload));
    expect([...fake.state.listeners.keys()]).toEqual(['logs:changed']);
    listenersOn('logs:changed')[0]?.({ sender: 'ipc event object' }, LOG_CHANGE);
    expect(received).toEqual([LOG_CHANGE]);
  });

  it('onPushEvent listens on push:event and hands the listener only the payload', () => {
    const received: unknown[] = [];
    const payload: EventChannels['push:event'] = {
      pushId: JOB_ID,
      event: { type: 'host-progress', host: '10.0.0.7', bytesDone: 1, bytesTotal: 2 },
    };
    api.onPushEvent((p) => received.push(p));
    expect([...fake.state.listeners.keys()]).toEqual(['push:event']);
    listenersOn('push:event')[0]?.({ sender: 'ipc event object' }, payload);
    expect(received).toEqual([payload]);
  });

  it.each([
    ['setup:job-event', (a: SetupApi, listener: () => void) => a.onJobEvent(listener)],
    ['logs:changed', (a: SetupApi, listener: () => void) => a.onLogChanged(listener)],
    ['push:event', (a: SetupApi, listener: () => void) => a.onPushEvent(listener)],
  ] as const)('the function returned for %s removes exactly that listener', (channel, subscribe) => {
    const first = subscribe(api, () => undefined);
    subscribe(api, () => undefined);
    const [firstWrapped, secondWrapped] = listenersOn(channel);
    expect(firstWrapped).toBeTypeOf('function');
    expect(secondWrapped).toBeTypeOf('function');
    expect(firstWrapped).not.toBe(secondWrapped);

    first();
    expect(fake.state.removed).toEqual([{ channel, listener: firstWrapped }]);
    expect(listenersOn(channel)).toEqual([secondWrapped]);
  });

  it('a removed listener hears nothing more, the other one still does', () => {
    const heardByFirst: unknown[] = [];
    const heardBySecond: unknown[] = [];
    const removeFirst = api.onLogChanged((payload) => heardByFirst.push(payload));
    api.onLogChanged((payload) => heardBySecond.push(payload));
    removeFirst();
    for (const listener of listenersOn('logs:changed')) listener({}, LOG_CHANGE);
    expect(heardByFirst).toEqual([]);
    expect(heardBySecond).toEqual([LOG_CHANGE]);
  });
});
