import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { installCommandLines } from '../../shared/command-line-text';
import type { EventChannels, InstallOptions } from '../../shared/ipc-contract';
import type { JobEvent } from '../../shared/job-events';
import { readInstallRecord } from '../engine/install/install-record';
import { systemLayout } from '../engine/system/system-layout';
import { liveSystemProbe } from '../engine/system/system-probe';
import { agentPayload, makePackage, makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI, runCli } from '../engine/test-support/run-cli';
import { createSetupService, type SetupService } from './setup-service';

// "Show command line" must show a command that does what the wizard does. The text the dialog shows is
// split back into words (as sh would, and as Windows' CommandLineToArgvW would), the program is swapped for
// the built CLI with a scratch --root and the test repository, and the outcome is compared with the
// wizard's own install of the same options through the setup service.

const scratch = new Scratch();
const VERSION = '9.60.0.0';
let repository: string;
const services: SetupService[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CLI.unifiedAgent)) throw new Error(`${CLI.unifiedAgent} is missing: run "npm run build"`);
  repository = scratch.path('repo');
  await makePackage(scratch, repository, VERSION, agentPayload(VERSION));
});
afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});
afterAll(() => scratch.cleanup());

/** Splits a command line as a POSIX shell does for plain words, '…' and "…" quotes and backslash escapes. */
function splitPosix(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unterminated ' in ${text}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (char === '"') {
      inWord = true;
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && ['"', '\\', '$', '`'].includes(text[i + 1] ?? '')) i++;
        else if (['$', '`'].includes(text[i] as string)) throw new Error(`expansion in ${text}`);
        word += text[i];
      }
      if (i >= text.length) throw new Error(`unterminated " in ${text}`);
    } else if (char === '\\') {
      word += text[++i] ?? '';
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      if (/[$`*?[\]{}~;&|<>()!#]/.test(char)) throw new Error(`unquoted shell character ${char} in ${text}`);
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Splits a command line as CommandLineToArgvW does (2N backslashes + " -> N and a quote toggle, etc.). */
function splitWindows(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    if (char === '\\') {
      let n = 0;
      while (text[i] === '\\') {
        n++;
        i++;
      }
      if (text[i] === '"') {
        word += '\\'.repeat(Math.floor(n / 2));
        if (n % 2 === 1) word += '"';
        else quoted = !quoted;
      } else {
        word += '\\'.repeat(n);
        i--;
      }
      inWord = true;
    } else if (char === '"') {
      quoted = !quoted;
      inWord = true;
    } else if (/\s/.test(char) && !quoted) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function comparable(root: string): Record<string, unknown> {
  const record = readInstallRecord(systemLayout('linux', root).recordFile);
  if (!record) throw new Error(`nothing installed under ${root}`);
  const { transactionId: _t, installedAt: _i, ...rest } = record;
  return rest;
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.parentPath.includes('.asrsetup'))
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function wizardInstall(options: InstallOptions): Promise<string> {
  const root = makeRoot(scratch);
  const service = createSetupService({
    paths: { root, repository, logDir: undefined },
    probe: liveSystemProbe(),
    runtime: { command: process.execPath, env: {}, nodeOptions: [] },
    scripts: { unifiedAgent: CLI.unifiedAgent, configurator: CLI.configurator, pushInstall: CLI.pushInstall },
    elevation: 'elevated',
    elevator: undefined,
    browseFolder: async () => null,
    browseFile: async () => null,
    saveFile: async () => null,
    openFolder: async () => undefined,
    writeClipboard: () => undefined,
    closeApp: () => undefined,
  });
  services.push(service);
  const results: Extract<JobEvent, { type: 'result' }>[] = [];
  service.subscribe((channel, payload) => {
    if (channel !== 'setup:job-event') return;
    const { event } = payload as EventChannels['setup:job-event'];
    if (event.type === 'result') results.push(event);
  });
  await service.handlers['setup:start-install'](options);
  await vi.waitFor(() => expect(results).toHaveLength(1), { timeout: 60_000, interval: 50 });
  expect(results[0]).toMatchObject({ status: 'Succeeded', error: null });
  return root;
}

const CASES: readonly InstallOptions[] = [
  { role: 'MS', platform: 'VmWare', installLocation: '/usr/local/ASR' },
  { role: 'MT', platform: 'Azure', installLocation: '/opt/ASR agent\'s "dir" $HOME' },
];

describe.each(CASES)('Show command line for %j', (options) => {
  it('the Linux command, run through the real CLI, installs exactly what the wizard installs', async () => {
    const shown = installCommandLines(options).linux.text;
    const words = splitPosix(shown);
    expect(words.slice(0, 2)).toEqual(['sudo', './install']);
    const root = makeRoot(scratch);
    const run = await runCli(CLI.unifiedAgent, [
      ...words.slice(2),
      '--root',
      root,
      '--repository',
      repository,
      '--json',
    ]);
    expect(run.result, run.stderr).toMatchObject({ status: 'Succeeded', exitCode: 0 });
    const wizardRoot = await wizardInstall(options);
    expect(comparable(root)).toEqual(comparable(wizardRoot));
    expect(comparable(root)).toMatchObject({ role: options.role, platform: options.platform });
    expect(comparable(root).installLocation).toBe(options.installLocation);
    const location = (r: string): string => path.join(r, options.installLocation);
    expect(filesUnder(location(root))).toEqual(filesUnder(location(wizardRoot)));
    expect(filesUnder(location(root))).toContain('bin/svagentsd');
  });

  it('the Windows command, split as Windows splits it, gives the CLI the same options', async () => {
    const shown = installCommandLines(options).windows.text;
    const words = splitWindows(shown);
    expect(words[0]).toBe('UnifiedAgent.exe');
    // A Linux location never goes into the Windows command: it names Windows' own default there. This CLI runs
    // on Linux, so the location is put back for the run; every other word is the shown command's.
    expect(words[3]).toBe('/InstallLocation');
    expect(words[4]).toBe('C:\\Program Files (x86)\\Microsoft Azure Site Recovery');
    words[4] = options.installLocation;
    const root = makeRoot(scratch);
    const run = await runCli(CLI.unifiedAgent, [...words.slice(1), '/Root', root, '/Repository', repository, '/Json']);
    expect(run.result, run.stderr).toMatchObject({ status: 'Succeeded', exitCode: 0 });
    expect(comparable(root)).toMatchObject({
      role: options.role,
      platform: options.platform,
      installLocation: options.installLocation,
    });
  });
});

describe('the test splitters', () => {
  it('split as the shells do', () => {
    expect(splitPosix(`a 'b c' "d \\"e\\"" f\\ g`)).toEqual(['a', 'b c', 'd "e"', 'f g']);
    expect(() => splitPosix('a $HOME')).toThrow();
    expect(splitWindows('a "b c" "d \\"e\\"" C:\\x\\ "C:\\y z\\\\"')).toEqual([
      'a',
      'b c',
      'd "e"',
      'C:\\x\\',
      'C:\\y z\\',
    ]);
  });
});
