import * as fs from 'node:fs';
import * as path from 'node:path';
import { setupError, type SetupError } from '../../shared/error-catalog';
import type { PassphraseSource } from '../engine/registration/passphrase-source';
import { chooseOutputMode, ConsoleRenderer, emitResult } from './cli-output';
import { parseCommandLine, wantsJson, type OptionSpec, type ParsedOptions } from './command-line';
import type { CliEnvironment } from './cli-environment';

// What every command line of the installer and the configurator does first: parse the options (a bad one
// is INVALID_ARGUMENT, as a result line with --json), choose how to print, and read a -P option without
// ever showing a value that may be the passphrase itself.

export interface Subcommand {
  readonly options: ParsedOptions;
  readonly str: (key: string) => string | undefined;
  readonly renderer: ConsoleRenderer;
  /** Ends the run with a failure printed as the mode says; returns its exit code. */
  readonly fail: (error: SetupError) => number;
}

export function parseSubcommand(
  args: readonly string[],
  specs: readonly OptionSpec[],
  cli: CliEnvironment,
): { ok: true; command: Subcommand } | { ok: false; exitCode: number } {
  const parsed = parseCommandLine(args, specs);
  if (!parsed.ok) {
    const renderer = new ConsoleRenderer(wantsJson(args) ? 'json' : 'plain', cli.streams);
    return { ok: false, exitCode: emitResult(renderer, 'Failed', setupError('INVALID_ARGUMENT', parsed.message)) };
  }
  const options = parsed.options;
  const renderer = new ConsoleRenderer(
    chooseOutputMode(options.json === true, options.silent === true, cli.streams.stdout.isTTY === true),
    cli.streams,
  );
  return {
    ok: true,
    command: {
      options,
      str: (key) => (typeof options[key] === 'string' ? (options[key] as string) : undefined),
      renderer,
      fail: (error) => emitResult(renderer, 'Failed', error),
    },
  };
}

export async function readStdin(limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).subarray(0, limit);
}

/**
 * For --proceed-on-stdin: standard input's first line (the passphrase) as soon as it has come, and then
 * whether a later line says "proceed" (false when stdin ends without one). Stdin is let go once answered.
 */
export function readStdinThenProceed(limit: number): { first: Promise<Buffer>; proceed: Promise<boolean> } {
  const stdin = process.stdin;
  let buffered = Buffer.alloc(0);
  let first: ((line: Buffer) => void) | undefined;
  let proceed: ((go: boolean) => void) | undefined;
  const firstLine = new Promise<Buffer>((resolve) => (first = resolve));
  const go = new Promise<boolean>((resolve) => (proceed = resolve));
  const answer = (value: boolean): void => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.pause();
    first?.(buffered.subarray(0, limit));
    proceed?.(value);
  };
  const onData = (chunk: Buffer): void => {
    buffered = Buffer.concat([buffered, chunk]);
    if (first) {
      const newline = buffered.indexOf(10);
      if (newline < 0) {
        if (buffered.length > limit) answer(false);
        return;
      }
      first(buffered.subarray(0, newline));
      first = undefined;
      buffered = buffered.subarray(newline + 1);
    }
    const lines = buffered.toString('utf8').split('\n');
    if (lines.slice(0, -1).some((line) => line.trim() === 'proceed')) answer(true);
    else if (buffered.length > limit) answer(false);
  };
  const onEnd = (): void => answer(false);
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  return { first: firstLine, proceed: go };
}

/** Why a -P value is no readable file, or undefined when it is one. */
export function whyUnreadable(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 'does not exist';
  }
  if (!stat.isFile()) return 'is not a regular file';
  try {
    fs.accessSync(file, fs.constants.R_OK);
  } catch {
    return 'cannot be read by this user (permission denied)';
  }
  return undefined;
}

/**
 * The passphrase a -P option names: a file, or standard input for "-". A value that names no readable file
 * may be the passphrase itself, typed in by mistake: it is then shown nowhere (not in the error, the log's
 * command line or the console) and nothing is sent.
 */
export async function passphraseOption(
  file: string,
): Promise<{ ok: true; source: PassphraseSource } | { ok: false; error: SetupError }> {
  if (file === '-') return { ok: true, source: { stdin: await readStdin(4096) } };
  const unreadable = whyUnreadable(file);
  if (unreadable)
    return {
      ok: false,
      error: setupError(
        'PASSPHRASE_FILE_UNREADABLE',
        `the passphrase file given with -P (/PassphraseFilePath) ${unreadable}; its name is not shown, in case it is the passphrase itself`,
        'Give the path of a file that holds the passphrase (or - to read it from standard input), never the passphrase itself.',
      ),
    };
  return { ok: true, source: { file: path.resolve(file) } };
}
