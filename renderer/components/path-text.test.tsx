import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { PathText } from './path-text';

describe('a path shown in a narrow window', () => {
  it('may wrap after each separator and nowhere else it chooses, and reads as the path itself', () => {
    const { container } = render(
      <code>
        <PathText path="/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log" />
      </code>,
    );
    const code = container.querySelector('code') as HTMLElement;
    expect(code.textContent).toBe('/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log');
    // A break opportunity after each of the four slashes, none inside a name.
    expect(code.querySelectorAll('wbr')).toHaveLength(4);
    expect([...code.childNodes].map((node) => (node.nodeName === 'WBR' ? '|' : node.textContent)).join('')).toBe(
      '/|var/|log/|ASRSetupLogs/|ASRUnifiedAgentInstaller.log',
    );
  });

  it('breaks a Windows path after its backslashes; a bare name gets no break at all', () => {
    const { container } = render(
      <>
        <code>
          <PathText path={'C:\\Program Files\\Microsoft Azure Site Recovery'} />
        </code>
        <code>
          <PathText path="passphrase.txt" />
        </code>
      </>,
    );
    const [windows, name] = [...container.querySelectorAll('code')] as HTMLElement[];
    expect(windows?.querySelectorAll('wbr')).toHaveLength(2);
    expect(windows?.textContent).toBe('C:\\Program Files\\Microsoft Azure Site Recovery');
    expect(name?.querySelectorAll('wbr')).toHaveLength(0);
  });
});
