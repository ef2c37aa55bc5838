import { parseCsEndpoint } from '../../shared/cs-endpoint';
import type { EventChannels, InstallOptions, LogLevelFilter, LogName, LogQuery } from '../../shared/ipc-contract';
import { errorOf, setupApi } from '../setup-api';
import { applyJobEvent, newJob } from './job-state';
import { BLOCK_LINES, useInstall, useLogs, useRegistration, useWizard, type WizardStep } from './stores';

// Everything the wizard does, as plain functions outside components: they call the setup API and update
// the stores; components only read stores and call these.

let preflightTimer: ReturnType<typeof setTimeout> | undefined;
let preflightGeneration = 0;
let textTimer: ReturnType<typeof setTimeout> | undefined;
const unsubscribers: (() => void)[] = [];

export function goTo(step: WizardStep): void {
  useWizard.setState({ step });
}

export async function boot(): Promise<void> {
  const api = setupApi();
  unsubscribers.push(api.onJobEvent(onJobEvent), api.onLogChanged(onLogChanged));
  try {
    const app = await api.getState();
    useWizard.setState({ app });
    useInstall.setState((s) => ({
      options: {
        ...s.options,
        installLocation: app.installed?.installLocation ?? app.defaultInstallLocation,
        role: app.installed?.role ?? 'MS',
        platform: app.installed?.platform ?? 'VmWare',
      },
    }));
    if (app.registration)
      useRegistration.setState({ registered: app.registration, endpoint: app.registration.csEndpoint });
    const running = app.runningJob;
    if (running?.kind === 'install' || running?.kind === 'uninstall') {
      useInstall.setState({ job: newJob(running.jobId), jobKind: running.kind });
      goTo({ type: 'installation-progress' });
    } else if (app.runningJob?.kind === 'register') {
      useRegistration.setState({ submitting: true, job: newJob(app.runningJob.jobId) });
      goTo({ type: 'configuration-server-details' });
    } else if (app.registration) {
      // Installed and registered: show where it is registered, and offer to change the server.
      goTo({ type: 'finish' });
    } else if (app.installed) {
      goTo({ type: 'configuration-server-details' });
    } else {
      // Preflight starts when the page is on screen (see InstallationOptionPage), not before.
      goTo({ type: 'installation-option' });
    }
  } catch (error) {
    goTo({ type: 'unavailable', error: errorOf(error) });
  }
}

/** Stops listening and clears timers (tests; window unload). */
export function shutdown(): void {
  for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
  clearTimeout(preflightTimer);
  clearTimeout(textTimer);
}

export function setInstallOption(change: Partial<InstallOptions>): void {
  useInstall.setState((s) => ({ options: { ...s.options, ...change }, preflight: { status: 'checking' } }));
  clearTimeout(preflightTimer);
  // Typing in the location field re-checks once the admin pauses, not on every key.
  preflightTimer = setTimeout(() => void runPreflight(), 300);
}

export async function runPreflight(): Promise<void> {
  const generation = ++preflightGeneration;
  useInstall.setState({ preflight: { status: 'checking' } });
  try {
    const summary = await setupApi().preflight(useInstall.getState().options);
    if (generation === preflightGeneration) useInstall.setState({ preflight: { status: 'done', summary } });
  } catch (error) {
    if (generation === preflightGeneration)
      useInstall.setState({ preflight: { status: 'error', error: errorOf(error) } });
  }
}

export async function browseInstallLocation(): Promise<void> {
  try {
    const chosen = await setupApi().browseLocation(useInstall.getState().options.installLocation);
    if (chosen) setInstallOption({ installLocation: chosen.path });
  } catch (error) {
    useInstall.setState({ preflight: { status: 'error', error: errorOf(error) } });
  }
}

export async function startInstall(): Promise<void> {
  const { preflight, options } = useInstall.getState();
  if (preflight.status !== 'done' || !preflight.summary.canInstall) return;
  useInstall.setState({ startError: undefined });
  try {
    const { jobId } = await setupApi().startInstall(options);
    useInstall.setState({ job: newJob(jobId), jobKind: 'install' });
    goTo({ type: 'installation-progress' });
  } catch (error) {
    useInstall.setState({ startError: errorOf(error) });
  }
}

export async function cancelJob(): Promise<void> {
  const jobId = useInstall.getState().job?.jobId;
  if (jobId) await setupApi().cancel(jobId);
}

export function backToOptions(): void {
  useInstall.setState({ job: undefined, preflight: { status: 'idle' } });
  goTo({ type: 'installation-option' });
}

/** The Installation Option page asks for a preflight when it shows without a current one. */
export function preflightIfNeeded(): void {
  if (useInstall.getState().preflight.status === 'idle') void runPreflight();
}

export function proceedToConfiguration(): void {
  goTo({ type: 'configuration-server-details' });
}

export function changeConfigurationServer(): void {
  useRegistration.setState({ error: undefined, job: undefined });
  goTo({ type: 'configuration-server-details' });
}

export function setEndpoint(endpoint: string): void {
  useRegistration.setState({ endpoint, error: undefined });
}

export function setPassphrase(passphrase: string): void {
  useRegistration.setState({ passphrase, error: undefined });
}

export function togglePassphraseVisible(): void {
  useRegistration.setState((s) => ({ showPassphrase: !s.showPassphrase }));
}

/** The passphrase file the CS's genpassphrase wrote, read in the page; trailing newlines dropped as the CLI does. */
export async function loadPassphraseFile(file: Blob): Promise<void> {
  const text = await file.text();
  setPassphrase(text.replace(/[\r\n]+$/, ''));
}

export function endpointProblem(endpoint: string): string | undefined {
  if (endpoint.trim() === '') return undefined;
  const parsed = parseCsEndpoint(endpoint);
  return parsed.ok ? undefined : parsed.reason;
}

export async function register(): Promise<void> {
  const { endpoint, passphrase, submitting } = useRegistration.getState();
  if (submitting || endpointProblem(endpoint) !== undefined || endpoint.trim() === '' || passphrase === '') return;
  useRegistration.setState({ submitting: true, error: undefined });
  try {
    const { jobId } = await setupApi().register({ endpoint: endpoint.trim(), passphrase });
    useRegistration.setState({ job: newJob(jobId) });
  } catch (error) {
    useRegistration.setState({ submitting: false, error: errorOf(error) });
  }
}

export async function refreshAppState(): Promise<void> {
  try {
    const app = await setupApi().getState();
    useWizard.setState({ app });
  } catch {
    // The job's own result already says what happened; the state refreshes on the next call.
  }
}

export function onJobEvent(payload: EventChannels['setup:job-event']): void {
  const { kind, jobId, event } = payload;
  switch (kind) {
    case 'install':
    case 'uninstall': {
      const job = useInstall.getState().job;
      if (!job || job.jobId !== jobId) return;
      useInstall.setState({ job: applyJobEvent(job, event) });
      if (event.type !== 'result') return;
      // Uninstalled: no registration is left here either (the CS keeps its entry unless it was unregistered).
      if (kind === 'uninstall' && event.status !== 'Failed') useRegistration.setState({ registered: undefined });
      void refreshAppState();
      return;
    }
    case 'register':
      onRegisterEvent(jobId, event);
      return;
    case 'diagnostics':
      // The save call answers with the bundle's path or the error; its events have nothing more to show.
      return;
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

function onRegisterEvent(jobId: string, event: EventChannels['setup:job-event']['event']): void {
  const job = useRegistration.getState().job;
  if (!job || job.jobId !== jobId) return;
  const next = applyJobEvent(job, event);
  useRegistration.setState({ job: next });
  if (event.type !== 'result') return;
  if (event.status !== 'Failed') {
    const summary = event.summary ?? {};
    useRegistration.setState({
      submitting: false,
      passphrase: '',
      showPassphrase: false,
      registered: {
        csEndpoint: summary.csEndpoint ?? '',
        hostId: summary.hostId ?? '',
        fingerprint: summary.fingerprint ?? '',
        registeredAt: new Date().toISOString(),
      },
    });
    void refreshAppState();
    goTo({ type: 'finish' });
  } else {
    // The typed endpoint and passphrase stay, so a retry is one click.
    useRegistration.setState({ submitting: false, error: event.error ?? undefined });
  }
}

// ---- Logs view ----

function currentQuery(): LogQuery {
  const { log, level, text } = useLogs.getState();
  return { log, level, text };
}

/** Opens the logs view, on a named log and with a text filter when given (a pushed server's lines). */
export async function openLogs(log?: LogName, text?: string): Promise<void> {
  useWizard.setState({ logsOpen: true });
  if (log) useLogs.setState({ log });
  if (text !== undefined) useLogs.setState({ text, follow: true });
  await reloadLog();
}

export function closeLogs(): void {
  useWizard.setState({ logsOpen: false });
}

export async function reloadLog(): Promise<void> {
  const generation = useLogs.getState().generation + 1;
  useLogs.setState({ generation, blocks: new Map(), error: undefined });
  try {
    const api = setupApi();
    const query = currentQuery();
    const info = await api.logInfo(query.log);
    // The tail is what an admin looks at first: fetch the last block before anything else.
    const { total } = await api.readLog(query, 0, 1);
    const lastBlock = Math.max(0, Math.floor((total - 1) / BLOCK_LINES));
    const window = await api.readLog(query, lastBlock * BLOCK_LINES, BLOCK_LINES);
    if (useLogs.getState().generation !== generation) return;
    useLogs.setState({ info, total: window.total, blocks: new Map([[lastBlock, window.lines]]) });
  } catch (error) {
    if (useLogs.getState().generation === generation) useLogs.setState({ error: errorOf(error) });
  }
}

const inFlight = new Set<string>();

/** Makes sure the lines first..last (inclusive) are loaded, a block at a time. */
export async function ensureLogLines(first: number, last: number): Promise<void> {
  const { generation, blocks, total } = useLogs.getState();
  if (total === 0) return;
  const api = setupApi();
  const query = currentQuery();
  for (
    let block = Math.floor(first / BLOCK_LINES);
    block <= Math.floor(Math.min(last, total - 1) / BLOCK_LINES);
    block++
  ) {
    const key = `${generation}:${block}`;
    if (blocks.has(block) || inFlight.has(key)) continue;
    inFlight.add(key);
    void api
      .readLog(query, block * BLOCK_LINES, BLOCK_LINES)
      .then((window) => {
        const state = useLogs.getState();
        if (state.generation !== generation) return;
        const next = new Map(state.blocks);
        next.set(block, window.lines);
        useLogs.setState({ blocks: next, total: window.total });
      })
      .catch((error: unknown) => useLogs.setState({ error: errorOf(error) }))
      .finally(() => inFlight.delete(key));
  }
}

export function selectLog(log: LogName): void {
  useLogs.setState({ log, follow: true });
  void reloadLog();
}

export function setLogLevel(level: LogLevelFilter): void {
  useLogs.setState({ level });
  void reloadLog();
}

export function setLogText(text: string): void {
  useLogs.setState({ text });
  clearTimeout(textTimer);
  textTimer = setTimeout(() => void reloadLog(), 250);
}

export function setFollow(follow: boolean): void {
  useLogs.setState({ follow });
}

export function onLogChanged(payload: EventChannels['logs:changed']): void {
  const state = useLogs.getState();
  if (!useWizard.getState().logsOpen || payload.log !== state.log) return;
  // The last block may have grown: drop it and fetch the new tail; the total comes back with it.
  const lastBlock = Math.max(0, Math.floor((state.total - 1) / BLOCK_LINES));
  const blocks = new Map(state.blocks);
  blocks.delete(lastBlock);
  useLogs.setState({ blocks });
  const generation = state.generation;
  const api = setupApi();
  // The file may have just appeared, and a new run may have started: the summary and run list refresh too.
  void api
    .logInfo(state.log)
    .then((info) => {
      if (useLogs.getState().generation === generation) useLogs.setState({ info });
    })
    .catch(() => undefined);
  void api
    .readLog(currentQuery(), lastBlock * BLOCK_LINES, BLOCK_LINES)
    .then((window) => {
      if (useLogs.getState().generation !== generation) return;
      const next = new Map(useLogs.getState().blocks);
      next.set(lastBlock, window.lines);
      useLogs.setState({ blocks: next, total: window.total });
    })
    .catch(() => undefined);
}

export async function openLogFolder(): Promise<void> {
  await setupApi().openLogFolder();
}

export async function closeApp(): Promise<void> {
  await setupApi().close();
}
