import { parseCsEndpoint } from '../../shared/cs-endpoint';
import type { EventChannels, InstallOptions, PreflightSummary } from '../../shared/ipc-contract';
import { applyLocale } from '../i18n/locale-store';
import type { Message } from '../i18n/message';
import { errorOf, setupApi } from '../setup-api';
import { endpointTyped, stopFieldTimers } from './field-actions';
import { onLogChanged, stopLogTimers } from './log-actions';
import { locationMessage, preflightNews, refusedField } from './field-rules';
import { applyJobEvent, newJob } from './job-state';
import { endpointProblemMessage } from './rule-messages';
import { useInstall, useRegistration, useWizard, type PreflightState, type WizardStep } from './stores';
import { fileTextTrimmed } from './file-text';

// Everything the wizard does, as plain functions outside components: they call the setup API and update
// the stores; components only read stores and call these.

let preflightTimer: ReturnType<typeof setTimeout> | undefined;
let preflightGeneration = 0;
const unsubscribers: (() => void)[] = [];

export function goTo(step: WizardStep): void {
  useWizard.setState({ step });
}

export async function boot(): Promise<void> {
  const api = setupApi();
  unsubscribers.push(api.onJobEvent(onJobEvent), api.onLogChanged(onLogChanged));
  try {
    const app = await api.getState();
    // A catalog that fails to load leaves the wizard in English rather than not starting.
    await applyLocale(app.locale).catch(() => undefined);
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
  stopFieldTimers();
  stopLogTimers();
}

/** The prerequisites results on screen, kept while the next check runs. */
export function shownSummary(preflight: PreflightState): PreflightSummary | undefined {
  switch (preflight.status) {
    case 'done':
      return preflight.summary;
    case 'checking':
    case 'waiting':
      return preflight.previous;
    case 'idle':
    case 'error':
      return undefined;
    default: {
      const unreachable: never = preflight;
      return unreachable;
    }
  }
}

function hostPlatform(): 'linux' | 'win32' {
  return useWizard.getState().app?.hostPlatform ?? 'linux';
}

export function setInstallOption(change: Partial<InstallOptions>): void {
  useInstall.setState((s) => {
    const options = { ...s.options, ...change };
    // A location the rules now accept loses its message at once; a wrong one is judged when typing pauses.
    const accepted = locationMessage(options.installLocation, hostPlatform()) === undefined;
    return {
      options,
      preflight: { status: 'checking', previous: shownSummary(s.preflight) },
      locationProblem: accepted ? undefined : s.locationProblem,
    };
  });
  clearTimeout(preflightTimer);
  // Typing in the location field re-checks once the admin pauses, not on every key.
  preflightTimer = setTimeout(() => void runPreflight(), change.installLocation === undefined ? 0 : 800);
}

export async function runPreflight(): Promise<void> {
  clearTimeout(preflightTimer);
  const generation = ++preflightGeneration;
  const { options, preflight } = useInstall.getState();
  const previous = shownSummary(preflight);
  const locationProblem = locationMessage(options.installLocation, hostPlatform());
  // An empty location is refused by the call's schema: nothing to ask main, the field says what to do.
  if (options.installLocation.trim() === '') {
    useInstall.setState({ locationProblem, preflight: { status: 'waiting', previous } });
    return;
  }
  useInstall.setState({ locationProblem, preflight: { status: 'checking', previous } });
  try {
    const summary = await setupApi().preflight(options);
    if (generation === preflightGeneration)
      useInstall.setState({ preflight: { status: 'done', summary }, preflightNews: preflightNews(previous, summary) });
  } catch (thrown) {
    if (generation !== preflightGeneration) return;
    const error = errorOf(thrown);
    if (refusedField(error) === 'installLocation')
      useInstall.setState({
        locationProblem: locationProblem ?? error.message,
        preflight: { status: 'waiting', previous },
      });
    else useInstall.setState({ preflight: { status: 'error', error } });
  }
}

export async function browseInstallLocation(): Promise<void> {
  try {
    const chosen = await setupApi().browseLocation(useInstall.getState().options.installLocation);
    if (!chosen) return;
    setInstallOption({ installLocation: chosen.path });
    void runPreflight();
  } catch (error) {
    useInstall.setState({ preflight: { status: 'error', error: errorOf(error) } });
  }
}

/** Whether Install may start now: the prerequisites passed, and the location (maybe changed since) is valid. */
function readyToInstall(): boolean {
  const { preflight, options } = useInstall.getState();
  if (preflight.status !== 'done' || !preflight.summary.canInstall) return false;
  // Checked here too: the location may have changed after the check that enabled Install.
  const locationProblem = locationMessage(options.installLocation, hostPlatform());
  if (locationProblem === undefined) return true;
  useInstall.setState({ locationProblem });
  goTo({ type: 'installation-option' });
  return false;
}

/** Next on Installation Option (or Enter in its fields): the Ready to install summary; nothing changes yet. */
export function reviewInstall(): void {
  if (!readyToInstall()) return;
  useInstall.setState({ startError: undefined });
  goTo({ type: 'ready-to-install' });
}

export async function startInstall(): Promise<void> {
  if (!readyToInstall()) return;
  const { options } = useInstall.getState();
  useInstall.setState({ startError: undefined });
  try {
    const { jobId } = await setupApi().startInstall(options);
    useInstall.setState({ job: newJob(jobId), jobKind: 'install' });
    goTo({ type: 'installation-progress' });
  } catch (thrown) {
    const error = errorOf(thrown);
    if (refusedField(error) === 'installLocation' || error.code === 'INSTALL_LOCATION_INVALID')
      useInstall.setState({
        locationProblem: locationMessage(options.installLocation, hostPlatform()) ?? error.message,
      });
    else useInstall.setState({ startError: error });
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
  endpointTyped(endpoint);
}

export function setPassphrase(passphrase: string): void {
  useRegistration.setState({ passphrase, error: undefined });
}

export function togglePassphraseVisible(): void {
  useRegistration.setState((s) => ({ showPassphrase: !s.showPassphrase }));
}

/** The passphrase file the CS's genpassphrase wrote, read in the page; trailing newlines dropped as the CLI does. */
export async function loadPassphraseFile(file: Blob): Promise<void> {
  setPassphrase(await fileTextTrimmed(file));
}

export function endpointProblem(endpoint: string): Message | undefined {
  if (endpoint.trim() === '') return undefined;
  const parsed = parseCsEndpoint(endpoint);
  return parsed.ok ? undefined : endpointProblemMessage(parsed.problem);
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

/** Cancel while registering: main closes the configurator's stdin (it may run as root), which then stops. */
export async function cancelRegistration(): Promise<void> {
  const jobId = useRegistration.getState().job?.jobId;
  if (jobId && useRegistration.getState().submitting) await setupApi().cancel(jobId);
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
        registeredAt: summary.registeredAt ?? new Date().toISOString(),
      },
    });
    void refreshAppState();
    goTo({ type: 'finish' });
  } else {
    // The typed endpoint and passphrase stay, so a retry is one click.
    useRegistration.setState({ submitting: false, error: event.error ?? undefined });
  }
}

// The logs view's actions live in log-actions.ts; pages and tests have always found them here.
export {
  closeLogs,
  ensureLogLines,
  onLogChanged,
  openLogFolder,
  openLogs,
  reloadLog,
  selectLog,
  setFollow,
  setLogLevel,
  setLogText,
} from './log-actions';

export async function closeApp(): Promise<void> {
  await setupApi().close();
}
