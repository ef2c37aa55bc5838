import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import tarStream from 'tar-stream';
import { escapeControls } from '../../../shared/format';
import { Redactor } from '../log/setup-log';
import { listPackages } from '../package/package-locate';
import { readRegistrationStatus } from '../registration/registration-store';
import { LINUX_RELEASE_FILES } from '../system/os-detect';
import type { ProcessRunner } from '../system/process-runner';
import { CONFIGURATOR_LOG_NAME, INSTALLER_LOG_NAME, type SystemLayout } from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import { readAgentStatus } from './agent-status';
import { readInstallRecord } from './install-record';
import { runPreflight } from './preflight';
import { uninstallJournalFile } from './uninstall-journal';
import { initScriptPath, runlevelLinks } from './sysv-init-script';
import { systemdUnitPath } from './systemd-unit';

// `UnifiedAgent --collect-diagnostics FILE`: what support asks for, in one gzip tar (mode 0600): the setup
// logs and their rotations, the install record and any journal, the public registration status, the OS
// release files, a fresh preflight, the service's definition and state and the repository's package list. Named files
// only, never whole folders, and every line through the log redactor and control-character escaping.

export interface DiagnosticsRequest {
  readonly file: string;
  readonly layout: SystemLayout;
  readonly logDir: string;
  readonly repository: string;
  readonly probe: SystemProbe;
  readonly runner: ProcessRunner;
  readonly secrets?: readonly string[];
}

function logFiles(logDir: string): string[] {
  const names = [INSTALLER_LOG_NAME, CONFIGURATOR_LOG_NAME, 'ASRPushInstall.log'];
  let present: string[] = [];
  try {
    present = fs.readdirSync(logDir);
  } catch {
    return [];
  }
  // The logs and their rotations (name.1, name.2.gz is not read: only text), nothing else in the folder.
  return present
    .filter((name) =>
      names.some((log) => name === log || (/^\.\d+$/.test(name.slice(log.length)) && name.startsWith(log))),
    )
    .map((name) => path.join(logDir, name));
}

function readText(file: string): string | undefined {
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile() || stat.size > 64 * 1024 * 1024) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** How the service is set up: its unit, or its init script, runlevel links and the daemon's own output (SysV). */
function serviceEntries(layout: SystemLayout, name: string): [string, string][] {
  const entries: [string, string][] = [];
  const add = (entry: string, file: string): void => {
    const text = readText(file);
    if (text !== undefined) entries.push([entry, text]);
  };
  add(`service/${name}.service`, systemdUnitPath(layout, { name }));
  add(`service/init.d/${name}`, initScriptPath(layout, name));
  const links = runlevelLinks(layout, name);
  if (links.length > 0)
    entries.push(['service/runlevel-links.txt', links.map((l) => `${l.path} -> ${l.target}\n`).join('')]);
  add(`service/${name}.log`, layout.hostPath(`/var/log/${name}.log`));
  return entries;
}

export async function collectDiagnostics(request: DiagnosticsRequest): Promise<string[]> {
  const { layout } = request;
  const redactor = new Redactor();
  for (const secret of request.secrets ?? []) redactor.add(secret);
  const clean = (text: string): string =>
    redactor.redact(escapeControls(text, { keepNewlines: true, maxLength: 20_000 }));
  const entries: [string, string][] = [];
  for (const file of logFiles(request.logDir)) {
    const text = readText(file);
    if (text !== undefined) entries.push([`logs/${path.basename(file)}`, text]);
  }
  for (const [name, file] of [
    ['state/install-record.json', layout.recordFile],
    ['state/install-journal.json', layout.journalFile],
    ['state/uninstall-journal.json', uninstallJournalFile(layout)],
  ] as const) {
    const text = readText(file);
    if (text !== undefined) entries.push([name, text]);
  }
  let record;
  try {
    record = readInstallRecord(layout.recordFile);
  } catch {
    record = undefined;
  }
  if (record?.serviceName) entries.push(...serviceEntries(layout, record.serviceName));
  const registration = record ? readRegistrationStatus(layout.hostPath(record.installLocation)) : undefined;
  entries.push(['state/registration-status.json', `${JSON.stringify(registration ?? null, null, 2)}\n`]);
  for (const file of LINUX_RELEASE_FILES) {
    const text = readText(layout.hostPath(file));
    if (text !== undefined) entries.push([`os${file}`, text]);
  }
  const preflight = await runPreflight({
    layout,
    probe: request.probe,
    repository: request.repository,
    installLocation: undefined,
  });
  entries.push([
    'preflight.json',
    `${JSON.stringify({ checks: preflight.checks, mode: preflight.mode, installLocation: preflight.installLocation }, null, 2)}\n`,
  ]);
  const status = await readAgentStatus(layout, request.probe, request.runner).catch((error: Error) => ({
    error: error.message,
  }));
  entries.push(['status.json', `${JSON.stringify(status, null, 2)}\n`]);
  let packages: string[] = [];
  try {
    packages = listPackages(request.repository).map((name) => name.fileName);
  } catch (error) {
    packages = [`cannot list ${request.repository}: ${(error as Error).message}`];
  }
  entries.push(['repository-packages.txt', `${packages.join('\n')}\n`]);

  const partial = `${request.file}.partial-${process.pid}`;
  const pack = tarStream.pack();
  const written = pipeline(pack, createGzip(), fs.createWriteStream(partial, { mode: 0o600, flags: 'wx' }));
  const mtime = request.probe.now();
  for (const [name, text] of entries) pack.entry({ name: `diagnostics/${name}`, mode: 0o600, mtime }, clean(text));
  pack.finalize();
  try {
    await written;
    fs.renameSync(partial, request.file);
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
  return entries.map(([name]) => name);
}
