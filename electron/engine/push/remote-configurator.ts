import { HOST_ID_PATTERN } from '../../../shared/csv';
import { PassThrough } from 'node:stream';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import type { JobEvent } from '../../../shared/job-events';
import type { PushEvent, PushStep } from '../../../shared/push-events';
import { shellQuote } from '../install/configurator-launcher';
import type { PushSettings } from './push-settings';
import type { SshConnection } from './ssh-connection';

// The registration of a pushed server: Vx/bin/UnifiedAgentConfigurator.sh run over the connection, the
// passphrase on its standard input. Started early (--proceed-on-stdin) it logs in while the install finishes
// and registers only when told to proceed; a failed install closes its stdin instead.

/** The configurator on the server, its passphrase on stdin (never in an argv, a file or an environment). */
export interface Configurator {
  /** Lets it check the agent and register; its events are relayed from here on, those held so far first. */
  proceed(): void;
  /** Closes its stdin without the go-ahead: it ends Cancelled, nothing registered. Idempotent. */
  cancel(): void;
  readonly finished: Promise<{
    readonly result: Extract<JobEvent, { type: 'result' }> | undefined;
    readonly failure?: Error;
  }>;
}

export function startConfigurator(
  ssh: SshConnection,
  sudo: string,
  settings: PushSettings,
  host: string,
  emit: (event: PushEvent) => void,
  early: boolean,
): Configurator {
  const cs = settings.cs as NonNullable<PushSettings['cs']>;
  const configurator = `${settings.installLocation}/Vx/bin/UnifiedAgentConfigurator.sh`;
  const stdin = new PassThrough();
  stdin.write(`${cs.passphrase}\n`);
  let ended = false;
  const end = (last?: string): void => {
    if (ended) return;
    ended = true;
    stdin.end(last);
  };
  let relaying = !early;
  const held: JobEvent[] = [];
  let result: Extract<JobEvent, { type: 'result' }> | undefined;
  const relay = (event: JobEvent): void => {
    emit({ type: 'host-job-event', host, event });
    if (event.type === 'result') result = event;
  };
  const finished = ssh
    .exec(
      `${sudo}${shellQuote(configurator)} -i ${shellQuote(cs.endpoint)} -P - --json${early ? ' --proceed-on-stdin' : ''}`,
      {
        inputStream: stdin,
        onStdoutLine: (line) => {
          const event = parseJobEventLine(line);
          if (!event) return;
          if (relaying) relay(event);
          else held.push(event);
        },
      },
    )
    .then(
      () => ({ result }),
      (failure: Error) => ({ result, failure }),
    );
  if (!early) end();
  return {
    proceed: () => {
      relaying = true;
      for (const event of held.splice(0)) relay(event);
      end('proceed\n');
    },
    cancel: () => end(),
    finished,
  };
}

export async function register(
  configurator: Configurator,
  settings: PushSettings,
  host: string,
  step: (name: PushStep, status: 'started' | 'Succeeded' | 'Failed' | 'Skipped' | 'Warning', message: string) => void,
): Promise<{ hostId: string | null; error: SetupError | null }> {
  const cs = settings.cs as NonNullable<PushSettings['cs']>;
  step('register', 'started', `with the configuration server ${cs.endpoint}`);
  configurator.proceed();
  const { result: outcome, failure } = await configurator.finished;
  if (failure) throw failure;
  if (!outcome)
    return { hostId: null, error: setupError('INSTALL_FAILED', `${host}: the configurator ended without a result`) };
  if (outcome.error) {
    step('register', 'Failed', outcome.error.message);
    return { hostId: null, error: outcome.error };
  }
  // From the server: only a host id of the protocol's form goes into results, logs and CSV files.
  const reported = outcome.summary?.hostId;
  const hostId = typeof reported === 'string' && HOST_ID_PATTERN.test(reported) ? reported : null;
  step('register', 'Succeeded', `registered as host ${hostId ?? '?'}`);
  return { hostId, error: null };
}

/** A line a server-side job printed with --json, as its event (anything else: undefined). */
export function parseJobEventLine(line: string): JobEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as JobEvent;
    return typeof value.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
