import * as fs from 'node:fs';
import * as path from 'node:path';
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
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o755 });
      this.fd = fs.openSync(this.file, 'a', 0o644);
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
    const lines = message.split(/\r?\n/);
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
