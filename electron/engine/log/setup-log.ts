import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeControls } from '../../../shared/format';
import type { LogLevel } from '../../../shared/job-events';

// The setup logs admins read when something goes wrong (ASRUnifiedAgentInstaller.log,
// ASRUnifiedAgentConfigurator.log). Each run appends a header and timestamped lines. Every line passes
// through the redactor, so a secret handed to the log by mistake is still never written.

export const REDACTED = '[REDACTED]';

export class Redactor {
  private readonly secrets: string[] = [];

  add(secret: string): void {
    // Very short values would blank out ordinary words; the passphrase rules forbid them anyway.
    if (secret.length >= 4 && !this.secrets.includes(secret)) {
      this.secrets.push(secret);
      this.secrets.sort((a, b) => b.length - a.length);
    }
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    return result;
  }
}

export interface SetupLogHeader {
  readonly title: string;
  readonly version: string;
  readonly argv: readonly string[];
  readonly time: Date;
}

export class SetupLog {
  private fd: number | undefined;

  constructor(
    readonly file: string,
    private readonly redactor: Redactor,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Opens the log for appending; on failure the run continues without a file log (and says so). */
  open(header: SetupLogHeader): string | undefined {
    try {
      this.fd = openOwnLog(this.file);
    } catch (error) {
      return `cannot open the setup log ${this.file}: ${(error as Error).message}`;
    }
    const rule = '='.repeat(100);
    this.raw(
      [
        rule,
        `${header.title} ${header.version}: run started ${header.time.toISOString()}`,
        // Each argument is redacted before it is quoted: quoting escapes characters, and an escaped secret
        // would no longer match the redactor.
        `Command line: ${header.argv
          .map((raw) => this.redactor.redact(raw))
          .map((arg) => (/[\s"]/.test(arg) ? JSON.stringify(arg) : arg))
          .join(' ')}`,
        `Process ${process.pid} on ${process.platform} ${process.arch}, Node ${process.versions.node}`,
        rule,
      ].join('\n'),
    );
    return undefined;
  }

  write(level: LogLevel, message: string, time: Date = this.clock()): void {
    // Whatever a message carries, it cannot move a terminal's cursor or start a line of its own.
    const lines = escapeControls(message.replace(/\r\n/g, '\n'), { keepNewlines: true }).split('\n');
    const tag = level.toUpperCase().padEnd(5);
    this.raw(lines.map((line) => `${time.toISOString()} ${tag} ${line}`).join('\n'));
  }

  close(): void {
    if (this.fd === undefined) return;
    try {
      fs.fsyncSync(this.fd);
    } catch {
      // A log on a file system without fsync is still a log.
    }
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private raw(text: string): void {
    if (this.fd === undefined) return;
    try {
      fs.writeSync(this.fd, `${this.redactor.redact(text)}\n`);
    } catch {
      // A full disk must not turn a rollback into a crash; the events still reach the console.
    }
  }
}

class UnsafeLogError extends Error {}

/**
 * Opens a log for appending as root would safely: its folder must be a real folder of ours that nobody else
 * may write to, and the file is opened without following a link (a user's `--log-dir` holding
 * `ASRUnifiedAgentInstaller.log -> /root-only/file` must not make root append to that file) and must turn
 * out to be a regular file of ours.
 */
function openOwnLog(file: string): number {
  const folder = path.dirname(file);
  fs.mkdirSync(folder, { recursive: true, mode: 0o755 });
  const uid = process.geteuid?.();
  const dir = fs.lstatSync(folder);
  if (dir.isSymbolicLink() || !dir.isDirectory()) throw new UnsafeLogError(`${folder} is not a real folder`);
  if (uid !== undefined && dir.uid !== uid)
    throw new UnsafeLogError(`the log folder ${folder} is owned by uid ${dir.uid}, not by uid ${uid}`);
  if (uid !== undefined && (dir.mode & 0o022) !== 0 && (dir.mode & 0o1000) === 0)
    throw new UnsafeLogError(
      `the log folder ${folder} can be written by others (mode ${(dir.mode & 0o7777).toString(8)})`,
    );
  const flags = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NOFOLLOW ?? 0);
  const fd = fs.openSync(file, flags, 0o644);
  const stat = fs.fstatSync(fd);
  // One link only: a hard link planted in a shared folder could name a file of root's elsewhere.
  if (!stat.isFile() || stat.nlink !== 1 || (uid !== undefined && stat.uid !== uid)) {
    fs.closeSync(fd);
    throw new UnsafeLogError(`${file} is not a regular file of uid ${uid} with one link`);
  }
  return fd;
}
