import type { PushCommandOptions } from '../../shared/command-line-text';
import { create } from 'zustand';
import type { SetupError } from '../../shared/error-catalog';
import type {
  AppState,
  InstallOptions,
  LogLevelFilter,
  LogInfo,
  LogLine,
  LogName,
  PreflightSummary,
  RegistrationInfo,
} from '../../shared/ipc-contract';
import type { Message, Text } from '../i18n/message';
import type { JobView } from './job-state';

// Small zustand slices, one concern each; actions live in actions.ts, outside components.

export type WizardStep =
  | { readonly type: 'loading' }
  | { readonly type: 'installation-option' }
  /** The summary before anything changes, with the install's command line; part of Installation Option. */
  | { readonly type: 'ready-to-install' }
  | { readonly type: 'installation-progress' }
  | { readonly type: 'configuration-server-details' }
  | { readonly type: 'finish' }
  | { readonly type: 'push-servers' }
  | { readonly type: 'push-host-keys' }
  | { readonly type: 'push-progress' }
  | { readonly type: 'push-fleet-status' }
  | { readonly type: 'unavailable'; readonly error: SetupError };

interface WizardSlice {
  readonly step: WizardStep;
  readonly logsOpen: boolean;
  readonly app: AppState | undefined;
}

const wizardInitial: WizardSlice = { step: { type: 'loading' }, logsOpen: false, app: undefined };
export const useWizard = create<WizardSlice>(() => wizardInitial);

export type PreflightState =
  | { readonly status: 'idle' }
  /** Re-checking: the previous results stay on screen (dimmed) so nothing below them jumps. */
  | { readonly status: 'checking'; readonly previous?: PreflightSummary }
  | { readonly status: 'done'; readonly summary: PreflightSummary }
  /** Not asked: the install location field shows what is wrong; the last results stay, dimmed. */
  | { readonly status: 'waiting'; readonly previous?: PreflightSummary }
  | { readonly status: 'error'; readonly error: SetupError };

interface InstallSlice {
  readonly options: InstallOptions;
  readonly preflight: PreflightState;
  readonly job: JobView | undefined;
  /** What the job on the progress page does: install (repair, upgrade) or uninstall. */
  readonly jobKind: 'install' | 'uninstall';
  readonly startError: SetupError | undefined;
  /** The job the admin confirmed Cancel for (it undoes its changes before it ends). */
  readonly cancelRequestedFor: string | undefined;
  /** The install location field's own message, from the shared rules (judged when typing pauses). */
  readonly locationProblem: Text | undefined;
  /** What changed at the last prerequisites check, for the polite live region. */
  readonly preflightNews: readonly Message[];
}

const installInitial: InstallSlice = {
  options: { role: 'MS', platform: 'VmWare', installLocation: '' },
  preflight: { status: 'idle' },
  job: undefined,
  jobKind: 'install',
  startError: undefined,
  cancelRequestedFor: undefined,
  locationProblem: undefined,
  preflightNews: [],
};

/** The Uninstall confirmation and the Show command line panel, each open or not. */
export type OpenDialog =
  | { readonly type: 'none' }
  | {
      readonly type: 'uninstall';
      readonly passphrase: string;
      readonly shown: boolean;
      readonly error: SetupError | undefined;
    }
  | { readonly type: 'command-line'; readonly of: 'install' | 'register' }
  | { readonly type: 'command-line'; readonly of: 'push'; readonly push: PushCommandOptions }
  /** Cancel on Installation Progress asks first: a cancel undoes what the install has done so far. */
  | { readonly type: 'cancel-install' }
  | { readonly type: 'confirm-exit'; readonly risk: ExitRisk };

/** What leaving setup now would cost, so Exit asks first. */
export type ExitRisk = 'install-running' | 'busy' | 'push-running' | 'not-registered';

export const useDialog = create<{ readonly dialog: OpenDialog }>(() => ({ dialog: { type: 'none' } }));

export type DiagnosticsState =
  | { readonly status: 'idle' }
  | { readonly status: 'saving' }
  | { readonly status: 'saved'; readonly path: string }
  | { readonly status: 'error'; readonly error: SetupError };
export const useInstall = create<InstallSlice>(() => installInitial);

interface RegistrationSlice {
  readonly endpoint: string;
  /** Only ever in memory; cleared once registered. */
  readonly passphrase: string;
  readonly showPassphrase: boolean;
  readonly submitting: boolean;
  /** Whether the IP address is judged yet: on leaving the field or a pause in typing, not at each key. */
  readonly endpointJudged: boolean;
  readonly job: JobView | undefined;
  readonly error: SetupError | undefined;
  readonly registered: RegistrationInfo | undefined;
}

const registrationInitial: RegistrationSlice = {
  endpoint: '',
  passphrase: '',
  showPassphrase: false,
  submitting: false,
  endpointJudged: false,
  job: undefined,
  error: undefined,
  registered: undefined,
};
export const useRegistration = create<RegistrationSlice>(() => registrationInitial);

interface LogsSlice {
  readonly log: LogName;
  readonly level: LogLevelFilter;
  readonly text: string;
  readonly follow: boolean;
  readonly info: LogInfo | undefined;
  readonly total: number;
  /** Lines by block (BLOCK_LINES each) for the current query; replaced when the query changes. */
  readonly blocks: ReadonlyMap<number, readonly LogLine[]>;
  /** Bumped on every query change, so late answers for an old query are dropped. */
  readonly generation: number;
  readonly error: SetupError | undefined;
  readonly diagnostics: DiagnosticsState;
  /** Long lines wrap (rows grow) instead of scrolling sideways. */
  readonly wrap: boolean;
  /** The run chosen (its header's line number): Copy copies it; null: the whole log. */
  readonly run: number | null;
  /** What the last Copy did, for the status line. */
  readonly copied: Message | undefined;
}

export const BLOCK_LINES = 200;
const logsInitial: LogsSlice = {
  log: 'installer',
  level: 'all',
  text: '',
  follow: true,
  info: undefined,
  total: 0,
  blocks: new Map(),
  generation: 0,
  error: undefined,
  diagnostics: { status: 'idle' },
  wrap: false,
  run: null,
  copied: undefined,
};
export const useLogs = create<LogsSlice>(() => logsInitial);

/** Tests start every case from a clean slate. */
export function resetStores(): void {
  useWizard.setState(wizardInitial, true);
  useInstall.setState(installInitial, true);
  useRegistration.setState(registrationInitial, true);
  useLogs.setState({ ...logsInitial, blocks: new Map() }, true);
  useDialog.setState({ dialog: { type: 'none' } }, true);
}
