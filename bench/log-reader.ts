import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogCatalog } from '../electron/service/log-reader/log-catalog';
import type { LogLevelFilter } from '../shared/ipc-contract';
import { median } from './bench-stats';

// bench/log-reader: the Logs view's reader on a generated setup log of 1,000,000 lines (~120 MB), beside
// `tail -n 100` of the same file in the same run (the baseline for "show me the end of the log").
// Not a test: it prints timings, ratios and RSS. The file is written just before, so both sides read from a
// warm page cache.
// Targets: first info() (building the index) well under 300 ms on 2 cores, a 100-line window in a few ms.
// Usage: npm run build && node dist/bench/log-reader.cjs [-- --lines 1000000 --work DIR]

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? (args[i + 1] as string) : fallback;
};
const lineTotal = Number(option('lines', '1000000'));
const workRoot = path.resolve(option('work', os.tmpdir()));

const TAGS = ['DEBUG', 'INFO ', 'INFO ', 'INFO ', 'WARN ', 'INFO ', 'INFO ', 'DEBUG', 'INFO ', 'ERROR'];
const RULE = '='.repeat(100);

function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

/** Writes a log like SetupLog's: a header per run, then timestamped lines; returns the error line count. */
function generate(file: string, lines: number): { errors: number; bytes: number } {
  const fd = fs.openSync(file, 'w');
  let errors = 0;
  let written = 0;
  const block: string[] = [];
  const base = Date.parse('2026-11-25T17:59:34.507Z');
  try {
    for (let i = 0; i < lines;) {
      // A new run every 100,000 lines, as after many installs and registrations.
      if (i % 100_000 === 0 && i + 5 <= lines) {
        const started = new Date(base + i).toISOString();
        block.push(
          RULE,
          `Mobility Service Setup 9.60.0.0: run started ${started}`,
          'Command line: install -r MS -v VmWare -q',
          `Process ${1000 + i} on linux x64, Node 20.19.0`,
          RULE,
        );
        i += 5;
        continue;
      }
      const tag = TAGS[i % TAGS.length] as string;
      if (tag === 'ERROR') errors++;
      const stamp = new Date(base + i).toISOString();
      block.push(
        `${stamp} ${tag} [extract] Verifying payload file ${i} of the package: sha256 ok, ${(i * 7919) % 100000} bytes`,
      );
      i++;
      if (block.length >= 50_000) {
        written += fs.writeSync(fd, Buffer.from(`${block.join('\n')}\n`));
        block.length = 0;
      }
    }
    if (block.length > 0) written += fs.writeSync(fd, Buffer.from(`${block.join('\n')}\n`));
  } finally {
    fs.closeSync(fd);
  }
  return { errors, bytes: written };
}

/** Generates in a child process, so the RSS printed at the end is the reader's and not the generator's. */
function generateApart(file: string, lines: number): Promise<{ errors: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [process.argv[1] as string, '--generate-into', file, '--lines', String(lines)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(output) as { errors: number; bytes: number })
        : reject(new Error(`generator exited with ${code}`)),
    );
  });
}

function tailOnce(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('tail', ['-n', '100', file], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - start) : reject(new Error(`tail exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(workRoot, 'asr-bench-log-reader-'));
  try {
    const file = path.join(work, 'ASRUnifiedAgentInstaller.log');
    const generatedAt = performance.now();
    const generated = { value: await generateApart(file, lineTotal), ms: 0 };
    generated.ms = performance.now() - generatedAt;
    console.log(
      `log: ${lineTotal.toLocaleString('en-US')} lines, ${(generated.value.bytes / 1e6).toFixed(1)} MB, ${generated.value.errors} errors (generated in ${generated.ms.toFixed(0)} ms)`,
    );
    const rssBefore = process.memoryUsage().rss;

    const catalog = new LogCatalog({ installer: file, configurator: path.join(work, 'missing.log') });
    const built = time(() => catalog.info('installer'));
    if (built.value.lineCount !== lineTotal)
      throw new Error(`indexed ${built.value.lineCount} lines, expected ${lineTotal}`);
    const all = { log: 'installer', level: 'all', text: '' } as const;
    const tail = time(() => catalog.read(all, lineTotal - 100, 100));
    if (tail.value.lines.length !== 100) throw new Error('short tail window');

    const jumps: number[] = [];
    for (let i = 0; i < 50; i++) {
      const first = Math.floor(Math.random() * (lineTotal - 100));
      jumps.push(time(() => catalog.read(all, first, 100)).ms);
    }

    const filter = (level: LogLevelFilter, text: string): { ms: number; total: number; again: number } => {
      const query = { log: 'installer', level, text } as const;
      const first = time(() => catalog.read(query, 0, 100));
      // The same query again, as the view does when scrolling: answered from the cached match list.
      const again = time(() => catalog.read(query, Math.floor(first.value.total / 2), 100));
      return { ms: first.ms, total: first.value.total, again: again.ms };
    };
    const errorFilter = filter('error', '');
    if (errorFilter.total !== generated.value.errors)
      throw new Error(`error filter found ${errorFilter.total}, expected ${generated.value.errors}`);
    const rareText = filter('all', 'FILE 987654 OF');
    const commonText = filter('all', 'SHA256 OK');
    const combined = filter('warn', 'file 12');

    // Growth while the view is open: one appended line, then the refresh and the cached filter catching up.
    fs.appendFileSync(file, `${new Date().toISOString()} ERROR appended after indexing\n`);
    const grown = time(() => catalog.read({ log: 'installer', level: 'warn', text: 'file 12' }, 0, 100));

    const rss = process.memoryUsage();
    const tails: number[] = [];
    for (let i = 0; i < 7; i++) tails.push(await tailOnce(file));
    const tailMs = median(tails);

    const row = (label: string, ms: number, extra = ''): void =>
      console.log(`${label.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms${extra}`);
    row('build index (first info())', built.ms, `  (${built.value.runs.length} runs)`);
    row('read last 100 lines', tail.ms);
    row('random 100-line window (median of 50)', median(jumps), `  (max ${Math.max(...jumps).toFixed(2)} ms)`);
    row(
      "'error' level filter (first query)",
      errorFilter.ms,
      `  (${errorFilter.total} lines; next window ${errorFilter.again.toFixed(2)} ms)`,
    );
    row(
      "text filter, rare ('FILE 987654 OF')",
      rareText.ms,
      `  (${rareText.total} lines; next window ${rareText.again.toFixed(2)} ms)`,
    );
    row(
      "text filter, every line ('SHA256 OK')",
      commonText.ms,
      `  (${commonText.total} lines; next window ${commonText.again.toFixed(2)} ms)`,
    );
    row(
      "'warn' + text ('file 12')",
      combined.ms,
      `  (${combined.total} lines; next window ${combined.again.toFixed(2)} ms)`,
    );
    row('append 1 line, refresh + extend cached filter', grown.ms);
    row('tail -n 100 (spawned, median of 7)', tailMs);
    console.log(`ratio (build index + read last 100) / tail -n 100: ${((built.ms + tail.ms) / tailMs).toFixed(2)}x`);
    console.log(`ratio read last 100 (index built) / tail -n 100:  ${(tail.ms / tailMs).toFixed(3)}x`);
    console.log(
      `RSS after: ${(rss.rss / 2 ** 20).toFixed(1)} MB, ${((rss.rss - rssBefore) / 2 ** 20).toFixed(1)} MB more than before indexing (heap used ${(rss.heapUsed / 2 ** 20).toFixed(1)} MB, array buffers ${(rss.arrayBuffers / 2 ** 20).toFixed(1)} MB)`,
    );
    catalog.dispose();
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const generateInto = option('generate-into', '');
if (generateInto) {
  process.stdout.write(JSON.stringify(generate(generateInto, lineTotal)));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
