import type { SetupError } from '../../shared/error-catalog';
import { PUSH_STEPS, pushStatusOf, type HostStatus, type PushEvent, type PushStep } from '../../shared/push-events';

// A push as the wizard's live table shows it: a row a server, folded from the push CLI's events by one pure
// reducer (as job-state.ts does for a job).

export type RowStatus = 'Waiting' | 'Running' | HostStatus;

export interface PushRow {
  readonly host: string;
  /** The OS as detected on the server: its label once known, the detect step's words meanwhile. */
  readonly os: string | null;
  readonly step: PushStep | null;
  readonly message: string;
  readonly bytesDone: number;
  readonly bytesTotal: number;
  readonly status: RowStatus;
  readonly agentVersion: string | null;
  readonly hostId: string | null;
  readonly error: SetupError | null;
}

export interface PushRunView {
  readonly pushId: string;
  readonly logFile: string | undefined;
  readonly rows: readonly PushRow[];
  readonly result:
    { readonly status: 'Succeeded' | 'Warning' | 'Failed'; readonly error: SetupError | null } | undefined;
}

function waitingRow(host: string): PushRow {
  return {
    host,
    os: null,
    step: null,
    message: '',
    bytesDone: 0,
    bytesTotal: 0,
    status: 'Waiting',
    agentVersion: null,
    hostId: null,
    error: null,
  };
}

export function newPushRun(pushId: string, hosts: readonly string[]): PushRunView {
  return { pushId, logFile: undefined, rows: hosts.map(waitingRow), result: undefined };
}

/**
 * Retry failed, in the same table: the servers that ended well keep their rows and results, the retried ones
 * start again as Waiting, and the run takes the new push's id (its events and its result).
 */
export function retryPushRun(run: PushRunView, pushId: string, hosts: readonly string[]): PushRunView {
  const retried = new Set(hosts);
  return {
    pushId,
    logFile: run.logFile,
    rows: run.rows.map((row) => (retried.has(row.host) ? waitingRow(row.host) : row)),
    result: undefined,
  };
}

function updateRow(run: PushRunView, host: string, change: (row: PushRow) => PushRow): PushRunView {
  const rows = run.rows.some((row) => row.host === host) ? run.rows : [...run.rows, waitingRow(host)];
  return { ...run, rows: rows.map((row) => (row.host === host ? change(row) : row)) };
}

export function applyPushEvent(run: PushRunView, event: PushEvent): PushRunView {
  switch (event.type) {
    case 'push-started': {
      const known = new Set(run.rows.map((row) => row.host));
      return {
        ...run,
        logFile: event.logFile,
        rows: [...run.rows, ...event.hosts.filter((host) => !known.has(host)).map(waitingRow)],
      };
    }
    case 'host-step':
      return updateRow(run, event.host, (row) => ({
        ...row,
        step: event.step,
        message: event.message,
        status: row.status === 'Waiting' ? 'Running' : row.status,
        os:
          event.step === 'detect' && event.status === 'Succeeded'
            ? (event.message.split(';')[0] ?? event.message)
            : row.os,
      }));
    case 'host-progress':
      return updateRow(run, event.host, (row) => ({
        ...row,
        bytesDone: event.bytesDone,
        bytesTotal: event.bytesTotal,
      }));
    case 'host-job-event':
      // The server's own installer steps are in the push log; the table shows the push's steps.
      return run;
    case 'host-result': {
      const result = event.result;
      return updateRow(run, result.host, (row) => ({
        ...row,
        status: result.status,
        os: result.osLabel ?? row.os,
        step: result.stoppedAt ?? row.step,
        agentVersion: result.agentVersion,
        hostId: result.hostId,
        error: result.error,
      }));
    }
    case 'result': {
      let next = run;
      for (const host of event.hosts) next = applyPushEvent(next, { type: 'host-result', result: host });
      // After a retry the run's status is that of every row, not only of the servers retried.
      const status = event.error ? event.status : pushStatusOf(next.rows);
      return { ...next, result: { status, error: event.error ?? null } };
    }
    default: {
      const unreachable: never = event;
      return unreachable;
    }
  }
}

/**
 * A row's progress in percent: steps done, bytes copied within the copy step; 100 once it ended well. A server
 * that failed shows how far it got (none at all when it failed to connect), not a full bar.
 */
export function rowPercent(row: PushRow): number {
  if (row.status === 'Succeeded' || row.status === 'Warning' || row.status === 'Unchanged') return 100;
  if (row.step === null) return 0;
  const within = row.step === 'copy' && row.bytesTotal > 0 ? row.bytesDone / row.bytesTotal : 0;
  return Math.floor(((PUSH_STEPS.indexOf(row.step) + within) / PUSH_STEPS.length) * 100);
}

export function failedHosts(run: PushRunView): string[] {
  // Not started (a canary failed, or too many did) is retried with the failed ones.
  return run.rows.filter((row) => row.status === 'Failed' || row.status === 'NotStarted').map((row) => row.host);
}
