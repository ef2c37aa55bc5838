import type { ErrorCode, SetupError } from './error-catalog';
import type { JobEvent } from './job-events';

// The one IPC contract between the wizard (renderer) and the main process, as GitHub Desktop keeps
// app/src/lib/ipc-shared.ts: every channel in one place, one map for request/response calls and one for
// events, channel name -> argument and result types. The preload, main's handlers and the e2e bridge are
// all typed from these maps; main validates every argument with the schemas in ipc-schemas.ts.

export type Role = 'MS' | 'MT';
export type AgentPlatform = 'VmWare' | 'Azure';
export type HostPlatform = 'linux' | 'win32';

/** How privileged work will run: already elevated, after an OS prompt (pkexec / UAC), or not at all. */
export type ElevationMode = 'elevated' | 'will-prompt' | 'unavailable';

export interface InstalledAgent {
  readonly agentVersion: string;
  readonly installLocation: string;
  readonly role: Role;
  readonly platform: AgentPlatform;
  readonly status: 'Succeeded' | 'Warning';
}

export interface RegistrationInfo {
  readonly csEndpoint: string;
  readonly hostId: string;
  readonly registeredAt: string;
  readonly fingerprint: string;
}

export interface AppState {
  readonly version: string;
  readonly hostPlatform: HostPlatform;
  readonly defaultInstallLocation: string;
  readonly elevation: ElevationMode;
  readonly installed: InstalledAgent | null;
  readonly registration: RegistrationInfo | null;
  /** A job already running (the window was reloaded while it ran). */
  readonly runningJob: { readonly jobId: string; readonly kind: JobKind } | null;
}

export interface InstallOptions {
  readonly role: Role;
  readonly platform: AgentPlatform;
  readonly installLocation: string;
}

export interface PreflightItem {
  readonly id: string;
  readonly title: string;
  /** null: not evaluated because an earlier check failed. */
  readonly ok: boolean | null;
  readonly message: string;
  readonly code?: ErrorCode;
  readonly remedy?: string;
}

export interface PreflightSummary {
  readonly installLocation: string;
  readonly mode: 'fresh' | 'upgrade' | 'repair';
  readonly items: readonly PreflightItem[];
  readonly canInstall: boolean;
}

export interface RegisterRequest {
  readonly endpoint: string;
  /** Held in memory only: handed to the configurator on its stdin, never logged or written. */
  readonly passphrase: string;
}

export type JobKind = 'install' | 'register';

export interface JobStarted {
  readonly jobId: string;
}

export type LogName = 'installer' | 'configurator';
export type LogLevelFilter = 'all' | 'debug' | 'info' | 'warn' | 'error';

export interface LogRun {
  /** Line number (0-based) of the run's header. */
  readonly line: number;
  readonly title: string;
}

export interface LogInfo {
  readonly name: LogName;
  readonly fileName: string;
  readonly exists: boolean;
  readonly size: number;
  readonly lineCount: number;
  readonly runs: readonly LogRun[];
}

export interface LogQuery {
  readonly log: LogName;
  readonly level: LogLevelFilter;
  readonly text: string;
}

export interface LogLine {
  /** Line number in the file (0-based). */
  readonly number: number;
  readonly text: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error' | 'other';
}

export interface LogWindow {
  /** Lines matching the query (the whole file when unfiltered). */
  readonly total: number;
  /** Position of the first returned line among the matching lines. */
  readonly first: number;
  readonly lines: readonly LogLine[];
}

/** Request/response channels: [argument, result]. */
export interface InvokeChannels {
  'app:get-state': [void, AppState];
  'app:close': [void, void];
  'setup:preflight': [InstallOptions, PreflightSummary];
  'setup:browse-location': [{ readonly current: string }, { readonly path: string } | null];
  'setup:start-install': [InstallOptions, JobStarted];
  'setup:register': [RegisterRequest, JobStarted];
  'setup:cancel': [{ readonly jobId: string }, void];
  'logs:info': [{ readonly log: LogName }, LogInfo];
  'logs:read': [{ readonly query: LogQuery; readonly first: number; readonly count: number }, LogWindow];
  'logs:open-folder': [void, void];
}

/** Events from main: the job's events, and log growth for the live tail. */
export interface EventChannels {
  'setup:job-event': { readonly jobId: string; readonly kind: JobKind; readonly event: JobEvent };
  'logs:changed': { readonly log: LogName; readonly size: number; readonly lineCount: number };
}

export type InvokeChannel = keyof InvokeChannels;
export type EventChannel = keyof EventChannels;
export type InvokeArg<C extends InvokeChannel> = InvokeChannels[C][0];
export type InvokeResult<C extends InvokeChannel> = InvokeChannels[C][1];

/** A failed call: an error from the catalog, so the wizard can show its remedy. */
export interface IpcFailure {
  readonly ipcError: SetupError;
}

/**
 * What the preload puts on window.mobilitySetup: tasks, not channels (Electron Fiddle's preload style).
 * The e2e bridge client implements the same interface over loopback.
 */
export interface SetupApi {
  getState(): Promise<AppState>;
  preflight(options: InstallOptions): Promise<PreflightSummary>;
  browseLocation(current: string): Promise<{ readonly path: string } | null>;
  startInstall(options: InstallOptions): Promise<JobStarted>;
  register(request: RegisterRequest): Promise<JobStarted>;
  cancel(jobId: string): Promise<void>;
  logInfo(log: LogName): Promise<LogInfo>;
  readLog(query: LogQuery, first: number, count: number): Promise<LogWindow>;
  openLogFolder(): Promise<void>;
  close(): Promise<void>;
  /** Returns a function that removes the listener. */
  onJobEvent(listener: (payload: EventChannels['setup:job-event']) => void): () => void;
  onLogChanged(listener: (payload: EventChannels['logs:changed']) => void): () => void;
}

/** The exact set of calls the preload exposes; a test checks the preload against it. */
export const SETUP_API_METHODS = [
  'getState',
  'preflight',
  'browseLocation',
  'startInstall',
  'register',
  'cancel',
  'logInfo',
  'readLog',
  'openLogFolder',
  'close',
  'onJobEvent',
  'onLogChanged',
] as const satisfies readonly (keyof SetupApi)[];

/** Maps each task-level call to its channel, so preload and bridge cannot drift apart. */
export const INVOKE_CHANNEL_OF = {
  getState: 'app:get-state',
  close: 'app:close',
  preflight: 'setup:preflight',
  browseLocation: 'setup:browse-location',
  startInstall: 'setup:start-install',
  register: 'setup:register',
  cancel: 'setup:cancel',
  logInfo: 'logs:info',
  readLog: 'logs:read',
  openLogFolder: 'logs:open-folder',
} as const satisfies Record<string, InvokeChannel>;

// contextBridge passes only an Error's message across the isolation boundary, so a catalog error travels
// encoded in it; the renderer decodes it to show the code and remedy.
const IPC_ERROR_PREFIX = 'IPC_ERROR:';

export function encodeIpcError(error: SetupError): string {
  return `${IPC_ERROR_PREFIX}${JSON.stringify(error)}`;
}

export function decodeIpcError(message: string): SetupError | undefined {
  const at = message.indexOf(IPC_ERROR_PREFIX);
  if (at === -1) return undefined;
  try {
    const value = JSON.parse(message.slice(at + IPC_ERROR_PREFIX.length)) as SetupError;
    return typeof value.code === 'string' && typeof value.message === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** What a call resolves to on the wire (ipcMain and the e2e bridge). */
export type Envelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SetupError };

export type Invoker = <C extends InvokeChannel>(channel: C, arg: InvokeArg<C>) => Promise<InvokeResult<C>>;
export type Listener = <E extends EventChannel>(
  channel: E,
  listener: (payload: EventChannels[E]) => void,
) => () => void;

/**
 * Builds the task-level API from a transport; the preload and the e2e bridge differ only in transport.
 * The app state is asked for at once, while the page's scripts still load, and the wizard's first
 * getState() takes that answer: the first page shows one round trip sooner.
 */
export function createSetupApi(invoke: Invoker, listen: Listener): SetupApi {
  let early: Promise<AppState> | undefined = invoke(INVOKE_CHANNEL_OF.getState, undefined);
  // A failure is reported to the first caller; until then it must not count as unhandled.
  early.catch(() => undefined);
  return {
    getState: () => {
      const answer = early ?? invoke(INVOKE_CHANNEL_OF.getState, undefined);
      early = undefined;
      return answer;
    },
    preflight: (options) => invoke(INVOKE_CHANNEL_OF.preflight, options),
    browseLocation: (current) => invoke(INVOKE_CHANNEL_OF.browseLocation, { current }),
    startInstall: (options) => invoke(INVOKE_CHANNEL_OF.startInstall, options),
    register: (request) => invoke(INVOKE_CHANNEL_OF.register, request),
    cancel: (jobId) => invoke(INVOKE_CHANNEL_OF.cancel, { jobId }),
    logInfo: (log) => invoke(INVOKE_CHANNEL_OF.logInfo, { log }),
    readLog: (query, first, count) => invoke(INVOKE_CHANNEL_OF.readLog, { query, first, count }),
    openLogFolder: () => invoke(INVOKE_CHANNEL_OF.openLogFolder, undefined),
    close: () => invoke(INVOKE_CHANNEL_OF.close, undefined),
    onJobEvent: (listener) => listen('setup:job-event', listener),
    onLogChanged: (listener) => listen('logs:changed', listener),
  };
}
