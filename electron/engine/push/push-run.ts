import type { HostResult, PushEvent } from '../../../shared/push-events';
import { pushStatusOf } from '../../../shared/push-events';
import { SETUP_VERSION } from '../../../shared/product';
import { Redactor, SetupLog } from '../log/setup-log';
import { pushHost, type PushSettings } from './push-host';
import type { PushTarget } from './push-targets';

// A push to many servers: at most `parallel` at once, each on its own connection and with its own time
// limit, so one slow or failing server never stops or slows the rest. Everything is logged to
// ASRPushInstall.log with the password and the passphrase removed.

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
  const emit = (event: PushEvent): void => {
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
  const results: HostResult[] = new Array(options.targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      const target = options.targets[index];
      if (!target) return;
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.hostTimeoutMs);
      const stop = (): void => controller.abort();
      options.signal?.addEventListener('abort', stop, { once: true });
      if (options.signal?.aborted) controller.abort();
      try {
        results[index] = await pushHost(target, options.settings, emit, controller.signal, (tail) =>
          log.write('error', `[${target.spec}] the end of its ${'setup log'}:\n${tail}`),
        );
      } finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', stop);
      }
      emit({ type: 'host-result', result: results[index] as HostResult });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, options.targets.length)) }, worker));
  const status = pushStatusOf(results);
  // 0 when every server Succeeded, ended in Warning or was Unchanged; 1 when any failed.
  const exitCode = status === 'Failed' ? 1 : 0;
  emit({ type: 'result', status, exitCode, hosts: results });
  log.close();
  return { status, exitCode, hosts: results };
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
