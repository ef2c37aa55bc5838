import type { ProcessRunner } from '../system/process-runner';
import { runServiceTool } from './service-tool';

// A service manager's start says little: `systemctl restart` of a Type=simple unit succeeds as soon as the
// process is forked, an init script's start as soon as the daemon is in the background. A daemon that exits at
// once (a missing library, a bad config) still reads as started, and systemd's Restart=on-failure keeps
// retrying it behind our back. So after the start the service is watched for a short settle window; it must
// stay running, as the same process, throughout, or the service step fails and the install rolls back.

export interface SettleOptions {
  readonly log: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  /** How long the service must stay up; long enough for a daemon that fails on start to have failed. */
  readonly settleMs?: number;
  readonly pollMs?: number;
}

/** One look at the service: running or not, and what says it is still the same process (restarts, pid). */
export interface ServiceLook {
  readonly running: boolean;
  /** Changes when the service manager started the daemon again. */
  readonly identity: string;
  /** The state in the manager's words, for the message ("failed/failed", "dead, pid file left"). */
  readonly state: string;
  readonly exitStatus?: string;
}

export const DEFAULT_SETTLE_MS = 1000;
// Three looks (start, middle, end): a restart between them shows in the identity, and each look is a process.
const DEFAULT_POLL_MS = 500;

/** Undefined when the service stayed up for the whole window; otherwise why it did not. */
export async function watchSettled(
  service: string,
  look: () => Promise<ServiceLook | string>,
  options: SettleOptions,
): Promise<string | undefined> {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  // Counting polls rather than reading the clock keeps the window testable with an instant sleep.
  const polls = Math.max(1, Math.ceil(settleMs / pollMs));
  let first: string | undefined;
  for (let poll = 0; poll <= polls; poll++) {
    const state = await look();
    if (typeof state === 'string') return state;
    first ??= state.identity;
    if (!state.running || state.identity !== first) {
      const exit =
        state.exitStatus && state.exitStatus !== '0' ? `, its process exited with status ${state.exitStatus}` : '';
      const restarted = state.running ? ', started again' : '';
      const reason = `${service} did not stay running (${state.state}${restarted}${exit})`;
      options.log(reason);
      return reason;
    }
    if (poll < polls) await options.sleep(pollMs);
  }
  options.log(`${service} stayed running for ${settleMs} ms after the start`);
  return undefined;
}

function parseShow(lines: readonly string[]): ServiceLook {
  const values = new Map<string, string>();
  for (const line of lines) {
    const at = line.indexOf('=');
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1).trim());
  }
  const active = values.get('ActiveState') ?? '';
  const sub = values.get('SubState') ?? '';
  return {
    running: active === 'active' && sub === 'running',
    identity: values.get('NRestarts') ?? '0',
    state: `${active || 'unknown'}/${sub || 'unknown'}`,
    exitStatus: values.get('ExecMainStatus') ?? '',
  };
}

/** A systemd unit's look: its state, and NRestarts for a restart systemd made between two looks. */
export function systemdLook(
  unit: string,
  options: { readonly runner: ProcessRunner; readonly cwd: string; readonly log: (line: string) => void },
): () => Promise<ServiceLook | string> {
  return async () => {
    const shown = await runServiceTool(
      options,
      'systemctl',
      ['show', '--property=ActiveState,SubState,NRestarts,ExecMainStatus', unit],
      { quiet: true, timeoutMs: 30_000 },
    );
    return shown.ok ? parseShow(shown.output.split('\n')) : shown.failure;
  };
}
