import { useEffect, useRef, type ReactNode } from 'react';
import { openLogs } from '../state/actions';
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
        <p className="product">Mobility Service Setup{version ? ` ${version}` : ''}</p>
        <button type="button" className="link-button" onClick={() => void openLogs()}>
          View logs
        </button>
      </header>
      <nav aria-label="Setup steps" className="steps">
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
