import { ErrorPanel } from './components/error-panel';
import { ConfigurationServerPage } from './pages/configuration-server-page';
import { FinishPage } from './pages/finish-page';
import { InstallationOptionPage } from './pages/installation-option-page';
import { InstallationProgressPage } from './pages/installation-progress-page';
import { ReadyToInstallPage } from './pages/ready-to-install-page';
import { lazy, Suspense } from 'react';
import { useTranslator } from './i18n/use-translator';
import { closeApp } from './state/actions';
import { useDialog, useWizard, type WizardStep } from './state/stores';

// The logs view (and its virtual list) loads on first use: it is not on the path to the first page.
const LogsView = lazy(() => import('./pages/logs-view').then((module) => ({ default: module.LogsView })));
// So do the push pages: most admins install on this machine.
const PushServersPage = lazy(() =>
  import('./pages/push-servers-page').then((module) => ({ default: module.PushServersPage })),
);
const PushHostKeysPage = lazy(() =>
  import('./pages/push-host-keys-page').then((module) => ({ default: module.PushHostKeysPage })),
);
const FleetStatusPage = lazy(() =>
  import('./pages/fleet-status-page').then((module) => ({ default: module.FleetStatusPage })),
);
const PushProgressPage = lazy(() =>
  import('./pages/push-progress-page').then((module) => ({ default: module.PushProgressPage })),
);
function PushFallback() {
  const { t } = useTranslator();
  return <p role="status">{t('app.openingPush')}</p>;
}
// The Uninstall confirmation and Show command line open on demand.
const UninstallDialog = lazy(() =>
  import('./pages/uninstall-dialog').then((module) => ({ default: module.UninstallDialog })),
);
const CommandLineDialog = lazy(() =>
  import('./pages/command-line-dialog').then((module) => ({ default: module.CommandLineDialog })),
);
const ExitDialog = lazy(() => import('./pages/exit-dialog').then((module) => ({ default: module.ExitDialog })));

const CancelInstallDialog = lazy(() =>
  import('./pages/cancel-install-dialog').then((module) => ({ default: module.CancelInstallDialog })),
);

function OpenDialog() {
  const type = useDialog((s) => s.dialog.type);
  switch (type) {
    case 'none':
      return null;
    case 'uninstall':
      return (
        <Suspense fallback={null}>
          <UninstallDialog />
        </Suspense>
      );
    case 'command-line':
      return (
        <Suspense fallback={null}>
          <CommandLineDialog />
        </Suspense>
      );
    case 'cancel-install':
      return (
        <Suspense fallback={null}>
          <CancelInstallDialog />
        </Suspense>
      );
    case 'confirm-exit':
      return (
        <Suspense fallback={null}>
          <ExitDialog />
        </Suspense>
      );
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

function Page({ step }: { readonly step: WizardStep }) {
  const { t } = useTranslator();
  const pushFallback = <PushFallback />;
  switch (step.type) {
    case 'loading':
      return (
        <p className="loading" role="status">
          {t('app.starting')}
        </p>
      );
    case 'installation-option':
      return <InstallationOptionPage />;
    case 'ready-to-install':
      return <ReadyToInstallPage />;
    case 'installation-progress':
      return <InstallationProgressPage />;
    case 'configuration-server-details':
      return <ConfigurationServerPage />;
    case 'finish':
      return <FinishPage />;
    case 'push-servers':
      return (
        <Suspense fallback={pushFallback}>
          <PushServersPage />
        </Suspense>
      );
    case 'push-host-keys':
      return (
        <Suspense fallback={pushFallback}>
          <PushHostKeysPage />
        </Suspense>
      );
    case 'push-progress':
      return (
        <Suspense fallback={pushFallback}>
          <PushProgressPage />
        </Suspense>
      );
    case 'push-fleet-status':
      return (
        <Suspense fallback={pushFallback}>
          <FleetStatusPage />
        </Suspense>
      );
    case 'unavailable':
      return (
        <main className="page">
          <h1>{t('app.cannotStart')}</h1>
          <ErrorPanel error={step.error} />
          {/* Nothing has started, so nothing is lost: Exit closes at once, by itself if main cannot answer. */}
          <div className="actions">
            <button type="button" className="primary" onClick={() => void closeApp().catch(() => window.close())}>
              {t('frame.exit')}
            </button>
          </div>
        </main>
      );
    default: {
      const unreachable: never = step;
      return unreachable;
    }
  }
}

export function App() {
  const { t } = useTranslator();
  const step = useWizard((s) => s.step);
  const logsOpen = useWizard((s) => s.logsOpen);
  // The logs view replaces the page but keeps the wizard's state, so "Back to setup" returns to it.
  return logsOpen ? (
    <Suspense fallback={<p role="status">{t('app.openingLogs')}</p>}>
      <LogsView />
    </Suspense>
  ) : (
    <>
      <Page step={step} />
      <OpenDialog />
    </>
  );
}
