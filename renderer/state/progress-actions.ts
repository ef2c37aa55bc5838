import { cancelJob } from './actions';
import { useDialog, useInstall } from './stores';

// Cancel on Installation Progress: asked first, since a cancel undoes everything the install has done.

export function requestCancel(): void {
  const job = useInstall.getState().job;
  if (!job || job.result) return;
  useDialog.setState({ dialog: { type: 'cancel-install' } });
}

export function keepInstalling(): void {
  useDialog.setState({ dialog: { type: 'none' } });
}

export async function confirmCancel(): Promise<void> {
  useDialog.setState({ dialog: { type: 'none' } });
  const job = useInstall.getState().job;
  // The install may have ended while the question was open: then there is nothing left to cancel.
  if (!job || job.result) return;
  useInstall.setState({ cancelRequestedFor: job.jobId });
  await cancelJob();
}
