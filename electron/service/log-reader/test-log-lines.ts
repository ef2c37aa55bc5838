import * as fs from 'node:fs';
import type { LogLine } from '../../../shared/ipc-contract';
import type { Scratch } from '../../engine/test-support/fixtures';

// Setup-log lines as SetupLog writes them, for the log reader's tests.

export const TS = '2026-11-25T17:59:34.507Z';
export const RULE = '='.repeat(100);
export const ALL = { level: 'all', text: '' } as const;

/** A line exactly as SetupLog.write formats it. */
export function entry(level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR', message: string): string {
  return `${TS} ${level.padEnd(5)} ${message}`;
}

export function header(title: string): string[] {
  return [
    RULE,
    `${title}: run started ${TS}`,
    'Command line: install -q',
    'Process 42 on linux x64, Node 20.0.0',
    RULE,
  ];
}

export function writeLog(scratch: Scratch, lines: readonly string[], trailingNewline = true): string {
  const file = scratch.path('log');
  fs.writeFileSync(file, lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : ''));
  return file;
}

export function texts(lines: readonly LogLine[]): string[] {
  return lines.map((line) => line.text);
}

export function numbered(count: number): string[] {
  return Array.from({ length: count }, (_, i) => entry('INFO', `line ${i}`));
}

export async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
