import type { HostResult, PushEvent } from '../../../shared/push-events';
import { pushStatusOf } from '../../../shared/push-events';
import { SETUP_VERSION } from '../../../shared/product';
import { Redactor, SetupLog } from '../log/setup-log';
import { setupError } from '../../../shared/error-catalog';
import { withoutControls } from '../../../shared/format';
import { HOST_TIMEOUT, pushHost, type PushSettings } from './push-host';
import { ResultsWriter } from './push-results-file';
import type { PushTarget } from './push-targets';

// A push to many servers: at most `parallel` at once, each on its own connection and with its own time
// limit, so one slow or failing server never stops or slows the rest. A staged rollout goes further: the
// canaries first, and nothing more if one of them fails; past --max-failures no new server starts (those
// running finish) and the rest are NotStarted. Everything is logged to ASRPushInstall.log with the password
// and the passphrase removed; --results keeps a JSON copy of the results, rewritten as each server finishes.

/** --max-failures: failures tolerated before no new server starts (more than this stops the push). */
export type FailureLimit =
  { readonly kind: 'count'; readonly count: number } | { readonly kind: 'percent'; readonly percent: number };

export const PUSH_LOG_NAME = 'ASRPushInstall.log';

export interface PushRunOptions {
  readonly targets: readonly PushTarget[];
  readonly settings: PushSettings;
  readonly parallel: number;
  readonly hostTimeoutMs: number;
  readonly logFile: string;
  readonly argv: readonly string[];
  /** Secrets the log must never show (the SSH password, the passphrase). */
  readonly secrets: readonly string[];
  readonly emit: (event: PushEvent) => void;
  readonly signal?: AbortSignal;
  /** The first N servers first; if any of them fails, no other starts. */
  readonly canary?: number;
  readonly maxFailures?: FailureLimit;
  /** --results FILE. */
  readonly resultsFile?: string;
}

/** How many failures are tolerated among `total` servers. */
export function failuresTolerated(limit: FailureLimit | undefined, total: number): number {
  if (!limit) return Number.POSITIVE_INFINITY;
  switch (limit.kind) {
    case 'count':
      return limit.count;
    case 'percent':
      return (limit.percent / 100) * total;
    default: {
      const unreachable: never = limit;
      return unreachable;
    }
  }
}

export interface PushOutcome {
  readonly status: 'Succeeded' | 'Warning' | 'Failed';
  readonly exitCode: number;
  readonly hosts: readonly HostResult[];
}

export async function runPush(options: PushRunOptions): Promise<PushOutcome> {
  const redactor = new Redactor();
  for (const secret of options.secrets) redactor.add(secret);
  const log = new SetupLog(options.logFile, redactor);
  const logProblem = log.open({
    title: 'Mobility Service Setup (push installation)',
    version: SETUP_VERSION,
    argv: options.argv,
    time: new Date(),
  });
  const emit = (raw: PushEvent): void => {
    const event = withoutControls(raw);
    logEvent(log, event);
    options.emit(event);
  };
  if (logProblem) log.write('warn', logProblem);
  emit({
    type: 'push-started',
    hosts: options.targets.map((target) => target.spec),
    time: new Date().toISOString(),
    logFile: options.logFile,
  });
  const targets = options.targets;
  const results: (HostResult | undefined)[] = new Array(targets.length);
  const writer = options.resultsFile ? new ResultsWriter(options.resultsFile, new Date().toISOString()) : undefined;
  const saveResults = (complete: boolean): void => {
    if (!writer) return;
    try {
      writer.write(
        results.filter((r): r is HostResult => r !== undefined),
        targets.filter((_, i) => results[i] === undefined).map((t) => t.spec),
        complete,
      );
    } catch (error) {
      log.write('warn', `the results file ${options.resultsFile} could not be written: ${(error as Error).message}`);
    }
  };
  saveResults(false);
  const tolerated = failuresTolerated(options.maxFailures, targets.length);
  let failures = 0;
  let stopReason: string | undefined;
  const runWave = async (from: number, to: number): Promise<void> => {
    let next = from;
    const worker = async (): Promise<void> => {
      for (;;) {
        if (stopReason !== undefined) return;
        const index = next++;
        if (index >= to) return;
        const target = targets[index] as PushTarget;
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(HOST_TIMEOUT), options.hostTimeoutMs);
        const stop = (): void => controller.abort();
        options.signal?.addEventListener('abort', stop, { once: true });
        if (options.signal?.aborted) controller.abort();
        let result: HostResult;
        try {
          // Quoted a line at a time: the server's own lines can never pass for this log's.
          result = await pushHost(target, options.settings, emit, controller.signal, (tail) =>
            log.write(
              'error',
              `[${target.spec}] the end of its setup log:\n${tail
                .split('\n')
                .map((line) => `[${target.spec}] | ${line}`)
                .join('\n')}`,
            ),
          );
        } finally {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', stop);
        }
        results[index] = result;
        if (result.status === 'Failed' && ++failures > tolerated && stopReason === undefined)
          stopReason = `${failures} server(s) failed, more than --max-failures allows`;
        // Saved before it is told: whoever sees the result and kills the push finds it in the file.
        saveResults(false);
        emit({ type: 'host-result', result });
      }
    };
    const width = Math.max(1, Math.min(options.parallel, to - from));
    await Promise.all(Array.from({ length: width }, worker));
  };
  const canaries = Math.min(options.canary ?? 0, targets.length);
  if (canaries > 0) {
    log.write(
      'info',
      `canary: ${targets
        .slice(0, canaries)
        .map((t) => t.spec)
        .join(', ')} first`,
    );
    await runWave(0, canaries);
    const failed = results.slice(0, canaries).filter((r) => r?.status === 'Failed');
    if (failed.length > 0 && stopReason === undefined)
      stopReason = `the canary ${failed.map((r) => r?.host).join(', ')} failed`;
  }
  await runWave(canaries, targets.length);
  targets.forEach((target, index) => {
    if (results[index] !== undefined) return;
    const why = stopReason ?? 'the push was cancelled';
    const result: HostResult = {
      host: target.spec,
      status: 'NotStarted',
      osLabel: null,
      agentVersion: null,
      hostId: null,
      stoppedAt: null,
      error: setupError('PUSH_NOT_STARTED', `${target.spec}: not started: ${why}; nothing was changed on it`),
    };
    results[index] = result;
    emit({ type: 'host-result', result });
  });
  const done = results as HostResult[];
  saveResults(true);
  const status = pushStatusOf(done);
  // 0 when every server Succeeded, ended in Warning or was Unchanged; 1 when any failed or was not started.
  const exitCode = status === 'Failed' ? 1 : 0;
  emit({ type: 'result', status, exitCode, hosts: done });
  log.close();
  return { status, exitCode, hosts: done };
}

function logEvent(log: SetupLog, event: PushEvent): void {
  switch (event.type) {
    case 'push-started':
      log.write('info', `pushing to ${event.hosts.length} server(s): ${event.hosts.join(', ')}`);
      return;
    case 'host-step':
      log.write(
        event.status === 'Failed' ? 'error' : 'info',
        `[${event.host}] ${event.step}: ${event.status}: ${event.message}`,
      );
      return;
    case 'host-progress':
      return;
    case 'host-job-event':
      if (event.event.type === 'step-finished')
        log.write(
          'info',
          `[${event.host}] server: ${event.event.stepId}: ${event.event.status}: ${event.event.message}`,
        );
      return;
    case 'host-result': {
      const r = event.result;
      log.write(
        r.status === 'Failed' ? 'error' : 'info',
        `[${r.host}] ${r.status}${r.error ? `: ${r.error.code}: ${r.error.message}\n  Remedy: ${r.error.remedy}` : ''}`,
      );
      return;
    }
    case 'result':
      log.write(event.status === 'Failed' ? 'error' : 'info', `Result: ${event.status}`);
      return;
  }
}
