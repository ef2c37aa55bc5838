import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod/mini';
import type { HostResult } from '../../../shared/push-events';

// --results FILE: the push's results as JSON, written again (atomically) each time a server finishes, so a run
// that is killed leaves what it had done; --resume FILE reads one back and pushes only to the servers that did
// not succeed there.

export interface ResultsFile {
  readonly type: 'push-results';
  readonly startedAt: string;
  /** True once the push ended; false in a file a killed run left. */
  readonly complete: boolean;
  readonly hosts: readonly HostResult[];
  /** The servers still running or waiting when the file was written. */
  readonly pending: readonly string[];
}

const resultsSchema = z.object({
  type: z.literal('push-results'),
  hosts: z.array(z.object({ host: z.string(), status: z.string() })),
});

/** Succeeded, Warning (installed, an optional part not) and Unchanged need nothing more. */
export function hostSucceeded(status: string): boolean {
  return status === 'Succeeded' || status === 'Warning' || status === 'Unchanged';
}

export class ResultsWriter {
  constructor(
    private readonly file: string,
    private readonly startedAt: string,
  ) {}

  write(hosts: readonly HostResult[], pending: readonly string[], complete: boolean): void {
    const body: ResultsFile = { type: 'push-results', startedAt: this.startedAt, complete, hosts, pending };
    const temp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.tmp`);
    const fd = fs.openSync(temp, 'w', 0o644);
    try {
      fs.writeSync(fd, `${JSON.stringify(body, null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.file);
  }
}

/** The servers a results file says succeeded; throws an Error naming the file and the problem. */
export function succeededIn(file: string): Set<string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--resume ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`--resume ${file} is not JSON: give the file a push wrote with --results`);
  }
  const results = resultsSchema.safeParse(parsed);
  if (!results.success) throw new Error(`--resume ${file} is not a push's results file (--results writes one)`);
  return new Set(results.data.hosts.filter((host) => hostSucceeded(host.status)).map((host) => host.host));
}
