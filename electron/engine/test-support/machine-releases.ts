import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import type { JobEvent } from '../../../shared/job-events';
import type { Scratch } from './fixtures';
import { CLI, startCli, TOP } from './run-cli';

// Self-contained releases on a test machine, as an admin uses them there: packed here, unpacked on the machine,
// installed with their own ./install (the machine has no Node), the events read back.

/** What this needs of a test machine (e2e/test-machines' TestMachine): running a command inside it. */
export interface MachineShell {
  exec(
    argv: readonly string[],
    options?: { input?: string | Buffer; timeoutMs?: number },
  ): Promise<{ code: number | null; stderr: string }>;
}

export interface PackedRelease {
  readonly file: string;
  /** The release's top folder, named after the file. */
  readonly top: string;
}

export async function packRelease(
  scratch: Scratch,
  label: string,
  version: string,
  from: string,
): Promise<PackedRelease> {
  const out = scratch.path(`release-${version}`);
  fs.mkdirSync(out);
  const run = await startCli(CLI.packAgent, [
    ...['--from', from, '--os', label, '--agent-version', version],
    ...['--out', out, '--with-installer', '--level', '1'],
  ]).done;
  expect(run.code, run.stderr).toBe(0);
  const file = fs.readdirSync(out).find((name) => name.endsWith('.tar.gz'));
  if (!file) throw new Error(`pack-agent wrote no release for ${version}`);
  return { file: path.join(out, file), top: file.replace(/\.tar\.gz$/, '') };
}

/** A copy of the sample agent whose daemon exits at once, as one missing a library would. */
export function brokenAgent(scratch: Scratch): string {
  const dir = scratch.path('broken-agent');
  fs.cpSync(path.join(TOP, 'assets', 'sample-agent'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin', 'svagentsd'), '#!/bin/sh\necho "cannot load libagent.so" >&2\nexit 1\n', {
    mode: 0o755,
  });
  return dir;
}

/** Unpacks a release on the machine (once, into /root/releases/<version>) and returns the path of its ./install. */
export async function unpackOn(machine: MachineShell, version: string, release: PackedRelease): Promise<string> {
  const dir = `/root/releases/${version}`;
  if ((await machine.exec(['test', '-d', dir])).code !== 0) {
    const unpack = await machine.exec(['sh', '-c', `mkdir -p ${dir} && tar -xzf - -C ${dir}`], {
      input: fs.readFileSync(release.file),
      timeoutMs: 120_000,
    });
    expect(unpack.code, unpack.stderr).toBe(0);
  }
  return `${dir}/${release.top}/install`;
}

export function parseJobEvents(stdout: string): JobEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as JobEvent);
}

export function resultOf(events: readonly JobEvent[]): Extract<JobEvent, { type: 'result' }> | undefined {
  return events.find((event): event is Extract<JobEvent, { type: 'result' }> => event.type === 'result');
}
