import { decodeIpcError, type SetupApi } from '../shared/ipc-contract';
import { setupError, type SetupError } from '../shared/error-catalog';

// The renderer's only way out: the task-level API the preload (or the e2e bridge) puts on the window.

declare global {
  interface Window {
    mobilitySetup?: SetupApi;
  }
}

let override: SetupApi | undefined;

/** Tests install a fake API here. */
export function useSetupApiForTests(api: SetupApi | undefined): void {
  override = api;
}

export function setupApi(): SetupApi {
  const api = override ?? window.mobilitySetup;
  if (!api) throw new Error('The setup API is missing: this page must run inside Mobility Service Setup.');
  return api;
}

/** A call's failure as a catalog error, whatever shape it arrived in. */
export function errorOf(thrown: unknown): SetupError {
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return decodeIpcError(message) ?? setupError('INSTALL_FAILED', message);
}
