import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import { setupError } from '../../shared/error-catalog';
import { checkInstallLocationText } from '../../shared/install-location';
import type { EventChannels, HostKeyScan, HostKeyVerdict, InvokeChannel, PushRequest } from '../../shared/ipc-contract';
import type { HostResult, PushEvent } from '../../shared/push-events';
import { IpcError, type InvokeHandlers } from './ipc-dispatch';
import type { CliRuntime } from './job-launcher';
import { spawnPushCli, type PushChild } from './push-child';
import { pushResultsCsv } from './push-csv';
import { createFleetHandlers } from './push-fleet-handlers';
import {
  checkedHosts,
  checkedJump,
  checkedMaxFailures,
  checkServerLines,
  invalid,
  loginArguments,
} from './push-request-checks';

// The wizard's "Push to servers": the push CLI (the same code an admin runs) in an unprivileged child, one
// push at a time. Main checks what the renderer typed with the CLI's own rules before any child starts; the
// SSH password goes in a 0600 file in a fresh 0700 folder that is deleted once the child has exited, the
// passphrase on the child's stdin; neither is ever in argv, the environment, a log or an event.

/** The push CLI's log (electron/engine/push/push-run.ts PUSH_LOG_NAME; named here so main does not load ssh2). */
export const PUSH_LOG_FILE_NAME = 'ASRPushInstall.log';

export type PushChannel = Extract<InvokeChannel, `push:${string}`>;
export type PushHandlers = { readonly [C in PushChannel]: InvokeHandlers[C] };

export interface PushServiceDeps {
  readonly runtime: CliRuntime;
  /** dist/cli/push-install.cjs (or a stand-in in tests). */
  readonly script: string;
  readonly repository: string;
  readonly logFile: string;
  readonly knownHosts: string;
  /** Native file picker (main) or a stand-in (bridge). */
  readonly browseFile: (current: string) => Promise<string | null>;
  /** Native save dialog (main) or a stand-in (bridge): where to write a file suggested by that name. */
  readonly saveFile: (suggestedName: string) => Promise<string | null>;
  readonly onEvent: (payload: EventChannels['push:event']) => void;
}

export interface PushService {
  readonly handlers: PushHandlers;
  /** The running push, if any. */
  readonly running: string | undefined;
  cancel(): void;
}

/** Where a push logs: the app's --log-dir, the system log folder for root, else the user's state folder. */
export function pushLogFolder(
  logDir: string | undefined,
  systemLogDir: string,
  uid: number | undefined,
  env: NodeJS.ProcessEnv,
): string {
  if (logDir) return logDir;
  if (uid === undefined || uid === 0) return systemLogDir;
  return path.join(env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'mobility-service-setup');
}

const PUSH_EVENT_TYPES: readonly PushEvent['type'][] = [
  'push-started',
  'host-step',
  'host-progress',
  'host-job-event',
  'host-result',
  'result',
];
const VERDICTS: readonly HostKeyVerdict[] = ['known', 'unknown', 'changed', 'revoked', 'unreachable'];

function scanLine(value: Record<string, unknown>): HostKeyScan | undefined {
  if (value.type !== 'host-key' || typeof value.host !== 'string') return undefined;
  const verdict = VERDICTS.find((v) => v === value.verdict);
  if (!verdict) return undefined;
  const text = (key: string): { [k: string]: string } =>
    typeof value[key] === 'string' ? { [key]: value[key] as string } : {};
  return {
    host: value.host,
    verdict,
    ...text('keyType'),
    ...text('fingerprint'),
    ...text('recorded'),
    ...text('error'),
    ...(value.jumpHost === true ? { jumpHost: true } : {}),
  };
}

interface Running {
  readonly pushId: string;
  readonly child: PushChild;
  /** Marks the push as cancelled by the admin. */
  readonly cancel: () => void;
}

export function createPushService(deps: PushServiceDeps): PushService {
  let running: Running | undefined;
  let last: { pushId: string; hosts: readonly HostResult[] } | undefined;
  const logDir = path.dirname(deps.logFile);

  const start = (request: PushRequest): { pushId: string } => {
    if (running)
      throw new IpcError(
        setupError('ANOTHER_INSTALL_RUNNING', 'a push is already running in this window', 'Wait for it, or cancel it.'),
      );
    const location = checkInstallLocationText(request.installLocation, 'linux');
    if (!location.ok) throw new IpcError(setupError('INSTALL_LOCATION_INVALID', location.reason));
    const maxFailures = checkedMaxFailures(request.maxFailures);
    if (request.retryOf !== null && last?.pushId !== request.retryOf)
      throw invalid('the push to retry is not the last one that ended in this window');
    // A retry's results are merged into those of the push it retries, for Save results as CSV.
    const before = request.retryOf !== null && last ? last.hosts : [];
    let stdin = '';
    const csArgs: string[] = [];
    if (request.cs) {
      const endpoint = parseCsEndpoint(request.cs.endpoint);
      if (!endpoint.ok) throw invalid(endpoint.reason);
      csArgs.push(`--cs-endpoint=${endpoint.endpoint.display}`, '--passphrase-file=-');
      stdin = `${request.cs.passphrase}\n`;
    }
    // Last: it writes the password's file, which nothing may leave behind.
    const login = loginArguments(request, deps.knownHosts);
    const hosts = login.hosts;
    const args = [
      '--json',
      ...login.args,
      ...(request.canary !== null ? [`--canary=${request.canary}`] : []),
      ...(maxFailures !== undefined ? [`--max-failures=${maxFailures}`] : []),
      ...csArgs,
      `--repository=${deps.repository}`,
      `--role=${request.role}`,
      `--platform=${request.platform}`,
      `--install-location=${location.path}`,
      `--parallel=${request.parallel}`,
      `--log-dir=${logDir}`,
    ];
    const pushId = randomUUID();
    let cancelled = false;
    const finished = new Map<string, HostResult>();
    let started: readonly string[] = hosts;
    let result: Extract<PushEvent, { type: 'result' }> | undefined;
    const emit = (event: PushEvent): void => deps.onEvent({ pushId, event });
    let child: PushChild;
    try {
      child = spawnPushCli(deps.runtime, deps.script, args, {
        stdin,
        onLine: (value) => {
          if (!PUSH_EVENT_TYPES.some((type) => type === value.type)) return;
          const event = value as unknown as PushEvent;
          if (event.type === 'push-started') started = event.hosts;
          if (event.type === 'host-result') finished.set(event.result.host, event.result);
          if (event.type === 'result') result = event;
          emit(event);
        },
      });
    } catch (error) {
      login.dispose();
      throw error;
    }
    running = { pushId, child, cancel: () => (cancelled = true) };
    void child.done.then(({ why, stderrTail }) => {
      login.dispose();
      if (!result) {
        // The child died without a result line: every server it had not finished is Failed, and says why; a
        // push the admin cancelled is Cancelled however its child ended.
        const error = cancelled
          ? setupError(
              'CANCELLED',
              `the push was cancelled (${why}); a server's install rolls back when its connection closes`,
            )
          : setupError(
              'INSTALL_FAILED',
              `the push stopped unexpectedly (${why})${stderrTail ? `: ${stderrTail.split('\n').slice(-3).join(' ')}` : ''}`,
            );
        const hostResults = started.map(
          (host): HostResult =>
            finished.get(host) ?? {
              host,
              status: 'Failed',
              osLabel: null,
              agentVersion: null,
              hostId: null,
              stoppedAt: null,
              error,
            },
        );
        result = { type: 'result', status: 'Failed', exitCode: 1, hosts: hostResults, error };
        emit(result);
      }
      const now = result.hosts;
      last = {
        pushId,
        hosts: [
          ...before.map((host) => now.find((retried) => retried.host === host.host) ?? host),
          ...now.filter((host) => !before.some((earlier) => earlier.host === host.host)),
        ],
      };
      if (running?.pushId === pushId) running = undefined;
    });
    return { pushId };
  };

  const handlers: PushHandlers = {
    ...createFleetHandlers(deps),
    'push:check-servers': async ({ lines, user }) => checkServerLines(lines, user),
    'push:browse-key-file': async ({ current }) => {
      const chosen = await deps.browseFile(current);
      return chosen ? { path: chosen } : null;
    },
    'push:scan-host-keys': async ({ hosts, jump }) => {
      const valid = checkedHosts(hosts, 'root');
      const bastion = checkedJump(jump);
      const lines: HostKeyScan[] = [];
      let failure: unknown;
      const child = spawnPushCli(
        deps.runtime,
        deps.script,
        [
          '--scan-host-keys',
          '--json',
          ...valid.map((host) => `--host=${host}`),
          ...(bastion ? [`--jump=${bastion}`] : []),
          `--known-hosts=${deps.knownHosts}`,
        ],
        {
          onLine: (value) => {
            const line = scanLine(value);
            if (line) lines.push(line);
            else if (value.type === 'result' && value.error) failure = value.error;
          },
        },
      );
      const { why, stderrTail } = await child.done;
      if (failure) throw new IpcError(failure as ReturnType<typeof setupError>);
      const missing = valid.filter((host) => !lines.some((line) => line.host === host));
      if (missing.length > 0)
        throw new IpcError(
          setupError('INSTALL_FAILED', `the host key scan stopped (${why})${stderrTail ? `: ${stderrTail}` : ''}`),
        );
      // The bastions first (their keys are checked before anything reaches the servers), then the servers.
      const bastions = lines.filter((line) => line.jumpHost && !valid.includes(line.host));
      return [...bastions, ...valid.map((host) => lines.find((line) => line.host === host) as HostKeyScan)];
    },
    'push:start': async (request) => start(request),
    'push:cancel': async ({ pushId }) => {
      if (running?.pushId !== pushId) return;
      running.cancel();
      running.child.terminate();
    },
    'push:save-results-csv': async ({ pushId }) => {
      if (last?.pushId !== pushId)
        throw new IpcError(
          setupError('INVALID_ARGUMENT', 'there are no results for that push', 'Save the results once it has ended.'),
        );
      const hosts = last.hosts;
      const file = await deps.saveFile('push-results.csv');
      if (!file) return null;
      fs.writeFileSync(file, pushResultsCsv(hosts), { mode: 0o644 });
      return { path: file };
    },
  };
  return {
    handlers,
    get running() {
      return running?.pushId;
    },
    cancel: () => {
      running?.cancel();
      running?.child.terminate();
    },
  };
}
