import { setupApi } from '../setup-api';
import { closeApp, goTo } from './actions';
import { useDialog, useInstall, useRegistration, useWizard, type ExitRisk } from './stores';

// A way out of every page: Exit closes setup at once when nothing would be lost, and asks first when
// something would (a job cut short, an agent left unregistered). The window closing ends any child as well.

async function pushRunning(): Promise<boolean> {
  // Only the Push progress page can have a push running; its store is loaded with the push pages.
  if (useWizard.getState().step.type !== 'push-progress') return false;
  const { usePush } = await import('./push-store');
  const run = usePush.getState().run;
  return run !== undefined && run.result === undefined;
}

/** What exiting now would cost, if anything. */
export async function exitRisk(): Promise<ExitRisk | undefined> {
  const { job, jobKind } = useInstall.getState();
  if (job && !job.result) return jobKind === 'install' ? 'install-running' : 'busy';
  if (useRegistration.getState().submitting) return 'busy';
  if (await pushRunning()) return 'push-running';
  const installed =
    useWizard.getState().app?.installed ||
    (jobKind === 'install' && job?.result !== undefined && job.result.status !== 'Failed');
  const registered = useWizard.getState().app?.registration || useRegistration.getState().registered;
  return installed && !registered ? 'not-registered' : undefined;
}

export async function requestExit(): Promise<void> {
  const risk = await exitRisk();
  if (risk === undefined) await closeApp();
  else useDialog.setState({ dialog: { type: 'confirm-exit', risk } });
}

/** Confirmed: what runs is stopped first (an install rolls back), then the window closes. */
export async function confirmExit(): Promise<void> {
  const { dialog } = useDialog.getState();
  if (dialog.type !== 'confirm-exit') return;
  useDialog.setState({ dialog: { type: 'none' } });
  const job = useInstall.getState().job;
  if (dialog.risk === 'install-running' && job && !job.result) await setupApi().cancel(job.jobId);
  if (dialog.risk === 'push-running') {
    const { usePush } = await import('./push-store');
    const run = usePush.getState().run;
    if (run && !run.result) await setupApi().cancelPush(run.pushId);
  }
  await closeApp();
}

/** "Change configuration server" leads here from Registered; Back returns there, registration unchanged. */
export function backToRegistered(): void {
  useRegistration.setState((s) => ({
    error: undefined,
    endpoint: s.registered?.csEndpoint ?? s.endpoint,
    passphrase: '',
    endpointJudged: false,
  }));
  goTo({ type: 'finish' });
}
