import type { ErrorCode, SetupError } from './error-catalog';
import type { JobEvent } from './job-events';
import type { AgentPlatform, Role } from './agent-kinds';
import type { FleetRow } from './fleet-status';
import type { PushEvent } from './push-events';

// The one IPC contract between the wizard (renderer) and the main process, as GitHub Desktop keeps
// app/src/lib/ipc-shared.ts: every channel in one place, one map for request/response calls and one for
// events, channel name -> argument and result types. The preload, main's handlers and the e2e bridge are
// all typed from these maps; main validates every argument with the schemas in ipc-schemas.ts.

export type HostPlatform = 'linux' | 'win32';

/** How privileged work will run: already elevated, after an OS prompt (pkexec / UAC), or not at all. */
export type ElevationMode = 'elevated' | 'will-prompt' | 'unavailable';

/** The agent's service as its service manager says: running, not running, none declared, or not asked. */
export type AgentServiceState = 'active' | 'inactive' | 'absent' | 'unknown';

export interface InstalledAgent {
  readonly agentVersion: string;
  readonly installLocation: string;
  readonly role: Role;
  readonly platform: AgentPlatform;
  readonly status: 'Succeeded' | 'Warning';
  /** Asked when the app state is read; absent where main could not ask. */
  readonly service?: AgentServiceState;
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
  /** The installer's setup log (install, repair, upgrade, uninstall), for the finish pages' "Open log". */
  readonly installerLog?: string;
  /** A job already running (the window was reloaded while it ran). */
  readonly runningJob: { readonly jobId: string; readonly kind: JobKind } | null;
  /**
   * The language asked for, as a BCP 47 tag: --lang, else the system's (Electron's app.getLocale()); checked
   * with localeTagSchema. The renderer picks its nearest catalog (de-AT: German; one it lacks: English).
   */
  readonly locale: string;
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
  /** The agent version Install would lay down (from the package's file name), when a package was found. */
  readonly agentVersion?: string;
}

export interface RegisterRequest {
  readonly endpoint: string;
  /** Held in memory only: handed to the configurator on its stdin, never logged or written. */
  readonly passphrase: string;
}

/** What a job does: install (also repair and upgrade), register, uninstall, or collect diagnostics. */
export type JobKind = 'install' | 'register' | 'uninstall' | 'diagnostics';

export interface UninstallRequest {
  /** Also remove this server from its configuration server; held in memory, handed over on stdin only. */
  readonly passphrase: string | null;
}

export interface JobStarted {
  readonly jobId: string;
}

export type LogName = 'installer' | 'configurator' | 'push';
export type LogLevelFilter = 'all' | 'debug' | 'info' | 'warn' | 'error';

/** How a run in a setup log ended, from its "Result:" line; null while it runs, or when it was killed. */
export type LogRunOutcome = 'Succeeded' | 'Warning' | 'Failed' | 'Cancelled';

export interface LogRun {
  /** Line number (0-based) of the run's header. */
  readonly line: number;
  readonly title: string;
  readonly outcome: LogRunOutcome | null;
  /** The error code of a failed run. */
  readonly code?: string;
}

export interface LogInfo {
  readonly name: LogName;
  readonly fileName: string;
  /** The log's full path, shown so an admin can find the file (the renderer never hands a path back). */
  readonly path: string;
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

/** What Copy put on the clipboard: main reads the lines from the file, not from what the view loaded. */
/** What Copy did: copied the lines, or copied nothing because they are more than the clipboard takes. */
export type LogCopied =
  | { readonly kind: 'copied'; readonly lines: number; readonly bytes: number }
  | { readonly kind: 'too-large'; readonly megabytes: number; readonly maxMegabytes: number };

export interface LogWindow {
  /** Lines matching the query (the whole file when unfiltered). */
  readonly total: number;
  /** Position of the first returned line among the matching lines. */
  readonly first: number;
  readonly lines: readonly LogLine[];
}

/** One line of the servers field that is not a server, with why (the push CLI's own rules). */
export interface PushLineProblem {
  /** 1-based line number in the field. */
  readonly line: number;
  readonly message: string;
}

export interface PushServerCheck {
  /** The servers as written, one per non-empty, non-comment line. */
  readonly hosts: readonly string[];
  readonly problems: readonly PushLineProblem[];
}

export type HostKeyVerdict = 'known' | 'unknown' | 'changed' | 'revoked' | 'unreachable';

/** What the push CLI's --scan-host-keys says of one server; it never logs in. */
export interface HostKeyScan {
  readonly host: string;
  readonly verdict: HostKeyVerdict;
  readonly keyType?: string;
  readonly fingerprint?: string;
  /** The fingerprint the known hosts file holds for a changed key. */
  readonly recorded?: string;
  readonly error?: string;
  /** A bastion the servers are reached through (its key is accepted like a server's). */
  readonly jumpHost?: boolean;
}

/** How the push logs in: a key file (a path main checks) or a password (held in memory, then a 0600 file). */
export type PushCredentials =
  { readonly kind: 'key'; readonly keyFile: string } | { readonly kind: 'password'; readonly password: string };

export interface PushRequest {
  readonly hosts: readonly string[];
  readonly user: string;
  readonly credentials: PushCredentials;
  readonly role: Role;
  readonly platform: AgentPlatform;
  readonly installLocation: string;
  /** Install only when null; otherwise register too (the passphrase goes on the child's stdin). */
  readonly cs: { readonly endpoint: string; readonly passphrase: string } | null;
  readonly parallel: number;
  /** The bastion(s) every server is reached through, `[user@]host[:port]`, a comma between hops; '' for none. */
  readonly jump: string;
  /** The first N servers first; the push stops if one of them fails. */
  readonly canary: number | null;
  /** N or P%: no new server starts once more than that failed. */
  readonly maxFailures: string | null;
  /** Retry failed: the push whose results this one's are merged into (for the CSV), or null. */
  readonly retryOf: string | null;
  /** Unknown host keys the admin accepted after the scan: this fingerprint, and no other, per server. */
  readonly acceptedHostKeys: readonly { readonly host: string; readonly fingerprint: string }[];
}

/** push-install --status for these servers: what each has; nothing is installed, no passphrase is needed. */
export type FleetStatusRequest = Pick<
  PushRequest,
  'hosts' | 'user' | 'credentials' | 'jump' | 'acceptedHostKeys' | 'parallel'
>;

/** An Ansible inventory the admin loaded in the page (its text, its file's name), with an optional --limit. */
export interface InventoryRequest {
  readonly name: string;
  readonly text: string;
  readonly limit: string;
}

/** The inventory's servers as lines for the servers field, and those whose own key file the wizard does not use. */
export interface InventoryServers {
  readonly lines: readonly string[];
  readonly ownKeys: readonly string[];
}

export interface PushStarted {
  readonly pushId: string;
}

/** Request/response channels: [argument, result]. */
export interface InvokeChannels {
  'app:get-state': [void, AppState];
  'app:close': [void, void];
  /** Puts text on the system clipboard (main's: a page is granted no clipboard permission). */
  'app:copy-text': [{ readonly text: string }, void];
  'setup:preflight': [InstallOptions, PreflightSummary];
  'setup:browse-location': [{ readonly current: string }, { readonly path: string } | null];
  'setup:start-install': [InstallOptions, JobStarted];
  'setup:register': [RegisterRequest, JobStarted];
  'setup:start-uninstall': [UninstallRequest, JobStarted];
  'setup:cancel': [{ readonly jobId: string }, void];
  'logs:info': [{ readonly log: LogName }, LogInfo];
  'logs:read': [{ readonly query: LogQuery; readonly first: number; readonly count: number }, LogWindow];
  'logs:copy': [{ readonly query: LogQuery; readonly run: number | null }, LogCopied];
  'logs:open-folder': [{ readonly log: LogName }, void];
  'logs:save-diagnostics': [void, { readonly path: string } | null];
  'push:check-servers': [{ readonly lines: readonly string[]; readonly user: string }, PushServerCheck];
  'push:browse-key-file': [{ readonly current: string }, { readonly path: string } | null];
  'push:scan-host-keys': [{ readonly hosts: readonly string[]; readonly jump: string }, readonly HostKeyScan[]];
  'push:start': [PushRequest, PushStarted];
  'push:cancel': [{ readonly pushId: string }, void];
  'push:save-results-csv': [{ readonly pushId: string }, { readonly path: string } | null];
  'push:read-inventory': [InventoryRequest, InventoryServers];
  'push:fleet-status': [FleetStatusRequest, readonly FleetRow[]];
}

/** Events from main: the job's events, and log growth for the live tail. */
export interface EventChannels {
  'setup:job-event': { readonly jobId: string; readonly kind: JobKind; readonly event: JobEvent };
  'logs:changed': { readonly log: LogName; readonly size: number; readonly lineCount: number };
  'push:event': { readonly pushId: string; readonly event: PushEvent };
}

export type InvokeChannel = keyof InvokeChannels;
export type EventChannel = keyof EventChannels;
export type InvokeArg<C extends InvokeChannel> = InvokeChannels[C][0];
export type InvokeResult<C extends InvokeChannel> = InvokeChannels[C][1];

/** A failed call: an error from the catalog, so the wizard can show its remedy. */
export interface IpcFailure {
  readonly ipcError: SetupError;
}

/** One task-level call: the channel it uses and how its parameters become the channel's argument. */
interface TaskCall<C extends InvokeChannel, P extends readonly unknown[]> {
  readonly channel: C;
  readonly toArg: (...params: P) => InvokeArg<C>;
}
const task = <C extends InvokeChannel, P extends readonly unknown[]>(
  channel: C,
  toArg: (...params: P) => InvokeArg<C>,
): TaskCall<C, P> => ({ channel, toArg });
const none = (): undefined => undefined;

/**
 * The one table of what the preload puts on window.mobilitySetup: tasks, not channels (Electron Fiddle's
 * preload style). SetupApi, the allowlist the preload test checks and createSetupApi all derive from it,
 * so the preload and the e2e bridge (which builds the same API over loopback) cannot drift apart.
 */
export const SETUP_API_TASKS = {
  getState: task('app:get-state', none),
  close: task('app:close', none),
  copyText: task('app:copy-text', (text: string) => ({ text })),
  preflight: task('setup:preflight', (options: InstallOptions) => options),
  browseLocation: task('setup:browse-location', (current: string) => ({ current })),
  startInstall: task('setup:start-install', (options: InstallOptions) => options),
  register: task('setup:register', (request: RegisterRequest) => request),
  startUninstall: task('setup:start-uninstall', (request: UninstallRequest) => request),
  cancel: task('setup:cancel', (jobId: string) => ({ jobId })),
  logInfo: task('logs:info', (log: LogName) => ({ log })),
  readLog: task('logs:read', (query: LogQuery, first: number, count: number) => ({ query, first, count })),
  copyLog: task('logs:copy', (query: LogQuery, run: number | null) => ({ query, run })),
  openLogFolder: task('logs:open-folder', (log: LogName) => ({ log })),
  saveDiagnostics: task('logs:save-diagnostics', none),
  checkPushServers: task('push:check-servers', (lines: readonly string[], user: string) => ({ lines, user })),
  browseKeyFile: task('push:browse-key-file', (current: string) => ({ current })),
  scanHostKeys: task('push:scan-host-keys', (hosts: readonly string[], jump: string) => ({ hosts, jump })),
  startPush: task('push:start', (request: PushRequest) => request),
  cancelPush: task('push:cancel', (pushId: string) => ({ pushId })),
  savePushResults: task('push:save-results-csv', (pushId: string) => ({ pushId })),
  readInventory: task('push:read-inventory', (request: InventoryRequest) => request),
  fleetStatus: task('push:fleet-status', (request: FleetStatusRequest) => request),
} as const;

/** Event subscriptions: each returns a function that removes the listener. */
export const SETUP_API_EVENTS = {
  onJobEvent: 'setup:job-event',
  onLogChanged: 'logs:changed',
  onPushEvent: 'push:event',
} as const satisfies Record<string, EventChannel>;

type Tasks = typeof SETUP_API_TASKS;
type Events = typeof SETUP_API_EVENTS;
export type SetupApi = {
  readonly [K in keyof Tasks]: (...params: Parameters<Tasks[K]['toArg']>) => Promise<InvokeResult<Tasks[K]['channel']>>;
} & {
  readonly [K in keyof Events]: (listener: (payload: EventChannels[Events[K]]) => void) => () => void;
};

/** The exact set of calls the preload exposes; a test checks the preload against it. */
export const SETUP_API_METHODS = [
  ...Object.keys(SETUP_API_TASKS),
  ...Object.keys(SETUP_API_EVENTS),
] as readonly (keyof SetupApi)[];

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
  const api: Record<string, unknown> = {};
  for (const [name, { channel, toArg }] of Object.entries(SETUP_API_TASKS) as [
    string,
    TaskCall<InvokeChannel, unknown[]>,
  ][])
    api[name] = (...params: unknown[]) => invoke(channel, toArg(...params));
  for (const [name, channel] of Object.entries(SETUP_API_EVENTS))
    api[name] = (listener: (payload: unknown) => void) => listen(channel, listener);
  const typed = api as SetupApi;
  let early: Promise<AppState> | undefined = invoke('app:get-state', undefined);
  // A failure is reported to the first caller; until then it must not count as unhandled.
  early.catch(() => undefined);
  return {
    ...typed,
    getState: () => {
      const answer = early ?? invoke('app:get-state', undefined);
      early = undefined;
      return answer;
    },
  };
}
