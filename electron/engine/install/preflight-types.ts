import type { SetupError } from '../../../shared/error-catalog';

// Preflight's check results, apart from preflight.ts so that the checks (preflight-checks.ts) name them without
// importing preflight back.

export type PreflightCheckId = 'elevation' | 'architecture' | 'os' | 'package' | 'location' | 'disk' | 'version';

export interface PreflightCheck {
  readonly id: PreflightCheckId;
  readonly title: string;
  /** null when the check could not be evaluated because an earlier one failed. */
  readonly ok: boolean | null;
  readonly message: string;
  readonly error?: SetupError;
}

export type InstallMode = 'fresh' | 'upgrade' | 'repair';
