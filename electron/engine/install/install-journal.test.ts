import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { settleJournal, TRANSACTION_MARKER, writeJournal, type InstallJournal } from './install-journal';
import type { ProcessOutcome, ProcessRunner } from '../system/process-runner';
import { systemLayout } from '../system/system-layout';
import { Scratch } from '../test-support/fixtures';

// Undo of an upgrade whose new service was already running: services stop first, the files go back, then
// the old service is restored on them; if that fails the journal stays for the next run to retry.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function upgradeInProgress(): { journal: InstallJournal; journalFile: string; location: string; unitPath: string } {
  const dir = scratch.path('txn');
  const location = path.join(dir, 'ASR');
  const backup = path.join(dir, '.ASR.ASRSetup-previous-x');
  fs.mkdirSync(path.join(location, '.asrsetup'), { recursive: true });
  fs.writeFileSync(path.join(location, TRANSACTION_MARKER), 'txn-12345678\n');
  fs.writeFileSync(path.join(location, 'version'), 'new');
  fs.mkdirSync(backup);
  fs.writeFileSync(path.join(backup, 'version'), 'old');
  const unitPath = path.join(dir, 'asr-mobility.service');
  fs.writeFileSync(unitPath, 'new unit\n');
  const journalFile = path.join(dir, 'install-journal.json');
  const journal: InstallJournal = {
    schema: 1,
    transactionId: 'txn-12345678',
    startedAt: '2026-11-25T10:00:00.000Z',
    pid: 1,
    installLocation: location,
    stagingDir: path.join(dir, '.ASR.ASRSetup-staging-x'),
    backupDir: backup,
    discardDir: path.join(dir, '.ASR.ASRSetup-discard-x'),
    createdDirs: [],
    service: {
      name: 'asr-mobility',
      platform: 'linux',
      initSystem: 'systemd',
      unitPath,
      previousUnit: 'old unit\n',
      previousLinks: [],
      rcTool: null,
      windowsConfig: null,
      managed: true,
      existed: true,
      wasEnabled: true,
      wasActive: true,
    },
    retiredService: null,
    recordFile: path.join(dir, 'install-record.json'),
  };
  writeJournal(journalFile, journal);
  return { journal, journalFile, location, unitPath };
}

function runner(
  answer: (args: readonly string[], versionAtCall: string | undefined) => ProcessOutcome,
  location: string,
): ProcessRunner & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: async (command, args) => {
      const version = fs.existsSync(path.join(location, 'version'))
        ? fs.readFileSync(path.join(location, 'version'), 'utf8')
        : undefined;
      calls.push(`${command} ${args.join(' ')} [tree: ${version ?? 'none'}]`);
      return answer(args, version);
    },
  };
}

describe('undoing an upgrade with a running service', () => {
  it('stops the new service before moving files, restores the old tree, then the old unit, and starts it on the old files', async () => {
    const { journal, journalFile, location, unitPath } = upgradeInProgress();
    const fake = runner(() => ({ kind: 'exited', code: 0 }), location);
    const outcome = await settleJournal(journalFile, journal, {
      layout: systemLayout('linux', undefined),
      runner: fake,
      log: () => undefined,
    });
    expect(outcome).toBe('rolled-back');
    expect(fs.readFileSync(path.join(location, 'version'), 'utf8')).toBe('old');
    expect(fs.readFileSync(unitPath, 'utf8')).toBe('old unit\n');
    expect(fake.calls).toEqual([
      'systemctl is-active --quiet asr-mobility.service [tree: new]',
      'systemctl stop asr-mobility.service [tree: new]',
      'systemctl enable --no-reload asr-mobility.service [tree: old]',
      'systemctl daemon-reload [tree: old]',
      'systemctl restart asr-mobility.service [tree: old]',
    ]);
    expect(fs.existsSync(journalFile)).toBe(false);
  });

  it('keeps the journal when the service cannot be restored, so the next run retries', async () => {
    const { journal, journalFile, location } = upgradeInProgress();
    const fake = runner((args) => ({ kind: 'exited', code: args[0] === 'restart' ? 1 : 0 }), location);
    await expect(
      settleJournal(journalFile, journal, {
        layout: systemLayout('linux', undefined),
        runner: fake,
        log: () => undefined,
      }),
    ).rejects.toThrow(
      /the files are restored, but the service is not: systemctl restart asr-mobility.service exited with code 1/,
    );
    expect(fs.readFileSync(path.join(location, 'version'), 'utf8')).toBe('old');
    expect(fs.existsSync(journalFile)).toBe(true);
    // The retry, with the service manager answering again, completes.
    const retry = await settleJournal(journalFile, journal, {
      layout: systemLayout('linux', undefined),
      runner: runner(() => ({ kind: 'exited', code: 0 }), location),
      log: () => undefined,
    });
    expect(retry).toBe('rolled-back');
    expect(fs.existsSync(journalFile)).toBe(false);
  });
});

// Security review finding 5: a journal naming entries too long for the file system jammed every later run.
describe('recovering a journal whose names cannot exist', () => {
  it('treats staging, backup and discard names the file system cannot hold as gone', async () => {
    const dir = scratch.path('long-names');
    fs.mkdirSync(dir);
    const name = 'a'.repeat(240);
    const journalFile = path.join(dir, 'install-journal.json');
    const journal: InstallJournal = {
      schema: 1,
      transactionId: 'txn-87654321',
      startedAt: '2026-11-25T10:00:00.000Z',
      pid: 1,
      installLocation: path.join(dir, name),
      stagingDir: path.join(dir, `.${name}.ASRSetup-staging-87654321`),
      backupDir: null,
      discardDir: path.join(dir, `.${name}.ASRSetup-discard-87654321`),
      createdDirs: [],
      service: null,
      retiredService: null,
      recordFile: path.join(dir, 'install-record.json'),
    };
    writeJournal(journalFile, journal);
    const outcome = await settleJournal(journalFile, journal, {
      layout: systemLayout('linux', undefined),
      runner: runner(() => ({ kind: 'exited', code: 0 }), dir),
      log: () => undefined,
    });
    expect(outcome).toBe('rolled-back');
    expect(fs.existsSync(journalFile)).toBe(false);
  });
});
