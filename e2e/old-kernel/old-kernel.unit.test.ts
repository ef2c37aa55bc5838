import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingSyscalls, oldKernelUnavailable, onOldKernel, syscallName } from './old-kernel';

// The imitation of the seed's old kernels that the release's tests run under: the right calls refused, and
// refused for real (the filter is on), with a 2.6 version for whatever reads it.

const unavailable = oldKernelUnavailable();
const HEADER = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h';

describe('missingSyscalls', () => {
  it("refuses from recvmmsg (2.6.33) on for RHEL 6's 2.6.32, and from sched_setattr (3.14) on for RHEL 7's 3.10", () => {
    expect(missingSyscalls('2.6.32')).toEqual(['299-511']);
    expect(missingSyscalls('3.10')).toEqual(['314-511']);
    expect(missingSyscalls('3.0')).toEqual(['309-511']);
    expect(missingSyscalls('99.0')).toEqual([]);
  });

  it.skipIf(!fs.existsSync(HEADER))("numbers its calls as this system's kernel headers do", () => {
    const header = fs.readFileSync(HEADER, 'utf8');
    for (const match of header.matchAll(/#define __NR_(\w+) (\d+)/g)) {
      const number = Number(match[2]);
      if (number >= 295 && number <= 334) expect(syscallName(number), match[1]).toBe(match[1]);
    }
  });
});

describe.skipIf(unavailable)('onOldKernel', () => {
  const run = (version: string, script: string) =>
    spawnSync(
      onOldKernel(version, ['/bin/sh', '-c', script])[0] ?? '',
      onOldKernel(version, ['/bin/sh', '-c', script]).slice(1),
      {
        encoding: 'utf8',
      },
    );

  it('makes syncfs (2.6.39) missing under 2.6.32 but not under 3.10, and reports a 2.6 kernel', () => {
    const old = run('2.6.32', 'uname -r; sync -f /tmp');
    expect(old.stdout).toMatch(/^2\.6\.\d+/);
    expect(old.stderr).toMatch(/Function not implemented/);
    expect(old.status).not.toBe(0);
    const rhel7 = run('3.10', 'sync -f /tmp && echo synced');
    expect(rhel7.stdout.trim()).toBe('synced');
  });
});
