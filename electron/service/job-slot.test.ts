import * as fs from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Scratch } from '../engine/test-support/fixtures';
import { JobSlot } from './job-slot';

// Which jobs ask for administrator rights: all but the diagnostics bundle, which holds only what any user may
// read and lands in the user's own folder.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function script(): string {
  const file = `${scratch.path('child')}.cjs`;
  fs.writeFileSync(
    file,
    `process.stdout.write(JSON.stringify({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null, summary: { ran: 'directly' } }) + '\\n');\n`,
  );
  return file;
}

function refusingPkexec(): string {
  const file = scratch.path('pkexec');
  fs.writeFileSync(
    file,
    '#!/bin/sh\necho "Error executing command as another user: Request dismissed" >&2\nexit 126\n',
    {
      mode: 0o755,
    },
  );
  return file;
}

describe('JobSlot elevation', () => {
  const slot = () =>
    new JobSlot({
      runtime: { command: process.execPath, env: {}, nodeOptions: [] },
      elevation: 'will-prompt',
      elevator: { pkexec: refusingPkexec(), helper: '/opt/mobility-service-setup/resources/asr-setup-helper' },
      onEvent: () => undefined,
    });

  it('runs the diagnostics as the app user, with no prompt', async () => {
    const result = await slot().launch('diagnostics', script(), []).done;
    expect(result).toMatchObject({ status: 'Succeeded', summary: { ran: 'directly' } });
  });

  it('runs an install through pkexec (here refused: NOT_ELEVATED)', async () => {
    const result = await slot().launch('install', script(), []).done;
    expect(result).toMatchObject({ status: 'Failed', error: { code: 'NOT_ELEVATED' } });
  });
});

describe('JobSlot after the result', () => {
  it('a job that sent its result but has not exited yet is not one a reloaded window waits for', async () => {
    const file = `${scratch.path('lingering')}.cjs`;
    fs.writeFileSync(
      file,
      `process.stdout.write(JSON.stringify({ type: 'result', status: 'Succeeded', exitCode: 0, msiCode: 0, error: null }) + '\\n');\nsetTimeout(() => undefined, 1500);\n`,
    );
    const events: string[] = [];
    const slot = new JobSlot({
      runtime: { command: process.execPath, env: {}, nodeOptions: [] },
      elevation: 'elevated',
      elevator: { pkexec: '/nonexistent', helper: '/nonexistent' },
      onEvent: ({ event }) => events.push(event.type),
    });
    const job = slot.launch('register', file, []);
    expect(slot.awaitingResult?.jobId).toBe(job.jobId);
    await vi.waitFor(() => expect(events).toContain('result'));
    // Still running (a second job is refused until it exits), but no longer awaited.
    expect(slot.running?.jobId).toBe(job.jobId);
    expect(slot.awaitingResult).toBeUndefined();
    // Asked for the job to re-attach to, the slot lets the exiting one go first: none, and free for the next.
    expect(await slot.settledAwaitingResult()).toBeUndefined();
    expect(slot.running).toBeUndefined();
    await job.done;
  });
});
