import { useEffect, useRef, type ReactNode } from 'react';
import { openLogs } from '../state/actions';
import { ProductLine } from './product-line';
import { requestExit } from '../state/exit-actions';
import { useWizard, type WizardStep } from '../state/stores';

// The frame every page shares: the step list (where the admin is), a way to the logs from every page,
// and focus moved to the page heading on each page change so keyboard and screen-reader users follow.

type Steps = readonly { readonly type: WizardStep['type']; readonly label: string }[];
const STEPS: Steps = [
  { type: 'installation-option', label: 'Installation Option' },
  { type: 'installation-progress', label: 'Installation Progress' },
  { type: 'configuration-server-details', label: 'Configuration Server Details' },
  { type: 'finish', label: 'Register' },
];
const PUSH_STEPS: Steps = [
  { type: 'installation-option', label: 'Installation Option' },
  { type: 'push-servers', label: 'Push to servers' },
  { type: 'push-host-keys', label: 'Server host keys' },
  { type: 'push-progress', label: 'Push progress' },
];

/** On a narrow window (a VM console, 200% zoom) the step list gives way to one line (reflow.css). */
function StepCount({ steps, current }: { readonly steps: Steps; readonly current: WizardStep['type'] }) {
  const at = steps.findIndex((s) => s.type === current);
  return at === -1 ? null : (
    <p className="step-count">
      Step {at + 1} of {steps.length}: {steps[at]?.label}
    </p>
  );
}

export function WizardFrame({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  const step = useWizard((s) => s.step);
  const version = useWizard((s) => s.app?.version);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, [title]);
  return (
    <div className="frame">
      <header className="frame-header">
        <ProductLine setupVersion={version} />
        <div className="frame-tools">
          <button type="button" className="link-button" onClick={() => void openLogs()}>
            View logs
          </button>
          <button type="button" className="link-button" onClick={() => void requestExit()}>
            Exit
          </button>
        </div>
      </header>
      <nav aria-label="Setup steps" className="steps">
        <StepCount steps={step.type.startsWith('push-') ? PUSH_STEPS : STEPS} current={step.type} />
        <ol>
          {(step.type.startsWith('push-') ? PUSH_STEPS : STEPS).map((s) => (
            <li
              key={s.type}
              aria-current={s.type === step.type ? 'step' : undefined}
              className={s.type === step.type ? 'current' : undefined}
            >
              {s.label}
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
