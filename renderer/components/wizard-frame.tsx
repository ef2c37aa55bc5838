import { useLayoutEffect, useRef, type ReactNode } from 'react';
import type { MessageId } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import { openLogs } from '../state/actions';
import { ProductLine } from './product-line';
import { requestExit } from '../state/exit-actions';
import { useInstall, useWizard, type WizardStep } from '../state/stores';

// The frame every page shares: the step list (where the admin is), a way to the logs from every page,
// and focus moved to the page heading on each page change so keyboard and screen-reader users follow.

type Steps = readonly { readonly type: WizardStep['type']; readonly label: MessageId }[];
const STEPS: Steps = [
  { type: 'installation-option', label: 'step.installationOption' },
  { type: 'installation-progress', label: 'step.installationProgress' },
  { type: 'configuration-server-details', label: 'step.configurationServer' },
  { type: 'finish', label: 'step.register' },
];
const PUSH_STEPS: Steps = [
  { type: 'installation-option', label: 'step.installationOption' },
  { type: 'push-servers', label: 'step.pushServers' },
  { type: 'push-host-keys', label: 'step.pushHostKeys' },
  { type: 'push-progress', label: 'step.pushProgress' },
];
// An uninstall is confirmed on Installation Option and runs on the progress page: no install steps after it.
const UNINSTALL_STEPS: Steps = [
  { type: 'installation-option', label: 'step.installationOption' },
  { type: 'installation-progress', label: 'step.uninstall' },
];
// The fleet's status is read instead of pushing (and pushes on from there).
const FLEET_STEPS: Steps = [
  { type: 'installation-option', label: 'step.installationOption' },
  { type: 'push-servers', label: 'step.pushServers' },
  { type: 'push-host-keys', label: 'step.pushHostKeys' },
  { type: 'push-fleet-status', label: 'step.fleetStatus' },
];

function stepsOf(current: WizardStep['type'], jobKind: 'install' | 'uninstall'): Steps {
  if (current === 'push-fleet-status') return FLEET_STEPS;
  if (current === 'installation-progress' && jobKind === 'uninstall') return UNINSTALL_STEPS;
  return current.startsWith('push-') ? PUSH_STEPS : STEPS;
}

/** On a narrow window (a VM console, 200% zoom) the step list gives way to one line (reflow.css). */
function StepCount({ steps, current }: { readonly steps: Steps; readonly current: WizardStep['type'] }) {
  const { t } = useTranslator();
  const at = steps.findIndex((s) => s.type === current);
  const step = steps[at];
  return step === undefined ? null : (
    <p className="step-count">{t('frame.stepCount', { index: at + 1, count: steps.length, label: t(step.label) })}</p>
  );
}

export function WizardFrame({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  const { t } = useTranslator();
  const step = useWizard((s) => s.step);
  const version = useWizard((s) => s.app?.version);
  const jobKind = useInstall((s) => s.jobKind);
  // Ready to install is the last look at Installation Option, not a step of its own.
  const current = step.type === 'ready-to-install' ? 'installation-option' : step.type;
  const heading = useRef<HTMLHeadingElement>(null);
  // Before the page is painted, so that keys pressed as soon as it shows start from its heading.
  useLayoutEffect(() => {
    heading.current?.focus();
  }, [title]);
  return (
    <div className="frame">
      <header className="frame-header">
        <ProductLine setupVersion={version} />
        <div className="frame-tools">
          <button type="button" className="link-button" onClick={() => void openLogs()}>
            {t('frame.viewLogs')}
          </button>
          <button type="button" className="link-button" onClick={() => void requestExit()}>
            {t('frame.exit')}
          </button>
        </div>
      </header>
      <nav aria-label={t('frame.steps')} className="steps">
        <StepCount steps={stepsOf(current, jobKind)} current={current} />
        <ol>
          {stepsOf(current, jobKind).map((s) => (
            <li
              key={s.type}
              aria-current={s.type === current ? 'step' : undefined}
              className={s.type === current ? 'current' : undefined}
            >
              {t(s.label)}
            </li>
          ))}
        </ol>
      </nav>
      <main className="page">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {children}
      </main>
    </div>
  );
}
