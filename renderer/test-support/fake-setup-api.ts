import type {
  AppState,
  EventChannels,
  FleetStatusRequest,
  HostKeyScan,
  InventoryRequest,
  InventoryServers,
  LogCopied,
  LogLine,
  PreflightSummary,
  PushServerCheck,
  SetupApi,
  LogRun,
} from '../../shared/ipc-contract';
import { encodeIpcError } from '../../shared/ipc-contract';
import type { SetupError } from '../../shared/error-catalog';
import type { FleetRow } from '../../shared/fleet-status';

// A scriptable SetupApi for renderer tests: records calls, answers from fields the test sets, and lets the
// test emit job and log events as main would.

export const NOT_INSTALLED: AppState = {
  version: '1.0.0',
  hostPlatform: 'linux',
  defaultInstallLocation: '/usr/local/ASR',
  elevation: 'elevated',
  installed: null,
  registration: null,
  runningJob: null,
  locale: 'en-US',
};

/** The agent as an install leaves it, for a machine where setup runs again. */
export const INSTALLED = {
  agentVersion: '9.60.0.0',
  installLocation: '/usr/local/ASR',
  role: 'MS',
  platform: 'VmWare',
  status: 'Succeeded',
} as const;

export const ALL_PASS: PreflightSummary = {
  installLocation: '/usr/local/ASR',
  mode: 'fresh',
  canInstall: true,
  items: [{ id: 'os', title: 'Supported operating system', ok: true, message: 'Debian 12' }],
};

export class FakeSetupApi implements SetupApi {
  state: AppState = NOT_INSTALLED;
  preflightAnswer: PreflightSummary = ALL_PASS;
  registerFailure: SetupError | undefined;
  logLines: LogLine[] = [];
  /** What push:check-servers answers for the lines it is given (default: every non-empty line is a server). */
  checkServersAnswer: ((lines: readonly string[]) => PushServerCheck) | undefined;
  hostKeys: HostKeyScan[] = [];
  startPushFailure: SetupError | undefined;
  savedPath: string | null = '/home/admin/push-results.csv';
  uninstallFailure: SetupError | undefined;
  /** Copy answers that the lines are more than it takes. */
  copyTooLarge = false;
  /** What push:read-inventory answers: the servers' lines, or an error. */
  inventoryAnswer: InventoryServers | SetupError = { lines: [], ownKeys: [] };
  /** What push:fleet-status answers: a row a server, or an error. */
  fleetRows: readonly FleetRow[] | SetupError = [];
  /** What logs:save-diagnostics answers: a path, null (the dialog was cancelled) or an error. */
  diagnosticsAnswer: string | null | SetupError = '/home/admin/asr-setup-diagnostics.tar.gz';
  readonly calls: { method: string; arg: unknown }[] = [];
  private readonly jobListeners = new Set<(payload: EventChannels['setup:job-event']) => void>();
  private readonly logListeners = new Set<(payload: EventChannels['logs:changed']) => void>();
  private readonly pushListeners = new Set<(payload: EventChannels['push:event']) => void>();
  private jobs = 0;

  private record(method: string, arg: unknown): void {
    this.calls.push({ method, arg });
  }

  called(method: string): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.arg);
  }

  async getState() {
    this.record('getState', undefined);
    return this.state;
  }
  async preflight(options: Parameters<SetupApi['preflight']>[0]) {
    this.record('preflight', options);
    return this.preflightAnswer;
  }
  async browseLocation(current: string) {
    this.record('browseLocation', current);
    return { path: '/opt/picked' };
  }
  async startInstall(options: Parameters<SetupApi['startInstall']>[0]) {
    this.record('startInstall', options);
    return { jobId: `00000000-0000-4000-8000-00000000000${++this.jobs}` };
  }
  async register(request: Parameters<SetupApi['register']>[0]) {
    this.record('register', request);
    if (this.registerFailure) throw new Error(encodeIpcError(this.registerFailure));
    return { jobId: `00000000-0000-4000-8000-00000000000${++this.jobs}` };
  }
  async startUninstall(request: Parameters<SetupApi['startUninstall']>[0]) {
    this.record('startUninstall', request);
    if (this.uninstallFailure) throw new Error(encodeIpcError(this.uninstallFailure));
    return { jobId: `00000000-0000-4000-8000-00000000000${++this.jobs}` };
  }
  async saveDiagnostics() {
    this.record('saveDiagnostics', undefined);
    const answer = this.diagnosticsAnswer;
    if (answer !== null && typeof answer === 'object') throw new Error(encodeIpcError(answer));
    return answer === null ? null : { path: answer };
  }
  async cancel(jobId: string) {
    this.record('cancel', jobId);
  }
  /** The runs main found in the log (each from its header line). */
  logRuns: LogRun[] = [];
  async logInfo(log: Parameters<SetupApi['logInfo']>[0]) {
    this.record('logInfo', log);
    return {
      name: log,
      fileName: 'ASRUnifiedAgentInstaller.log',
      path: '/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log',
      exists: this.logLines.length > 0,
      size: this.logLines.length * 50,
      lineCount: this.logLines.length,
      runs: this.logRuns,
    };
  }
  async readLog(query: Parameters<SetupApi['readLog']>[0], first: number, count: number) {
    this.record('readLog', { query, first, count });
    const matching = this.logLines.filter(
      (line) => query.text === '' || line.text.toLowerCase().includes(query.text.toLowerCase()),
    );
    return { total: matching.length, first, lines: matching.slice(first, first + count) };
  }
  /** What main put on the clipboard: a Copy button's text, or for logs:copy every matching line of the log. */
  clipboard: string | undefined;
  /** Set to make main's clipboard refuse (copyText rejects). */
  clipboardFails = false;
  async copyText(text: string) {
    this.record('copyText', text);
    if (this.clipboardFails) throw new Error('the clipboard cannot be written');
    this.clipboard = text;
  }
  async copyLog(query: Parameters<SetupApi['copyLog']>[0], run: number | null): Promise<LogCopied> {
    this.record('copyLog', { query, run });
    if (this.copyTooLarge) return { kind: 'too-large', megabytes: 40, maxMegabytes: 32 };
    const lines = this.logLines.filter(
      (line) =>
        (run === null || line.number >= run) &&
        (query.text === '' || line.text.toLowerCase().includes(query.text.toLowerCase())),
    );
    this.clipboard = lines.map((line) => line.text).join('\n');
    return { kind: 'copied', lines: lines.length, bytes: this.clipboard.length };
  }
  async openLogFolder(log: Parameters<SetupApi['openLogFolder']>[0]) {
    this.record('openLogFolder', log);
  }
  async close() {
    this.record('close', undefined);
  }
  async checkPushServers(lines: readonly string[], user: string) {
    this.record('checkPushServers', { lines, user });
    if (this.checkServersAnswer) return this.checkServersAnswer(lines);
    return { hosts: lines.map((line) => line.trim()).filter((line) => line !== ''), problems: [] };
  }
  async browseKeyFile(current: string) {
    this.record('browseKeyFile', current);
    return { path: '/root/.ssh/id_ed25519' };
  }
  async scanHostKeys(hosts: readonly string[], jump: string) {
    this.record('scanHostKeys', hosts);
    if (jump !== '') this.record('scanHostKeysJump', jump);
    // As push-install lists them: the bastions' keys first, then the servers'.
    const bastions = jump === '' ? [] : this.hostKeys.filter((key) => key.jumpHost);
    return [
      ...bastions,
      ...hosts.map(
        (host) =>
          this.hostKeys.find((key) => key.host === host) ?? { host, verdict: 'known' as const, keyType: 'ssh-ed25519' },
      ),
    ];
  }
  async startPush(request: Parameters<SetupApi['startPush']>[0]) {
    this.record('startPush', request);
    if (this.startPushFailure) throw new Error(encodeIpcError(this.startPushFailure));
    return { pushId: `00000000-0000-4000-8000-00000000000${++this.jobs}` };
  }
  async cancelPush(pushId: string) {
    this.record('cancelPush', pushId);
  }
  async savePushResults(pushId: string) {
    this.record('savePushResults', pushId);
    return this.savedPath === null ? null : { path: this.savedPath };
  }
  async readInventory(request: InventoryRequest) {
    this.record('readInventory', request);
    if ('code' in this.inventoryAnswer) throw new Error(encodeIpcError(this.inventoryAnswer));
    return this.inventoryAnswer;
  }
  async fleetStatus(request: FleetStatusRequest) {
    this.record('fleetStatus', request);
    if ('code' in this.fleetRows) throw new Error(encodeIpcError(this.fleetRows));
    return this.fleetRows;
  }
  onPushEvent(listener: (payload: EventChannels['push:event']) => void) {
    this.pushListeners.add(listener);
    return () => {
      this.pushListeners.delete(listener);
    };
  }
  emitPush(payload: EventChannels['push:event']): void {
    for (const listener of this.pushListeners) listener(payload);
  }
  onJobEvent(listener: (payload: EventChannels['setup:job-event']) => void) {
    this.jobListeners.add(listener);
    return () => {
      this.jobListeners.delete(listener);
    };
  }
  onLogChanged(listener: (payload: EventChannels['logs:changed']) => void) {
    this.logListeners.add(listener);
    return () => {
      this.logListeners.delete(listener);
    };
  }
  emitJob(payload: EventChannels['setup:job-event']): void {
    for (const listener of this.jobListeners) listener(payload);
  }
  emitLog(payload: EventChannels['logs:changed']): void {
    for (const listener of this.logListeners) listener(payload);
  }
}
