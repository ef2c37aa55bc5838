import { parseCsEndpoint } from '../../shared/cs-endpoint';
import { checkInstallLocationText } from '../../shared/install-location';
import type { EventChannels, HostKeyScan, PushRequest } from '../../shared/ipc-contract';
import type { PushEvent } from '../../shared/push-events';
import { message, type Message } from '../i18n/message';
import { errorOf, setupApi } from '../setup-api';
import { goTo, openLogs } from './actions';
import { useDialog } from './stores';
import { applyPushEvent, failedHosts, newPushRun, retryPushRun, type PushRunView } from './push-state';
import { usePush, type PushForm } from './push-store';
import { endpointProblemMessage, locationProblemMessage } from './rule-messages';
import { fileTextTrimmed } from './file-text';

// The "Push to servers" path's actions, outside components like actions.ts: the form checked as typed (the
// servers by main, with the push CLI's own rules), the host key scan and acceptance, the push itself, its
// live events, Retry failed and the CSV of results.

const MAX_LINES = 1000;
const MAX_LINE = 300;
let checkTimer: ReturnType<typeof setTimeout> | undefined;
let checkGeneration = 0;
let unsubscribe: (() => void) | undefined;
// Events can arrive before startPush's answer names the push: they wait here for it (one push at a time).
let early: { pushId: string; events: PushEvent[] } | undefined;

/** Listens for push events from the first push on (the push pages load lazily, so does this). */
function listen(): void {
  unsubscribe ??= setupApi().onPushEvent(onPushEvent);
}

/** Stops listening and clears timers (tests; window unload). */
export function shutdownPush(): void {
  unsubscribe?.();
  unsubscribe = undefined;
  early = undefined;
  clearTimeout(checkTimer);
}

export function openPush(): void {
  goTo({ type: 'push-servers' });
}

/** Back to Installation Option: the password and the passphrase are dropped from memory. */
export function leavePush(): void {
  usePush.setState((s) => ({
    form: { ...s.form, password: '', passphrase: '', showPassword: false, showPassphrase: false },
  }));
  goTo({ type: 'installation-option' });
}

export function backToServers(): void {
  usePush.setState({ startError: undefined });
  goTo({ type: 'push-servers' });
}

export function setPushForm(change: Partial<PushForm>): void {
  usePush.setState((s) => ({ form: { ...s.form, ...change }, startError: undefined }));
  if (change.serversText !== undefined || change.user !== undefined) {
    usePush.setState({ servers: { status: 'checking' } });
    clearTimeout(checkTimer);
    // Checked once the admin pauses, not on every key.
    checkTimer = setTimeout(() => void checkServers(), 200);
  }
}

export async function checkServers(): Promise<void> {
  const generation = ++checkGeneration;
  const { serversText, user } = usePush.getState().form;
  const lines = serversText.split(/\r?\n/);
  const long = lines.findIndex((line) => line.length > MAX_LINE);
  if (lines.length > MAX_LINES || long !== -1) {
    const problems = [
      lines.length > MAX_LINES
        ? { line: MAX_LINES + 1, message: message('push.servers.tooManyLines', { max: MAX_LINES }) }
        : { line: long + 1, message: message('push.servers.lineTooLong', { max: MAX_LINE }) },
    ];
    usePush.setState({ servers: { status: 'done', hosts: [], problems } });
    return;
  }
  try {
    const answer = await setupApi().checkPushServers(lines, user.trim() === '' ? 'root' : user.trim());
    if (generation === checkGeneration) usePush.setState({ servers: { status: 'done', ...answer } });
  } catch (error) {
    if (generation === checkGeneration) usePush.setState({ servers: { status: 'error', error: errorOf(error) } });
  }
}

/** A hosts file, read in the page (one server a line, # comments), replaces the field. */
export async function loadServersFile(file: Blob): Promise<void> {
  usePush.setState({ inventory: undefined });
  setPushForm({ serversText: await fileTextTrimmed(file) });
}

export async function browseKeyFile(): Promise<void> {
  try {
    const chosen = await setupApi().browseKeyFile(usePush.getState().form.keyFile);
    if (chosen) setPushForm({ keyFile: chosen.path });
  } catch (error) {
    usePush.setState({ startError: errorOf(error) });
  }
}

export function togglePushPassphraseVisible(): void {
  usePush.setState((s) => ({ form: { ...s.form, showPassphrase: !s.form.showPassphrase } }));
}

/** The passphrase file the configuration server wrote, read in the page (its trailing line break dropped). */
export async function loadPushPassphraseFile(file: Blob): Promise<void> {
  setPushForm({ passphrase: await fileTextTrimmed(file) });
}

export function togglePasswordVisible(): void {
  usePush.setState((s) => ({ form: { ...s.form, showPassword: !s.form.showPassword } }));
}

export interface PushFormProblems {
  readonly user?: Message;
  readonly keyFile?: Message;
  readonly installLocation?: Message;
  readonly csEndpoint?: Message;
  readonly passphrase?: Message;
  readonly parallel?: Message;
  readonly jump?: Message;
  readonly canary?: Message;
  readonly maxFailures?: Message;
}

// A bastion hop as push-install's --jump takes it: [user@]host[:port] (IPv6 in brackets when a port follows).
const JUMP_HOP =
  /^([a-z_][a-z0-9_.-]{0,31}@)?(\[[0-9a-f:.]+\](:\d{1,5})?|[0-9a-f:]*:[0-9a-f:.]+|[A-Za-z0-9.-]+(:\d{1,5})?)$/i;

/** What is wrong with the form besides the servers (which main checks): shown at each field. */
export function pushFormProblems(form: PushForm): PushFormProblems {
  const problems: { -readonly [K in keyof PushFormProblems]: Message } = {};
  if (!/^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(form.user.trim())) problems.user = message('push.user.problem');
  if (form.auth === 'key' && form.keyFile.trim() !== '' && !form.keyFile.trim().startsWith('/'))
    problems.keyFile = message('push.keyFile.problem');
  if (form.installLocation.trim() !== '') {
    const location = checkInstallLocationText(form.installLocation.trim(), 'linux');
    if (!location.ok) problems.installLocation = locationProblemMessage(location.problem);
  }
  if (form.csEndpoint.trim() !== '') {
    const endpoint = parseCsEndpoint(form.csEndpoint.trim());
    if (!endpoint.ok) problems.csEndpoint = endpointProblemMessage(endpoint.problem);
  }
  const parallel = Number(form.parallel);
  if (!/^\d+$/.test(form.parallel.trim()) || parallel < 1 || parallel > 256)
    problems.parallel = message('push.parallel.problem');
  if (form.jump.trim() !== '' && !form.jump.split(',').every((hop) => JUMP_HOP.test(hop.trim())))
    problems.jump = message('push.jump.problem');
  const canary = Number(form.canary.trim());
  if (form.canary.trim() !== '' && (!/^\d+$/.test(form.canary.trim()) || canary < 1 || canary > 10_000))
    problems.canary = message('push.canary.problem');
  const percent = /^(\d{1,3})%$/.exec(form.maxFailures.trim());
  if (
    form.maxFailures.trim() !== '' &&
    !(percent ? Number(percent[1]) <= 100 : /^\d{1,5}$/.test(form.maxFailures.trim()))
  )
    problems.maxFailures = message('push.maxFailures.problem');
  return problems;
}

/** Everything needed to scan and push: servers checked and valid, credentials given, no problem. */
export function pushFormReady(): boolean {
  const { form, servers } = usePush.getState();
  if (servers.status !== 'done' || servers.problems.length > 0 || servers.hosts.length === 0) return false;
  if (Object.keys(pushFormProblems(form)).length > 0) return false;
  if (form.auth === 'key' ? form.keyFile.trim() === '' : form.password === '') return false;
  if (form.installLocation.trim() === '') return false;
  return form.csEndpoint.trim() === '' || form.passphrase !== '';
}

/** Next: the servers' host keys are scanned (no login) and shown for the admin to accept. */
export async function scanHostKeys(): Promise<void> {
  if (!pushFormReady()) return;
  const { servers } = usePush.getState();
  const hosts = servers.status === 'done' ? servers.hosts : [];
  usePush.setState({ hostKeys: { status: 'scanning', hosts }, accepted: {}, startError: undefined });
  goTo({ type: 'push-host-keys' });
  try {
    const keys = await setupApi().scanHostKeys(hosts, usePush.getState().form.jump.trim());
    usePush.setState({ hostKeys: { status: 'done', keys } });
  } catch (error) {
    usePush.setState({ hostKeys: { status: 'error', error: errorOf(error) } });
  }
}

/** Accepting is per server and per fingerprint: nothing is accepted until the admin ticks it. */
export function acceptHostKey(host: string, fingerprint: string, accept: boolean): void {
  usePush.setState((s) => {
    const accepted = { ...s.accepted };
    if (accept) accepted[host] = fingerprint;
    else delete accepted[host];
    return { accepted };
  });
}

export function hostKeyBlocks(key: HostKeyScan): boolean {
  return key.verdict === 'changed' || key.verdict === 'revoked' || key.verdict === 'unreachable';
}

/** Start enables once every unknown key is accepted and no server's key is changed, revoked or unreachable. */
export function canStartPush(): boolean {
  const { hostKeys, accepted } = usePush.getState();
  if (hostKeys.status !== 'done') return false;
  return hostKeys.keys.every(
    (key) => key.verdict === 'known' || (key.verdict === 'unknown' && accepted[key.host] === key.fingerprint),
  );
}

function bastions(jump: string): string[] {
  return jump.trim() === '' ? [] : jump.split(',').map((hop) => hop.trim());
}

/** The push as the form and the accepted keys describe it, for these servers. */
export function pushRequest(hosts: readonly string[]): PushRequest {
  const { form, accepted } = usePush.getState();
  const endpoint = form.csEndpoint.trim();
  return {
    hosts,
    user: form.user.trim(),
    credentials:
      form.auth === 'key'
        ? { kind: 'key', keyFile: form.keyFile.trim() }
        : { kind: 'password', password: form.password },
    role: form.role,
    platform: form.platform,
    installLocation: form.installLocation.trim(),
    cs: endpoint === '' ? null : { endpoint, passphrase: form.passphrase },
    parallel: Number(form.parallel),
    jump: form.jump.trim(),
    canary: form.canary.trim() === '' ? null : Number(form.canary.trim()),
    maxFailures: form.maxFailures.trim() === '' ? null : form.maxFailures.trim(),
    retryOf: null,
    // The servers' accepted keys and the bastions'.
    acceptedHostKeys: Object.entries(accepted)
      .filter(([host]) => hosts.includes(host) || bastions(form.jump).includes(host))
      .map(([host, fingerprint]) => ({ host, fingerprint })),
  };
}

/**
 * A push to these servers with the form's settings; the live table follows. A retry continues `previous`: its
 * rows stay, and main merges the results for Save results as CSV.
 */
export async function pushTo(hosts: readonly string[], previous?: PushRunView): Promise<void> {
  usePush.setState({ startError: undefined, saved: undefined, saveError: undefined });
  listen();
  try {
    const { pushId } = await setupApi().startPush({ ...pushRequest(hosts), retryOf: previous?.pushId ?? null });
    let run = previous ? retryPushRun(previous, pushId, hosts) : newPushRun(pushId, hosts);
    if (early?.pushId === pushId) for (const event of early.events) run = applyPushEvent(run, event);
    early = undefined;
    usePush.setState({ run });
    goTo({ type: 'push-progress' });
  } catch (error) {
    usePush.setState({ startError: errorOf(error) });
  }
}

/** The servers a scan blocks (changed, revoked or unreachable keys), bastions aside. */
export function blockedServers(): string[] {
  const { hostKeys } = usePush.getState();
  if (hostKeys.status !== 'done') return [];
  return hostKeys.keys.filter((key) => !key.jumpHost && hostKeyBlocks(key)).map((key) => key.host);
}

/**
 * Skip the blocked servers and push to the rest: offered when every other server's key is known or accepted
 * and no bastion is blocked (every server behind it would be).
 */
export function canPushToTheRest(): boolean {
  const { hostKeys, accepted } = usePush.getState();
  if (hostKeys.status !== 'done') return false;
  const blocked = blockedServers();
  if (blocked.length === 0) return false;
  const rest = hostKeys.keys.filter((key) => !blocked.includes(key.host));
  return (
    rest.some((key) => !key.jumpHost) &&
    rest.every(
      (key) => key.verdict === 'known' || (key.verdict === 'unknown' && accepted[key.host] === key.fingerprint),
    )
  );
}

export async function pushToTheRest(): Promise<void> {
  const { hostKeys } = usePush.getState();
  if (!canPushToTheRest() || hostKeys.status !== 'done') return;
  const blocked = blockedServers();
  await pushTo(hostKeys.keys.filter((key) => !key.jumpHost && !blocked.includes(key.host)).map((key) => key.host));
}

export async function startPush(): Promise<void> {
  const { hostKeys } = usePush.getState();
  if (!canStartPush() || hostKeys.status !== 'done') return;
  await pushTo(hostKeys.keys.filter((key) => !key.jumpHost).map((key) => key.host));
}

/** A new push with the servers that failed, and only those, with the same settings. */
export async function retryFailed(): Promise<void> {
  const run = usePush.getState().run;
  if (!run?.result) return;
  const failed = failedHosts(run);
  if (failed.length > 0) await pushTo(failed, run);
}

/** Show command line: the push-install command for the servers and settings on the form (no secret in it). */
export function showPushCommandLine(): void {
  const { form, servers } = usePush.getState();
  const parallel = Number(form.parallel);
  useDialog.setState({
    dialog: {
      type: 'command-line',
      of: 'push',
      push: {
        hosts: servers.status === 'done' ? servers.hosts : [],
        user: form.user.trim() || 'root',
        keyFile: form.auth === 'key' ? form.keyFile.trim() || '~/.ssh/id_ed25519' : null,
        jump: form.jump.trim(),
        role: form.role,
        platform: form.platform,
        installLocation: form.installLocation.trim() || '/usr/local/ASR',
        csEndpoint: form.csEndpoint.trim() === '' ? null : form.csEndpoint.trim(),
        parallel: Number.isInteger(parallel) && parallel > 0 ? parallel : 10,
        canary: /^\d+$/.test(form.canary.trim()) ? Number(form.canary.trim()) : null,
        maxFailures: form.maxFailures.trim() === '' ? null : form.maxFailures.trim(),
      },
    },
  });
}

export async function cancelPush(): Promise<void> {
  const run = usePush.getState().run;
  if (run && !run.result) await setupApi().cancelPush(run.pushId);
}

export async function savePushResults(): Promise<void> {
  const run = usePush.getState().run;
  if (!run?.result) return;
  usePush.setState({ saved: undefined, saveError: undefined });
  try {
    const saved = await setupApi().savePushResults(run.pushId);
    if (saved) usePush.setState({ saved: saved.path });
  } catch (error) {
    usePush.setState({ saveError: errorOf(error) });
  }
}

/** The push log in the logs view, filtered to the lines of that server. */
export async function openPushLog(host: string): Promise<void> {
  await openLogs('push', `[${host}]`);
}

export function onPushEvent(payload: EventChannels['push:event']): void {
  const run = usePush.getState().run;
  if (run?.pushId === payload.pushId) {
    usePush.setState({ run: applyPushEvent(run, payload.event) });
    return;
  }
  // A push this window has not heard the id of yet: its own, most likely, about to be named.
  if (early?.pushId !== payload.pushId) early = { pushId: payload.pushId, events: [] };
  if (early.events.length < 10_000) early.events.push(payload.event);
}
