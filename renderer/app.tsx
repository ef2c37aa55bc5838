import { ErrorPanel } from './components/error-panel';
import { InstallationOptionPage } from './pages/installation-option-page';
import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { loadMessages, type MessagePart } from './i18n/locale-store';
import { useTranslator } from './i18n/use-translator';
import { closeApp } from './state/actions';
import { useDialog, useWizard, type WizardStep } from './state/stores';

// Only Installation Option is on the path to a fresh machine's first page; the later pages load on first use,
// and are fetched ahead once the first page is up (below), so moving on does not wait for them.
const loadReady = () => import('./pages/ready-to-install-page');
const loadProgress = () => import('./pages/installation-progress-page');
const loadConfiguration = () => import('./pages/configuration-server-page');
const loadFinish = () => import('./pages/finish-page');

/** A component that loads on first use: `load` fetches its module, `pick` takes the component from it. */
function lazyComponent<M, P extends object>(load: () => Promise<M>, pick: (module: M) => ComponentType<P>) {
  return lazy(() => load().then((module) => ({ default: pick(module) })));
}

/** For a page or dialog whose messages are a part of the catalog of their own: it renders once both are here. */
function withMessages<M>(part: MessagePart, load: () => Promise<M>): () => Promise<M> {
  return () => Promise.all([load(), loadMessages(part)]).then(([module]) => module);
}

const ReadyToInstallPage = lazyComponent(loadReady, (module) => module.ReadyToInstallPage);
const InstallationProgressPage = lazyComponent(loadProgress, (module) => module.InstallationProgressPage);
const ConfigurationServerPage = lazyComponent(loadConfiguration, (module) => module.ConfigurationServerPage);
const FinishPage = lazyComponent(loadFinish, (module) => module.FinishPage);

function prefetchLaterPages(): () => void {
  // The dialogs' messages too: Show command line and Uninstall open from the first page.
  const fetchAll = () =>
    void Promise.all([loadReady(), loadProgress(), loadConfiguration(), loadFinish(), loadMessages('dialogs')]);
  if (typeof window.requestIdleCallback !== 'function') {
    const timer = setTimeout(fetchAll, 500);
    return () => clearTimeout(timer);
  }
  const handle = window.requestIdleCallback(fetchAll, { timeout: 2000 });
  return () => window.cancelIdleCallback(handle);
}

// The logs view (and its virtual list) loads on first use: it is not on the path to the first page.
const LogsView = lazyComponent(
  withMessages('dialogs', () => import('./pages/logs-view')),
  (module) => module.LogsView,
);
// So do the push pages: most admins install on this machine.
const PushServersPage = lazyComponent(
  withMessages('push', () => import('./pages/push-servers-page')),
  (module) => module.PushServersPage,
);
const PushHostKeysPage = lazyComponent(
  withMessages('push', () => import('./pages/push-host-keys-page')),
  (module) => module.PushHostKeysPage,
);
const FleetStatusPage = lazyComponent(
  withMessages('push', () => import('./pages/fleet-status-page')),
  (module) => module.FleetStatusPage,
);
const PushProgressPage = lazyComponent(
  withMessages('push', () => import('./pages/push-progress-page')),
  (module) => module.PushProgressPage,
);
function PushFallback() {
  const { t } = useTranslator();
  return <p role="status">{t('app.openingPush')}</p>;
}
// The Uninstall confirmation and Show command line open on demand.
const UninstallDialog = lazyComponent(
  withMessages('dialogs', () => import('./pages/uninstall-dialog')),
  (module) => module.UninstallDialog,
);
const CommandLineDialog = lazyComponent(
  withMessages('dialogs', () => import('./pages/command-line-dialog')),
  (module) => module.CommandLineDialog,
);
const ExitDialog = lazyComponent(
  withMessages('dialogs', () => import('./pages/exit-dialog')),
  (module) => module.ExitDialog,
);

const CancelInstallDialog = lazyComponent(
  withMessages('dialogs', () => import('./pages/cancel-install-dialog')),
  (module) => module.CancelInstallDialog,
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
      return (
        <Suspense fallback={null}>
          <ReadyToInstallPage />
        </Suspense>
      );
    case 'installation-progress':
      return (
        <Suspense fallback={null}>
          <InstallationProgressPage />
        </Suspense>
      );
    case 'configuration-server-details':
      return (
        <Suspense fallback={null}>
          <ConfigurationServerPage />
        </Suspense>
      );
    case 'finish':
      return (
        <Suspense fallback={null}>
          <FinishPage />
        </Suspense>
      );
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
  useEffect(prefetchLaterPages, []);
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
