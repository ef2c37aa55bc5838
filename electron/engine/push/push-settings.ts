import type { ReleaseCatalog } from './release-catalog';
import type { JumpRoutes } from './ssh-connection';

// What every server of a push gets, apart from push-host.ts so that the configurator's side reads it without
// importing the push back.

export interface PushSettings {
  readonly role: string;
  readonly platform: string;
  readonly installLocation: string;
  readonly cs: { readonly endpoint: string; readonly passphrase: string } | undefined;
  readonly releases: ReleaseCatalog;
  /** How servers behind jump hosts are reached (jump-hosts.ts). */
  readonly routes: JumpRoutes;
  /** --host-timeout: also the longest grace an install told to stop gets to roll back. */
  readonly hostTimeoutMs: number;
}
