import { create } from 'zustand';
import type { AgentPlatform, Role } from '../../shared/agent-kinds';
import type { SetupError } from '../../shared/error-catalog';
import type { HostKeyScan, PushLineProblem } from '../../shared/ipc-contract';
import type { Text } from '../i18n/message';
import type { PushRunView } from './push-state';

// The "Push to servers" path's slice: the form as typed, the servers check, the host key scan and the
// admin's acceptances, and the running (or last) push. Loaded with the push pages only.

export interface PushForm {
  /** One server a line, as typed or loaded from a file. */
  readonly serversText: string;
  readonly user: string;
  readonly auth: 'key' | 'password';
  readonly keyFile: string;
  /** Only ever in memory; cleared when the admin leaves the push path. */
  readonly password: string;
  readonly showPassword: boolean;
  readonly role: Role;
  readonly platform: AgentPlatform;
  readonly installLocation: string;
  readonly csEndpoint: string;
  /** Only ever in memory; cleared when the admin leaves the push path. */
  readonly passphrase: string;
  readonly showPassphrase: boolean;
  readonly parallel: string;
  /** Through bastion: `[user@]host[:port]`, a comma between hops; '' for none. */
  readonly jump: string;
  /** Canary servers: '' for none. */
  readonly canary: string;
  /** Max failures: a number, a percentage, or '' for no limit. */
  readonly maxFailures: string;
}

/** A line's problem: main's (the push CLI's rules, in English as the CLI says it) or the page's own limits. */
export interface ServerLineProblem {
  readonly line: PushLineProblem['line'];
  readonly message: Text;
}

export type ServersCheck =
  | { readonly status: 'idle' }
  | { readonly status: 'checking' }
  | { readonly status: 'done'; readonly hosts: readonly string[]; readonly problems: readonly ServerLineProblem[] }
  | { readonly status: 'error'; readonly error: SetupError };

export type HostKeysState =
  | { readonly status: 'idle' }
  | { readonly status: 'scanning'; readonly hosts: readonly string[] }
  | { readonly status: 'done'; readonly keys: readonly HostKeyScan[] }
  | { readonly status: 'error'; readonly error: SetupError };

/** An Ansible inventory loaded into the servers field: its text is kept to read again with another limit. */
export interface LoadedInventory {
  readonly name: string;
  readonly text: string;
  readonly limit: string;
  /** Servers with their own key file (ansible_ssh_private_key_file): the wizard signs in to all with one. */
  readonly ownKeys: readonly string[];
  readonly error: SetupError | undefined;
}

interface PushSlice {
  readonly form: PushForm;
  readonly inventory: LoadedInventory | undefined;
  readonly servers: ServersCheck;
  readonly hostKeys: HostKeysState;
  /** Servers whose unknown host key the admin accepted, by the fingerprint accepted. */
  readonly accepted: Readonly<Record<string, string>>;
  readonly run: PushRunView | undefined;
  readonly startError: SetupError | undefined;
  readonly saved: string | undefined;
  readonly saveError: SetupError | undefined;
}

export const PUSH_FORM_DEFAULTS: PushForm = {
  serversText: '',
  user: 'root',
  auth: 'key',
  keyFile: '',
  password: '',
  showPassword: false,
  role: 'MS',
  platform: 'VmWare',
  installLocation: '/usr/local/ASR',
  csEndpoint: '',
  passphrase: '',
  showPassphrase: false,
  parallel: '10',
  jump: '',
  canary: '',
  maxFailures: '',
};

const pushInitial: PushSlice = {
  form: PUSH_FORM_DEFAULTS,
  inventory: undefined,
  servers: { status: 'idle' },
  hostKeys: { status: 'idle' },
  accepted: {},
  run: undefined,
  startError: undefined,
  saved: undefined,
  saveError: undefined,
};
export const usePush = create<PushSlice>(() => pushInitial);

/** Tests start every case from a clean slate. */
export function resetPushStore(): void {
  usePush.setState(pushInitial, true);
}
