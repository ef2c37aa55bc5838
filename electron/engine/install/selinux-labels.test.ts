import { describe, expect, it } from 'vitest';
import { systemLayout } from '../system/system-layout';
import { fakeProbe } from '../test-support/fixtures';
import { recordingRunner } from '../test-support/recording-runner';
import { restoreLabels } from './selinux-labels';

// Under SELinux, what setup renamed into place keeps the label of where it was made; restorecon gives it the
// policy's. Run where the system has it and SELinux is on, said in the setup log, never fatal.

const TOOLS: Record<string, string> = { restorecon: '/sbin/restorecon', selinuxenabled: '/usr/sbin/selinuxenabled' };

function run(options: { tools?: Record<string, string>; enabled?: number; restorecon?: number; root?: string }) {
  const runner = recordingRunner((command) =>
    command.endsWith('selinuxenabled')
      ? { kind: 'exited', code: options.enabled ?? 0 }
      : { output: '', code: options.restorecon ?? 0 },
  );
  const notes: string[] = [];
  const tools = options.tools ?? TOOLS;
  const context = {
    layout: systemLayout('linux', options.root),
    probe: fakeProbe({ findCommand: (name: string) => tools[name] }),
    runner,
    job: { note: (level: string, line: string) => notes.push(`${level} ${line}`), detail: () => undefined },
  };
  return { runner, notes, done: restoreLabels(context, ['/usr/local/ASR', '/etc/rc.d/init.d/asr-mobility']) };
}

describe('restoreLabels', () => {
  it('runs restorecon -R on what was installed where SELinux is on, and says so at INFO', async () => {
    const { runner, notes, done } = run({});
    await done;
    expect(runner.calls).toEqual([
      ['/usr/sbin/selinuxenabled'],
      ['/sbin/restorecon', '-R', '/usr/local/ASR', '/etc/rc.d/init.d/asr-mobility'],
    ]);
    expect(notes).toEqual(['info SELinux labels restored: restorecon -R /usr/local/ASR /etc/rc.d/init.d/asr-mobility']);
  });

  it('does nothing where SELinux is disabled, or there is no restorecon, or under --root', async () => {
    for (const options of [{ enabled: 1 }, { tools: {} }, { root: '/tmp/image' }]) {
      const { runner, notes, done } = run(options);
      await done;
      expect(runner.calls.filter(([command]) => command?.endsWith('restorecon'))).toEqual([]);
      expect(notes).toEqual([]);
    }
  });

  it('a restorecon that fails is a warning naming the command to run, not a failed install', async () => {
    const { notes, done } = run({ restorecon: 255 });
    await done;
    expect(notes).toEqual([
      expect.stringMatching(
        /^warn SELinux labels could not be restored \(.*exited.*255.*\); run restorecon -R \/usr\/local\/ASR/,
      ),
    ]);
  });
});
