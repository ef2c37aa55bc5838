import type { ProcessRunner } from '../system/process-runner';
import { runServiceTool } from './service-tool';

// `systemctl restart` of a Type=simple unit succeeds as soon as the process is forked: a daemon that exits
// at once (a missing library, a bad config) still reads as started, and with Restart=on-failure systemd
// keeps retrying it in the background. So after the restart the unit is watched for a short settle window;
// it must stay active and running throughout, or the service step fails and the install rolls back.

export interface SettleOptions {
  readonly runner: ProcessRunner;
  readonly cwd: string;
  readonly log: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long the unit must stay up; long enough for a daemon that fails on start to have failed. */
  readonly settleMs?: number;
  readonly pollMs?: number;
}

export const DEFAULT_SETTLE_MS = 1000;
// Three looks (start, middle, end): NRestarts catches a restart between them, and each look is a process.
const DEFAULT_POLL_MS = 500;

interface UnitState {
  readonly active: string;
  readonly sub: string;
  readonly restarts: string;
  readonly exitStatus: string;
}

function parseShow(lines: readonly string[]): UnitState {
  const values = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  return {
    active: values.get('ActiveState') ?? '',
    sub: values.get('SubState') ?? '',
    restarts: values.get('NRestarts') ?? '0',
    exitStatus: values.get('ExecMainStatus') ?? '',
  };
}

async function readUnitState(unit: string, options: SettleOptions): Promise<UnitState | string> {
  const shown = await runServiceTool(
    { runner: options.runner, cwd: options.cwd, log: options.log },
    'systemctl',
    ['show', '--property=ActiveState,SubState,NRestarts,ExecMainStatus', unit],
    { quiet: true, timeoutMs: 30_000 },
  );
  return shown.ok ? parseShow(shown.output.split('\n')) : shown.failure;
}

/** Undefined when the unit stayed up for the whole window; otherwise why it did not. */
export async function waitForServiceSettled(unit: string, options: SettleOptions): Promise<string | undefined> {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  // Counting polls rather than reading the clock keeps the window testable with an instant sleep.
  const polls = Math.max(1, Math.ceil(settleMs / pollMs));
  let firstRestarts: string | undefined;
  for (let poll = 0; poll <= polls; poll++) {
    const state = await readUnitState(unit, options);
    if (typeof state === 'string') return state;
    firstRestarts ??= state.restarts;
    if (state.active !== 'active' || state.sub !== 'running' || state.restarts !== firstRestarts) {
      const exit =
        state.exitStatus && state.exitStatus !== '0' ? `, its process exited with status ${state.exitStatus}` : '';
      const reason = `${unit} did not stay running (${state.active || 'unknown'}/${state.sub || 'unknown'}${exit})`;
      options.log(reason);
      return reason;
    }
    if (poll < polls) await options.sleep(pollMs);
  }
  options.log(`${unit} stayed running for ${settleMs} ms after the start`);
  return undefined;
}
