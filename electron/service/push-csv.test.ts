import { describe, expect, it } from 'vitest';
import type { HostResult } from '../../shared/push-events';
import { pushResultsCsv } from './push-csv';

describe("a push's results as CSV", () => {
  it('neutralises cells a spreadsheet would run as formulas, whatever the server sent', () => {
    const hostile: HostResult = {
      host: 'db01',
      status: 'Failed',
      osLabel: '=HYPERLINK("http://x","y")',
      agentVersion: null,
      hostId: null,
      stoppedAt: 'install',
      error: { code: 'INSTALL_FAILED', message: '+cmd|/c calc', remedy: 'x' } as HostResult['error'],
    };
    const [header, row] = pushResultsCsv([hostile]).split('\r\n');
    expect(header).toBe('host,status,osLabel,agentVersion,hostId,errorCode,errorMessage');
    expect(row).toBe(`db01,Failed,"'=HYPERLINK(""http://x"",""y"")",,,INSTALL_FAILED,'+cmd|/c calc`);
    expect(pushResultsCsv([{ ...hostile, osLabel: '-1+2', error: null }]).split('\r\n')[1]).toBe(
      "db01,Failed,'-1+2,,,,",
    );
  });
});
