import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod/mini';
import type { JobRecorder } from '../log/job-recorder';
import { readStateFile, writeFileAtomic } from '../system/atomic-file';
import type { SystemLayout } from '../system/system-layout';
import { readInstalledFiles, restoreForeign } from './installed-files';
import { removeVxVersion } from './vx-version';

// An uninstall is a transaction too. Its one change to the payload is a rename of the install location
// into a private folder beside it, so after a kill -9 the payload is either whole (not yet moved) or gone
// (moved); the journal, written first, lets the next run (uninstall or install) finish what was started:
// move back what setup did not put there, delete the rest, drop the record. Every step can be killed and
// done again: the tree is sorted (the admin's files moved back, by setup's list in the tree) before anything is
// deleted, and the journal says 'sorted' before the deletion starts, so a deletion that a kill cut short (the
// list perhaps among what went) is finished as a deletion, never sorted again without its list.

const journalSchema = z.object({
  schema: z.literal(1),
  /** As this machine sees it. */
  installLocation: z.string(),
  removedDir: z.string(),
  startedAt: z.string(),
  pid: z.number(),
  /** 'sorted': the admin's files are back at the location; what is left in the removal folder is setup's. */
  phase: z.optional(z.enum(['moving', 'sorted'])),
});
export type UninstallJournal = z.infer<typeof journalSchema>;

export function uninstallJournalFile(layout: SystemLayout): string {
  return path.join(layout.stateDir, 'uninstall-journal.json');
}

export function writeUninstallJournal(layout: SystemLayout, journal: UninstallJournal): void {
  writeFileAtomic(uninstallJournalFile(layout), `${JSON.stringify(journal, null, 2)}\n`, 0o600);
}

/** The tree as it was taken away, inside the private removal folder. */
export const removedTree = (journal: UninstallJournal): string => path.join(journal.removedDir, 'tree');

/**
 * Finishes an uninstall from its journal, once the location was moved aside (or was already gone): what setup
 * did not lay down goes back to the install location, then the journal says so, then the rest is deleted and
 * the record and .vx_version go. Returns what was kept, relative to the location.
 */
export function completeUninstall(layout: SystemLayout, journal: UninstallJournal): string[] {
  const tree = removedTree(journal);
  let kept: string[] = [];
  if (journal.phase !== 'sorted' && fs.existsSync(tree)) {
    const ours = readInstalledFiles(tree);
    // No record of what setup laid down (a tree from before the list existed): keep everything but setup's own
    // folder rather than guess.
    kept = restoreForeign(tree, journal.installLocation, ours ?? new Set());
    writeUninstallJournal(layout, { ...journal, phase: 'sorted' });
  }
  fs.rmSync(journal.removedDir, { recursive: true, force: true });
  fs.rmSync(layout.recordFile, { force: true });
  removeVxVersion(layout);
  fs.rmSync(uninstallJournalFile(layout), { force: true });
  return kept;
}

/** Before anything else, a run finishes an uninstall that a kill interrupted after its move. */
export function finishInterruptedUninstall(layout: SystemLayout, job: JobRecorder): void {
  const journal = readStateFile(
    uninstallJournalFile(layout),
    journalSchema,
    'the uninstall journal',
    (m) => new Error(m),
  );
  if (!journal) return;
  const step = job.step('recover', 'recover', 'Finish an interrupted uninstall');
  if (journal.phase !== 'sorted' && !fs.existsSync(removedTree(journal))) {
    fs.rmSync(journal.removedDir, { recursive: true, force: true });
    fs.rmSync(uninstallJournalFile(layout), { force: true });
    job.finish(step, 'Succeeded', `the uninstall of ${journal.startedAt} had not moved anything; the agent is whole`);
    return;
  }
  const kept = completeUninstall(layout, journal);
  job.finish(
    step,
    'Succeeded',
    `finished the uninstall started ${journal.startedAt} by process ${journal.pid}${kept.length ? `; kept ${kept.join(', ')}` : ''}`,
  );
}
