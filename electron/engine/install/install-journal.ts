import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { lstatOrUndefined, readStateFile, syncDirectory, writeFileAtomic } from '../system/atomic-file';
import { readInstallRecord } from './install-record';
import { SETUP_DIR_NAME } from '../system/system-layout';
import { quiesceForUndo, restoreService, serviceSnapshotSchema, type UndoContext } from './service-registration';

// The journal makes an install transactional across a kill -9 of the process: before each
// change it says what is about to change, and the next run (or this one, on failure) replays it backwards.
// The commit point is the install record naming this transaction; until then every run is undone, after it
// the leftovers (the previous version set aside) are cleaned up.
//
// Everything the install creates carries the transaction id in its name or in a marker file, so undoing
// never deletes anything that was not ours.

export const TRANSACTION_MARKER = path.join(SETUP_DIR_NAME, 'transaction');

const journalSchema = z.object({
  schema: z.literal(1),
  transactionId: z.string().check(z.regex(/^[a-z0-9-]{8,64}$/)),
  startedAt: z.string(),
  pid: z.int(),
  /** Host path of the install location. */
  installLocation: z.string(),
  stagingDir: z.string(),
  /** Where the previous version is moved aside during an upgrade or repair; null for a fresh install. */
  backupDir: z.nullable(z.string()),
  discardDir: z.string(),
  /** Folders created for the install location, outermost first; removed again on undo when empty. */
  createdDirs: z.array(z.string()),
  /** The agent service as it was before this run (captured before the new tree went in). */
  service: z.nullable(serviceSnapshotSchema),
  /** The previous version's service when the new version names its service differently (or has none). */
  retiredService: z._default(z.nullable(serviceSnapshotSchema), null),
  recordFile: z.string(),
});

export type InstallJournal = z.infer<typeof journalSchema>;

export class JournalError extends Error {}

export function readJournal(file: string): InstallJournal | undefined {
  return readStateFile(file, journalSchema, 'the install journal', (message) => new JournalError(message));
}

export function writeJournal(file: string, journal: InstallJournal): void {
  writeFileAtomic(file, `${JSON.stringify(journal, null, 2)}\n`, 0o600);
}

function exists(p: string): boolean {
  return lstatOrUndefined(p) !== undefined;
}

function markerOf(tree: string): string | undefined {
  try {
    return fs.readFileSync(path.join(tree, TRANSACTION_MARKER), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Removes a tree that others might have been able to write into (an old version with loose modes): it is
 * first renamed into a fresh 0700 folder of root's beside it, which no other user can enter, so nobody can
 * swap a folder inside it for a link while it is being removed and steer the removal outside.
 */
function removeTree(p: string): void {
  if (!exists(p)) return;
  let trash: string;
  try {
    trash = fs.mkdtempSync(path.join(path.dirname(p), '.ASRSetup-remove-'));
  } catch (error) {
    // A name the file system cannot hold names nothing that exists: gone, never a reason to stop forever.
    if ((error as NodeJS.ErrnoException).code === 'ENAMETOOLONG') return;
    throw error;
  }
  try {
    fs.chmodSync(trash, 0o700);
    try {
      fs.renameSync(p, path.join(trash, 'tree'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  } finally {
    fs.rmSync(trash, { recursive: true, force: true, maxRetries: 3 });
  }
}

export type RecoveryOutcome = 'rolled-back' | 'rolled-forward';

/** What undoing needs besides the file system: the service commands (systemctl, sc.exe), never a cancel signal. */
export type SettleContext = UndoContext;

/** Undoes (or, past the commit point, finishes) the transaction a journal describes. Idempotent. */
export async function settleJournal(
  journalFile: string,
  journal: InstallJournal,
  context: SettleContext,
): Promise<RecoveryOutcome> {
  const record = readInstallRecord(journal.recordFile);
  const committed = record?.transactionId === journal.transactionId;
  if (committed) {
    if (journal.backupDir) removeTree(journal.backupDir);
    removeTree(journal.stagingDir);
    removeTree(journal.discardDir);
  } else {
    const services = [journal.service, journal.retiredService].filter((snapshot) => snapshot !== null);
    const failures: string[] = [];
    // Services first stop (nothing may run from, or hold open, the tree being moved), then the files go
    // back, then the services are restored on them. A failure keeps the journal, so the next run retries.
    for (const snapshot of services) failures.push(...(await quiesceForUndo(snapshot, context)));
    rollBackFiles(journal);
    for (const snapshot of services) failures.push(...(await restoreService(snapshot, context)));
    if (failures.length > 0) throw new Error(`the files are restored, but the service is not: ${failures.join('; ')}`);
    removeCreatedDirs(journal);
  }
  fs.rmSync(journalFile, { force: true });
  syncDirectory(path.dirname(journalFile));
  return committed ? 'rolled-forward' : 'rolled-back';
}

function rollBackFiles(journal: InstallJournal): void {
  const location = journal.installLocation;
  // Our new tree is at the location only if it carries this transaction's marker; it is renamed away first,
  // so a kill while deleting it never leaves a half tree where the agent belongs.
  if (exists(location) && markerOf(location) === journal.transactionId) {
    if (exists(journal.discardDir)) removeTree(journal.discardDir);
    fs.renameSync(location, journal.discardDir);
  }
  if (journal.backupDir && exists(journal.backupDir) && !exists(location)) {
    fs.renameSync(journal.backupDir, location);
  }
  syncDirectory(path.dirname(location));
  removeTree(journal.discardDir);
  removeTree(journal.stagingDir);
}

function removeCreatedDirs(journal: InstallJournal): void {
  for (const dir of [...journal.createdDirs].reverse()) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // Not empty (something else was put there since) or already gone: leave it.
    }
  }
}

/**
 * A new transaction's journal: staging, backup and discard folders beside the install location (one file
 * system, so every move is a rename), and the missing parent folders the transaction will create.
 */
export function planJournal(input: {
  readonly transactionId: string;
  readonly startedAt: string;
  /** As this machine sees it. */
  readonly installLocation: string;
  readonly recordFile: string;
}): { journal: InstallJournal; missingDirs: string[] } {
  const location = input.installLocation;
  const parent = path.dirname(location);
  const missingDirs: string[] = [];
  for (let dir = parent; !fs.existsSync(dir); dir = path.dirname(dir)) missingDirs.unshift(dir);
  const tag = input.transactionId.slice(0, 8);
  const name = path.basename(location);
  const journal: InstallJournal = {
    schema: 1,
    transactionId: input.transactionId,
    startedAt: input.startedAt,
    pid: process.pid,
    installLocation: location,
    stagingDir: path.join(parent, `.${name}.ASRSetup-staging-${tag}`),
    backupDir: fs.existsSync(location) ? path.join(parent, `.${name}.ASRSetup-previous-${tag}`) : null,
    discardDir: path.join(parent, `.${name}.ASRSetup-discard-${tag}`),
    createdDirs: missingDirs,
    service: null,
    retiredService: null,
    recordFile: input.recordFile,
  };
  return { journal, missingDirs };
}
