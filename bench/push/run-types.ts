import type { ToolName } from './bench-options';

// What a run of bench/push-install is given (Setup) and what it returns: one tool's outcome (ToolOutcome), and
// the run's result with the host's CPU around it (RunResult).

export interface Setup {
  readonly work: string;
  /** A copy of dist/cli/push-install.cjs taken at the start, so a rebuild during the bench changes nothing. */
  readonly pushCli: string;
  readonly repository: string;
  readonly release: string;
  readonly releaseBytes: number;
  readonly topFolder: string;
  readonly key: string;
  readonly publicKey: string;
  readonly passphrase: string;
  readonly passphraseFile: string;
}

export interface RunResult {
  readonly tool: ToolName;
  readonly n: number;
  readonly round: number;
  readonly ok: boolean;
  readonly failure?: string;
  readonly ms: number;
  readonly bootMs: number;
  /** CPU of the tool's own processes on this machine (the controller). */
  readonly controllerCpuS: number | undefined;
  readonly peakRssMb: number | undefined;
  /** push-install: from its launch to the first server finished (its first host-result event on stdout). */
  readonly firstServerMs?: number;
  /** Busy CPU of the whole host during the run (controller, CS, every test machine), in core-seconds. */
  readonly hostBusyS: number;
  /** CPU of the reference CS's process (its side of the logins) and of this bench's bookkeeping during the run. */
  readonly benchCpuS: number;
  /** CPU of the test machines (their cgroups) during the run: sshd, tar, ./install, the configurator. */
  readonly serversCpuS: number | undefined;
  /** The host's busy share just before the run (other work on this machine shows here). */
  readonly busyBefore: number;
  readonly details: readonly string[];
}

export interface ToolOutcome {
  readonly ok: boolean;
  readonly failure?: string;
  readonly ms: number;
  readonly controllerCpuS: number | undefined;
  readonly peakRssMb: number | undefined;
  /** push-install: from its launch to the first server finished (its first host-result event on stdout). */
  readonly firstServerMs?: number;
  readonly details: readonly string[];
}
