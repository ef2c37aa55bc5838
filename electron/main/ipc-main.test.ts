import type { IpcMainInvokeEvent } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setupError } from '../../shared/error-catalog';
import type { Envelope, InvokeChannel, LogQuery } from '../../shared/ipc-contract';
import { INVOKE_SCHEMAS } from '../../shared/ipc-schemas';
import { dispatchInvoke, IpcError, isInvokeChannel, type InvokeHandlers } from '../service/ipc-dispatch';
import { registerInvokeHandlers } from './ipc-main-typed';
import { isTrustedSender, type SenderFacts } from '../service/trusted-sender';

// Main's side of the IPC, through a stand-in ipcMain: every channel of the contract is registered, the
// sender is checked before anything else, arguments are parsed with the channel's schema before a handler
// sees them, and failures come back as catalog errors in the envelope.

type MainHandler = (event: unknown, arg: unknown) => Promise<unknown>;

const fake = vi.hoisted(() => {
  const handlers = new Map<string, MainHandler>();
  const removed: string[] = [];
  const ipcMain = {
    handle: (channel: string, handler: MainHandler): void => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string): void => {
      removed.push(channel);
      handlers.delete(channel);
    },
  };
  return { handlers, removed, ipcMain };
});

vi.mock('electron', () => ({ ipcMain: fake.ipcMain }));

const CHANNELS = Object.keys(INVOKE_SCHEMAS) as InvokeChannel[];
const JOB_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const QUERY: LogQuery = { log: 'installer', level: 'all', text: '' };
const TRUSTED_EVENT = { sender: { id: 1 }, trusted: true } as unknown as IpcMainInvokeEvent;
const UNTRUSTED_EVENT = { sender: { id: 2 }, trusted: false } as unknown as IpcMainInvokeEvent;
const isTrusted = (event: IpcMainInvokeEvent): boolean => (event as unknown as { trusted: boolean }).trusted;

/** A handler per channel that records what it was given and answers `answer(channel)`. */
function recordingHandlers(
  answer: (channel: InvokeChannel, arg: unknown) => Promise<unknown> = async (channel) => `${channel} done`,
): {
  handlers: InvokeHandlers;
  calls: { channel: InvokeChannel; arg: unknown }[];
} {
  const calls: { channel: InvokeChannel; arg: unknown }[] = [];
  const entries = CHANNELS.map((channel) => [
    channel,
    async (arg: unknown): Promise<unknown> => {
      calls.push({ channel, arg });
      return answer(channel, arg);
    },
  ]);
  return { handlers: Object.fromEntries(entries) as InvokeHandlers, calls };
}

async function call(
  channel: string,
  arg: unknown,
  event: IpcMainInvokeEvent = TRUSTED_EVENT,
): Promise<Envelope<unknown>> {
  const handler = fake.handlers.get(channel);
  if (!handler) throw new Error(`no handler registered for ${channel}`);
  return (await handler(event, arg)) as Envelope<unknown>;
}

function failure(envelope: Envelope<unknown>): { code: string; message: string; remedy: string } {
  if (envelope.ok) throw new Error(`expected a failed envelope, got ${JSON.stringify(envelope)}`);
  return envelope.error;
}

const PUSH_REQUEST = {
  hosts: ['10.0.0.7'],
  user: 'root',
  credentials: { kind: 'password', password: 'correct horse battery staple' },
  role: 'MS',
  platform: 'VmWare',
  installLocation: '/usr/local/ASR',
  cs: { endpoint: '10.0.0.5', passphrase: 'p4ssphrase' },
  parallel: 10,
  jump: '',
  canary: null,
  maxFailures: null,
  retryOf: null,
  acceptedHostKeys: [{ host: '10.0.0.7', fingerprint: `SHA256:${'A'.repeat(43)}` }],
};

const VALID_ARGS: Readonly<Record<InvokeChannel, unknown>> = {
  'app:get-state': undefined,
  'app:close': undefined,
  'app:copy-text': { text: 'Host ID: 4f0c' },
  'setup:preflight': { role: 'MT', platform: 'Azure', installLocation: '/opt/ASR' },
  'setup:browse-location': { current: '' },
  'setup:start-install': { role: 'MS', platform: 'VmWare', installLocation: '/usr/local/ASR' },
  'setup:register': { endpoint: '10.0.0.5:443', passphrase: 'correct horse battery staple' },
  'setup:start-uninstall': { passphrase: null },
  'setup:cancel': { jobId: JOB_ID },
  'logs:info': { log: 'configurator' },
  'logs:read': { query: QUERY, first: 0, count: 100 },
  'logs:copy': { query: QUERY, run: null },
  'logs:open-folder': { log: 'push' },
  'logs:save-diagnostics': undefined,
  'push:check-servers': { lines: ['10.0.0.7', 'admin@web-01:2222'], user: 'root' },
  'push:browse-key-file': { current: '' },
  'push:scan-host-keys': { hosts: ['10.0.0.7'], jump: '' },
  'push:start': PUSH_REQUEST,
  'push:cancel': { pushId: JOB_ID },
  'push:save-results-csv': { pushId: JOB_ID },
  'push:read-inventory': { name: 'hosts.ini', text: '[web]\nweb-01 ansible_host=10.0.0.7\n', limit: 'web' },
  'push:fleet-status': {
    hosts: ['10.0.0.7'],
    user: 'root',
    credentials: { kind: 'key', keyFile: '/root/.ssh/id_ed25519' },
    parallel: 10,
    jump: '',
    acceptedHostKeys: [],
  },
};

let unregister: (() => void) | undefined;

beforeEach(() => {
  unregister?.();
  unregister = undefined;
  fake.handlers.clear();
  fake.removed.length = 0;
});

describe('registerInvokeHandlers', () => {
  it('registers one handler for every channel of INVOKE_SCHEMAS and nothing else', () => {
    unregister = registerInvokeHandlers(recordingHandlers().handlers, isTrusted);
    expect([...fake.handlers.keys()].sort()).toEqual([...CHANNELS].sort());
    expect(CHANNELS).toHaveLength(22);
  });

  it.each(CHANNELS)('refuses %s from an untrusted sender without calling the handler', async (channel) => {
    const { handlers, calls } = recordingHandlers();
    unregister = registerInvokeHandlers(handlers, isTrusted);
    const error = failure(await call(channel, VALID_ARGS[channel], UNTRUSTED_EVENT));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(`refused ${channel} from an untrusted sender`);
    expect(calls).toEqual([]);
  });

  it('asks the trust check about the very event it received, before parsing the argument', async () => {
    const seen: IpcMainInvokeEvent[] = [];
    const { handlers, calls } = recordingHandlers();
    unregister = registerInvokeHandlers(handlers, (event) => {
      seen.push(event);
      return false;
    });
    // A malformed argument from an untrusted sender is refused as untrusted: the sender check comes first.
    const error = failure(await call('setup:start-install', { role: 'XX' }, UNTRUSTED_EVENT));
    expect(error.message).toMatch(/untrusted sender/);
    expect(seen).toEqual([UNTRUSTED_EVENT]);
    expect(calls).toEqual([]);
  });

  it.each(CHANNELS)(
    'passes a valid %s argument to its handler and returns its value in an ok envelope',
    async (channel) => {
      const { handlers, calls } = recordingHandlers();
      unregister = registerInvokeHandlers(handlers, isTrusted);
      expect(await call(channel, VALID_ARGS[channel])).toEqual({ ok: true, value: `${channel} done` });
      expect(calls).toEqual([{ channel, arg: VALID_ARGS[channel] }]);
    },
  );

  it.each([
    ['setup:start-install', { role: 'XX', platform: 'VmWare', installLocation: '/usr/local/ASR' }, 'role'],
    ['setup:start-install', { role: 'MS', platform: 'Hyper-V', installLocation: '/usr/local/ASR' }, 'platform'],
    ['setup:start-install', { role: 'MS', platform: 'VmWare', installLocation: 'x'.repeat(5000) }, 'installLocation'],
    ['setup:start-install', { role: 'MS', platform: 'VmWare', installLocation: '' }, 'installLocation'],
    ['setup:start-install', { role: 'MS', platform: 'VmWare' }, 'installLocation'],
    ['setup:preflight', { role: 'MS', platform: 'VmWare', installLocation: 42 }, 'installLocation'],
    ['logs:read', { query: QUERY, first: 0, count: 1e9 }, 'count'],
    ['logs:read', { query: QUERY, first: 0, count: 0 }, 'count'],
    ['logs:read', { query: QUERY, first: -1, count: 10 }, 'first'],
    ['logs:read', { query: QUERY, first: 0.5, count: 10 }, 'first'],
    ['logs:read', { query: { ...QUERY, level: 'trace' }, first: 0, count: 10 }, 'query.level'],
    ['logs:read', { query: { ...QUERY, text: 't'.repeat(257) }, first: 0, count: 10 }, 'query.text'],
    ['logs:read', { query: { ...QUERY, log: '/etc/shadow' }, first: 0, count: 10 }, 'query.log'],
    ['logs:copy', { query: QUERY, run: -1 }, 'run'],
    ['logs:copy', { query: { ...QUERY, log: '/etc/shadow' }, run: null }, 'query.log'],
    ['logs:open-folder', { log: '/etc' }, 'log'],
    ['setup:register', { endpoint: '10.0.0.5', passphrase: '' }, 'passphrase'],
    ['setup:register', { endpoint: '', passphrase: 'p' }, 'endpoint'],
    ['setup:register', { endpoint: '1'.repeat(65), passphrase: 'p' }, 'endpoint'],
    ['logs:info', { log: '../../etc/passwd' }, 'log'],
    ['setup:cancel', { jobId: 'not-a-job' }, 'jobId'],
    ['setup:browse-location', { current: 7 }, 'current'],
    ['push:check-servers', { lines: ['h'.repeat(301)], user: 'root' }, 'lines.0'],
    ['push:check-servers', { lines: Array.from({ length: 1001 }, () => 'h'), user: 'root' }, 'lines'],
    ['push:scan-host-keys', { hosts: [], jump: '' }, 'hosts'],
    ['push:start', { ...PUSH_REQUEST, canary: 0 }, 'canary'],
    ['push:start', { ...PUSH_REQUEST, maxFailures: '10% or so' }, 'maxFailures'],
    ['push:start', { ...PUSH_REQUEST, hosts: [] }, 'hosts'],
    ['push:start', { ...PUSH_REQUEST, parallel: 0 }, 'parallel'],
    ['push:start', { ...PUSH_REQUEST, parallel: 1.5 }, 'parallel'],
    ['push:start', { ...PUSH_REQUEST, credentials: { kind: 'password', password: '' } }, 'credentials.password'],
    [
      'push:start',
      { ...PUSH_REQUEST, credentials: { kind: 'password', password: 'p'.repeat(1025) } },
      'credentials.password',
    ],
    ['push:start', { ...PUSH_REQUEST, credentials: { kind: 'agent' } }, 'credentials.kind'],
    ['push:start', { ...PUSH_REQUEST, cs: { endpoint: '10.0.0.5', passphrase: '' } }, 'cs.passphrase'],
    [
      'push:start',
      { ...PUSH_REQUEST, acceptedHostKeys: [{ host: '10.0.0.7', fingerprint: 'MD5:aa' }] },
      'acceptedHostKeys.0.fingerprint',
    ],
    ['push:cancel', { pushId: '../x' }, 'pushId'],
  ])('refuses %s with %j as INVALID_ARGUMENT naming %s, without calling the handler', async (channel, arg, field) => {
    const { handlers, calls } = recordingHandlers();
    unregister = registerInvokeHandlers(handlers, isTrusted);
    const error = failure(await call(channel, arg));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message.startsWith(`${channel}: ${field}: `)).toBe(true);
    expect(calls).toEqual([]);
  });

  it.each([
    [
      'setup:start-install',
      { role: 'MS', platform: 'VmWare', installLocation: '/usr/local/ASR', extra: true },
      'extra',
    ],
    ['setup:register', { endpoint: '10.0.0.5', passphrase: 'p', remember: true }, 'remember'],
    ['logs:read', { query: { ...QUERY, regex: '.*' }, first: 0, count: 1 }, 'regex'],
    ['push:start', { ...PUSH_REQUEST, shell: 'sh -c id' }, 'shell'],
    ['push:start', { ...PUSH_REQUEST, credentials: { kind: 'key', keyFile: '/k', password: 'p' } }, 'password'],
  ])('refuses %s with an extra property, naming the property', async (channel, arg, extra) => {
    const { handlers, calls } = recordingHandlers();
    unregister = registerInvokeHandlers(handlers, isTrusted);
    const error = failure(await call(channel, arg));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain(`"${extra}"`);
    expect(calls).toEqual([]);
  });

  it('refuses app:copy-text with nothing to copy or more than 65,536 characters (a whole log goes through logs:copy)', async () => {
    const { handlers, calls } = recordingHandlers();
    unregister = registerInvokeHandlers(handlers, isTrusted);
    for (const text of ['', 'x'.repeat(65_537)]) {
      const error = failure(await call('app:copy-text', { text }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toContain('text');
    }
    expect(calls).toEqual([]);
    expect(await call('app:copy-text', { text: 'x'.repeat(65_536) })).toMatchObject({ ok: true });
  });

  it.each([
    ['app:get-state', { anything: 1 }],
    ['app:close', 'now'],
    ['app:copy-text', 'Host ID: 4f0c'],
    ['logs:open-folder', null],
    ['setup:preflight', undefined],
    ['setup:register', 'correct horse battery staple'],
    ['logs:info', ['installer']],
  ])("refuses %s with %j: the argument must have the channel's shape", async (channel, arg) => {
    const { handlers, calls } = recordingHandlers();
    unregister = registerInvokeHandlers(handlers, isTrusted);
    const error = failure(await call(channel, arg));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message.startsWith(`${channel}: argument: `)).toBe(true);
    expect(calls).toEqual([]);
  });

  it('never echoes a refused passphrase in the error', async () => {
    unregister = registerInvokeHandlers(recordingHandlers().handlers, isTrusted);
    const passphrase = `S3cret-${'x'.repeat(1100)}`;
    const error = failure(await call('setup:register', { endpoint: '10.0.0.5', passphrase }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(JSON.stringify(error)).not.toContain('S3cret');
  });

  it("hands the handler the parsed value, not the caller's object", async () => {
    const { handlers, calls } = recordingHandlers();
    unregister = registerInvokeHandlers(handlers, isTrusted);
    const arg = { role: 'MS', platform: 'VmWare', installLocation: '/usr/local/ASR' };
    await call('setup:start-install', arg);
    expect(calls[0]?.arg).toEqual(arg);
    expect(calls[0]?.arg).not.toBe(arg);
  });

  it('returns the catalog error of a handler that throws IpcError', async () => {
    const busy = setupError(
      'ANOTHER_INSTALL_RUNNING',
      'a install job is already running in this window',
      'Wait for it to finish, or cancel it.',
    );
    const { handlers } = recordingHandlers(async () => {
      throw new IpcError(busy);
    });
    unregister = registerInvokeHandlers(handlers, isTrusted);
    expect(await call('setup:start-install', VALID_ARGS['setup:start-install'])).toEqual({ ok: false, error: busy });
  });

  it('returns INSTALL_FAILED naming the channel and message for a handler that throws a plain Error', async () => {
    const { handlers } = recordingHandlers(async () => {
      throw new Error('EACCES: permission denied, open /var/log/ASRSetupLogs/x.log');
    });
    unregister = registerInvokeHandlers(handlers, isTrusted);
    const error = failure(await call('logs:info', { log: 'installer' }));
    expect(error.code).toBe('INSTALL_FAILED');
    expect(error.message).toBe('logs:info failed: EACCES: permission denied, open /var/log/ASRSetupLogs/x.log');
  });

  it('the function it returns removes the handler of every channel', () => {
    const remove = registerInvokeHandlers(recordingHandlers().handlers, isTrusted);
    remove();
    expect([...fake.removed].sort()).toEqual([...CHANNELS].sort());
    expect(fake.handlers.size).toBe(0);
    // After removal the channels can be registered again (a new window).
    unregister = registerInvokeHandlers(recordingHandlers().handlers, isTrusted);
    expect(fake.handlers.size).toBe(CHANNELS.length);
  });
});

describe('dispatchInvoke', () => {
  it.each([
    'setup:uninstall',
    'app:get-state ',
    'APP:GET-STATE',
    '',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
  ])('refuses the unknown channel %j as INVALID_ARGUMENT without calling any handler', async (channel) => {
    const { handlers, calls } = recordingHandlers();
    const error = failure(await dispatchInvoke(handlers, channel, undefined));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(`unknown channel "${channel}"`);
    expect(calls).toEqual([]);
  });

  it("isInvokeChannel knows exactly the contract's channels", () => {
    for (const channel of CHANNELS) expect(isInvokeChannel(channel)).toBe(true);
    for (const channel of ['__proto__', 'constructor', 'logs:write', 'setup:register:'])
      expect(isInvokeChannel(channel)).toBe(false);
  });

  it('reports the bug remedy for a malformed argument', async () => {
    const error = failure(await dispatchInvoke(recordingHandlers().handlers, 'logs:info', { log: 'system' }));
    expect(error.remedy).toMatch(/bug in the wizard/);
  });

  it('turns a rejection with any other Error (a TypeError) into INSTALL_FAILED', async () => {
    const { handlers } = recordingHandlers(() => Promise.reject(new TypeError('boom')));
    const error = failure(await dispatchInvoke(handlers, 'app:get-state', undefined));
    expect(error).toMatchObject({ code: 'INSTALL_FAILED', message: 'app:get-state failed: boom' });
  });

  // Regression: a rejection with undefined or null used to make dispatchInvoke itself reject, and the
  // renderer got Electron's opaque "Error invoking remote method" instead of an envelope.
  it('answers with an envelope even when a handler rejects with undefined', async () => {
    const { handlers } = recordingHandlers(() => Promise.reject(undefined));
    const envelope = await dispatchInvoke(handlers, 'app:get-state', undefined);
    expect(failure(envelope).code).toBe('INSTALL_FAILED');
  });
});

describe('isTrustedSender', () => {
  const WINDOW_ID = 7;
  const main = (frameUrl: string | undefined, overrides: Partial<SenderFacts> = {}): SenderFacts => ({
    senderId: WINDOW_ID,
    frameUrl,
    isMainFrame: true,
    ...overrides,
  });

  it.each([
    ['the main frame of our window showing app://bundle/index.html', main('app://bundle/index.html'), WINDOW_ID, true],
    [
      'the main frame showing app://bundle/ (another page of the bundle)',
      main('app://bundle/logs?x=1#y'),
      WINDOW_ID,
      true,
    ],
    ['another webContents', main('app://bundle/index.html', { senderId: 8 }), WINDOW_ID, false],
    ['a sub-frame of our window', main('app://bundle/index.html', { isMainFrame: false }), WINDOW_ID, false],
    ['our window navigated to https://evil.example', main('https://evil.example/'), WINDOW_ID, false],
    ['our window showing file:///etc/passwd', main('file:///etc/passwd'), WINDOW_ID, false],
    [
      'our window showing a file:// page of the bundle',
      main('file:///opt/app/dist/renderer/index.html'),
      WINDOW_ID,
      false,
    ],
    ['an app:// URL on another host', main('app://evil/index.html'), WINDOW_ID, false],
    ['an app:// URL on a look-alike host', main('app://bundle.evil.example/index.html'), WINDOW_ID, false],
    ['an app:// URL with a port', main('app://bundle:1/index.html'), WINDOW_ID, false],
    ['about:blank', main('about:blank'), WINDOW_ID, false],
    ['a data: URL', main('data:text/html,hi'), WINDOW_ID, false],
    ['a frame without a URL', main(undefined), WINDOW_ID, false],
    ['a frame with an empty URL', main(''), WINDOW_ID, false],
    ['an unparsable URL', main('app://bundle\\x'), WINDOW_ID, false],
    ['any sender when the window is gone (undefined window id)', main('app://bundle/index.html'), undefined, false],
  ] as const)('%s -> %s', (_what, facts, windowId, trusted) => {
    expect(isTrustedSender(facts, windowId)).toBe(trusted);
  });
});
