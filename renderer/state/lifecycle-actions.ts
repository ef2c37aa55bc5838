import { errorOf, setupApi } from '../setup-api';
import { goTo } from './actions';
import { newJob } from './job-state';
import { useDialog, useInstall, useLogs } from './stores';
import { fileTextTrimmed } from './file-text';

// The agent's life after the install, as the wizard offers it: back to Installation Option (repair, upgrade,
// uninstall), the Uninstall confirmation and its job, the Show command line panel, and Save diagnostics….

/** From Configuration Server Details or Register: Installation Option, with a fresh preflight. */
export function showInstallationOptions(): void {
  useInstall.setState({ preflight: { status: 'idle' }, startError: undefined });
  goTo({ type: 'installation-option' });
}

export function openUninstallDialog(): void {
  useDialog.setState({ dialog: { type: 'uninstall', passphrase: '', shown: false, error: undefined } });
}

export function toggleUninstallPassphrase(): void {
  const { dialog } = useDialog.getState();
  if (dialog.type === 'uninstall') useDialog.setState({ dialog: { ...dialog, shown: !dialog.shown } });
}

/** The passphrase file the configuration server wrote: its first line, as Register loads it. */
export async function loadUninstallPassphraseFile(file: Blob): Promise<void> {
  setUninstallPassphrase(await fileTextTrimmed(file));
}

export function setUninstallPassphrase(passphrase: string): void {
  const { dialog } = useDialog.getState();
  if (dialog.type === 'uninstall') useDialog.setState({ dialog: { ...dialog, passphrase, error: undefined } });
}

export function openCommandLine(of: 'install' | 'register'): void {
  useDialog.setState({ dialog: { type: 'command-line', of } });
}

/** Closes whichever dialog is open; an uninstall passphrase typed in it is dropped with it. */
export function closeDialog(): void {
  useDialog.setState({ dialog: { type: 'none' } });
}

/** Confirmed: the uninstall runs as a job (the passphrase, if any, on the child's stdin), shown on the progress page. */
export async function confirmUninstall(): Promise<void> {
  const { dialog } = useDialog.getState();
  if (dialog.type !== 'uninstall') return;
  const passphrase = dialog.passphrase === '' ? null : dialog.passphrase;
  try {
    const { jobId } = await setupApi().startUninstall({ passphrase });
    useDialog.setState({ dialog: { type: 'none' } });
    useInstall.setState({ job: newJob(jobId), jobKind: 'uninstall', startError: undefined });
    goTo({ type: 'installation-progress' });
  } catch (error) {
    useDialog.setState({ dialog: { ...dialog, error: errorOf(error) } });
  }
}

/** After the configuration server refused the uninstall's unregister: remove the agent, keep its entry there. */
export async function uninstallWithoutUnregistering(): Promise<void> {
  try {
    const { jobId } = await setupApi().startUninstall({ passphrase: null });
    useInstall.setState({ job: newJob(jobId), jobKind: 'uninstall', startError: undefined });
  } catch (error) {
    useInstall.setState({ startError: errorOf(error) });
  }
}

/** Save diagnostics…: main asks where (a native save dialog), then collects the bundle as root. */
export async function saveDiagnostics(): Promise<void> {
  if (useLogs.getState().diagnostics.status === 'saving') return;
  useLogs.setState({ diagnostics: { status: 'saving' } });
  try {
    const saved = await setupApi().saveDiagnostics();
    useLogs.setState({ diagnostics: saved ? { status: 'saved', path: saved.path } : { status: 'idle' } });
  } catch (error) {
    useLogs.setState({ diagnostics: { status: 'error', error: errorOf(error) } });
  }
}
