import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../shared/job-events';
import {
  startReferenceConfigServer,
  type ReferenceConfigServer,
} from '../../e2e/config-server/reference-config-server';
import { WindowsMachine, windowsNode, wineUnavailable, type WindowsRun } from '../../e2e/wine/wine-machine';
import { buildStandInService, windowsPayload, type WindowsPayload } from '../../e2e/wine/windows-releases';
import { Scratch } from '../engine/test-support/fixtures';
import { CLI, startCli } from '../engine/test-support/run-cli';

// The seed's Windows commands, as written, on a Windows test machine: a Wine prefix set up as Windows Server
// 2016 (e2e/wine/). The release is the self-extracting .exe pack-agent makes; UnifiedAgent.exe installs from
// what it extracts, UnifiedAgentConfigurator.exe registers from the install location's agent folder, exit codes
// are read as Windows reports them (%ERRORLEVEL%). What Wine cannot show is said in a test's name where it
// matters: Wine has no ACLs (icacls is a dummy), grants every process administrator rights (net session always
// succeeds), has no sc config, and its service manager is not Windows' (timings, recovery actions).

const scratch = new Scratch();
const unavailable = wineUnavailable();
const DEFAULT_LOCATION = 'C:\\Program Files (x86)\\Microsoft Azure Site Recovery';
const PASSPHRASE = 'windows-canary-passphrase-3b1f';

let machine: WindowsMachine;
let cs: ReferenceConfigServer;
const releases = new Map<string, string>();

async function packWindowsRelease(
  version: string,
  variant: WindowsPayload,
  node: string,
  service: string,
): Promise<void> {
  const payload = windowsPayload(scratch.path(`payload-${variant}`), variant, service);
  const out = scratch.path(`release-${version}`);
  const run = await startCli(
    CLI.packAgent,
    [
      ...['--from', payload, '--os', 'Windows', '--agent-version', version, '--out', out],
      ...['--with-installer', '--node', node, '--level', '1', '--date', '2026-12-01'],
    ],
    { timeoutMs: 300_000 },
  ).done;
  expect(run.code, run.stderr + run.stdout).toBe(0);
  releases.set(version, run.stdout.trim());
}

/** Copies a release into the machine and extracts it the seed's way; returns the folder it went to. */
async function extracted(on: WindowsMachine, version: string): Promise<string> {
  const folder = `C:\\Temp\\Extracted-${version}`;
  if (fs.existsSync(on.hostPath(`${folder}\\UnifiedAgent.exe`))) return folder;
  fs.copyFileSync(releases.get(version) ?? '', on.hostPath(`C:\\asr-test\\MobilityServiceInstaller-${version}.exe`));
  const run = await on.run(`C:\\asr-test\\MobilityServiceInstaller-${version}.exe /q /x:${folder}`);
  expect(run.code, run.stderr).toBe(0);
  return folder;
}

async function unifiedAgent(version: string, args: string, env: Record<string, string> = {}): Promise<WindowsRun> {
  return machine.run(`"${await extracted(machine, version)}\\UnifiedAgent.exe" ${args}`, { env });
}

function result(run: WindowsRun): Extract<JobEvent, { type: 'result' }> | undefined {
  const line = run.stdout
    .trim()
    .split(/\r?\n/)
    .filter((l) => l.startsWith('{'))
    .pop();
  return line ? (JSON.parse(line) as Extract<JobEvent, { type: 'result' }>) : undefined;
}

async function serviceState(on: WindowsMachine = machine): Promise<string> {
  const query = await on.run('sc query asr-mobility');
  return /STATE\s*:\s*\d+\s+(\w+)/.exec(query.stdout)?.[1] ?? `absent (exit ${query.code})`;
}

async function installedVersion(): Promise<string | undefined> {
  const record = machine.hostPath('C:\\ProgramData\\ASRSetup\\install-record.json');
  return fs.existsSync(record)
    ? (JSON.parse(fs.readFileSync(record, 'utf8')) as { agentVersion: string }).agentVersion
    : undefined;
}

beforeAll(async () => {
  if (unavailable) return;
  const node = await windowsNode();
  const service = buildStandInService(scratch.path('stand-in'));
  await packWindowsRelease('9.61.0.0', 'sample', node, service);
  await packWindowsRelease('9.62.0.0', 'sample', node, service);
  await packWindowsRelease('9.63.0.0', 'failing-component', node, service);
  await packWindowsRelease('9.64.0.0', 'dies-at-start', node, service);
  machine = await WindowsMachine.start('server-2016');
  const passphraseFile = scratch.path('passphrase');
  fs.writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  fs.copyFileSync(passphraseFile, machine.hostPath('C:\\asr-test\\passphrase.txt'));
  cs = await startReferenceConfigServer({ port: 0, passphraseFile });
}, 600_000);

afterAll(async () => {
  await cs?.close();
  await machine?.stop();
  scratch.cleanup();
});

describe.skipIf(unavailable)('the Windows release on Windows Server 2016 (Wine)', () => {
  it("extracts with the seed's /q /x:, and refuses /q without /x: with 1639", async () => {
    const folder = await extracted(machine, '9.61.0.0');
    expect(fs.readdirSync(machine.hostPath(folder)).sort()).toEqual([
      'ASR-MANIFEST.json',
      'UnifiedAgent.exe',
      'payload',
      'runtime',
    ]);
    expect(fs.readdirSync(machine.hostPath(`${folder}\\runtime`)).sort()).toEqual(['asr-setup.cjs', 'node.exe']);
    const bare = await machine.run('C:\\asr-test\\MobilityServiceInstaller-9.61.0.0.exe /q');
    expect(bare.code).toBe(1639);
  }, 120_000);

  it('installs silently into the default location (spaces, Program Files (x86)): exit 0, the service running, the logs in %ProgramData%\\ASRSetupLogs', async () => {
    const run = await unifiedAgent(
      '9.61.0.0',
      `/Role "MS" /InstallLocation "${DEFAULT_LOCATION}" /Platform "VmWare" /Silent`,
    );
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^Succeeded: installLocation=C:\\Program Files \(x86\)\\Microsoft Azure Site Recovery agentVersion=9\.61\.0\.0/,
    );
    expect(await serviceState()).toBe('RUNNING');
    expect(fs.existsSync(machine.hostPath(`${DEFAULT_LOCATION}\\agent\\UnifiedAgentConfigurator.exe`))).toBe(true);
    const log = fs.readFileSync(
      machine.hostPath('C:\\ProgramData\\ASRSetupLogs\\ASRUnifiedAgentInstaller.log'),
      'utf8',
    );
    expect(log).toMatch(/payload flushed to disk file by file \(FlushFileBuffers on every file\)/);
    expect(log).toMatch(/asr-mobility stayed running for 1000 ms after the start/);
  }, 180_000);

  it('/Status /Json says what is installed, with the service active (from sc query)', async () => {
    const run = await unifiedAgent('9.61.0.0', '/Status /Json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      installed: true,
      agentVersion: '9.61.0.0',
      installLocation: DEFAULT_LOCATION,
      service: 'active',
    });
  }, 120_000);

  it('a location inside C:\\Windows is refused with 1639 and a Windows example in the remedy', async () => {
    const run = await unifiedAgent(
      '9.62.0.0',
      '/Role MS /InstallLocation C:\\Windows\\ASR /Platform VmWare /Silent /Json',
    );
    expect(run.code).toBe(1639);
    expect(result(run)?.error).toMatchObject({
      code: 'INSTALL_LOCATION_INVALID',
      remedy: expect.stringMatching(/for example C:\\Program Files/),
    });
  }, 120_000);

  it('the same version again repairs it, its service running again', async () => {
    const run = await unifiedAgent('9.61.0.0', '/Role MS /Platform VmWare /Silent /Json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result(run)?.summary?.mode).toBe('repair');
    expect(await serviceState()).toBe('RUNNING');
  }, 180_000);

  it('upgrades with the service running: stopped before the swap, started on the new files (Wine has no sc config: deleted and created again)', async () => {
    const run = await unifiedAgent('9.62.0.0', '/Role MS /Platform VmWare /Silent /Json');
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(result(run)?.summary).toMatchObject({ mode: 'upgrade', agentVersion: '9.62.0.0' });
    expect(await serviceState()).toBe('RUNNING');
    const log = fs.readFileSync(
      machine.hostPath('C:\\ProgramData\\ASRSetupLogs\\ASRUnifiedAgentInstaller.log'),
      'utf8',
    );
    expect(log).toMatch(/sc config did not run .*: deleting and creating the asr-mobility service again/);
    const key = await machine.run('reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\asr-mobility');
    expect(key.stdout).toMatch(/Description\s+REG_SZ\s+Azure Site Recovery Mobility service/);
    expect(key.stdout).toMatch(
      /ImagePath\s+REG_(EXPAND_)?SZ\s+"C:\\Program Files \(x86\)\\Microsoft Azure Site Recovery\\bin\\svagentsd\.exe"/,
    );
  }, 180_000);

  it('a required component that fails rolls the upgrade back: 1603, COMPONENT_FAILED, the previous version in place and running', async () => {
    const run = await unifiedAgent('9.63.0.0', '/Role MS /Platform VmWare /Silent /Json');
    expect(run.code).toBe(1603);
    expect(result(run)?.error?.code).toBe('COMPONENT_FAILED');
    expect(await installedVersion()).toBe('9.62.0.0');
    expect(await serviceState()).toBe('RUNNING');
  }, 180_000);

  it('a service that stops at once fails the upgrade (the settle window) and it is rolled back, the previous one running', async () => {
    const run = await unifiedAgent('9.64.0.0', '/Role MS /Platform VmWare /Silent /Json');
    expect(run.code).toBe(1603);
    expect(result(run)?.error).toMatchObject({
      code: 'INSTALL_FAILED',
      message: expect.stringMatching(/asr-mobility did not stay running \(STOPPED/),
    });
    expect(await installedVersion()).toBe('9.62.0.0');
    expect(await serviceState()).toBe('RUNNING');
  }, 180_000);

  it('a second install while one holds the lock is refused at once with 1618 (ANOTHER_INSTALL_RUNNING)', async () => {
    const failpoints = 'C:\\asr-test\\failpoints';
    fs.mkdirSync(machine.hostPath(failpoints), { recursive: true });
    const first = unifiedAgent('9.62.0.0', '/Role MS /Platform VmWare /Silent /Json', {
      ASRSETUP_TEST_FAILPOINT: 'after-extract',
      ASRSETUP_TEST_FAILPOINT_DIR: failpoints,
    });
    const reached = machine.hostPath(`${failpoints}\\after-extract.reached`);
    for (let i = 0; i < 1200 && !fs.existsSync(reached); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.existsSync(reached)).toBe(true);
    const second = await unifiedAgent('9.62.0.0', '/Role MS /Platform VmWare /Silent /Json');
    fs.writeFileSync(machine.hostPath(`${failpoints}\\after-extract.continue`), '');
    expect(second.code).toBe(1618);
    expect(result(second)?.error?.code).toBe('ANOTHER_INSTALL_RUNNING');
    expect((await first).code).toBe(0);
  }, 240_000);

  it('registers with UnifiedAgentConfigurator.exe from the agent folder, against the reference CS on Linux (Wine shares loopback), and unregisters', async () => {
    const configurator = `"${DEFAULT_LOCATION}\\agent\\UnifiedAgentConfigurator.exe"`;
    const register = await machine.run(
      `${configurator} /CSEndPoint 127.0.0.1:${cs.port} /PassphraseFilePath C:\\asr-test\\passphrase.txt /Json`,
    );
    expect(register.code, register.stdout + register.stderr).toBe(0);
    expect(cs.registeredHosts()).toHaveLength(1);
    const log = fs.readFileSync(
      machine.hostPath('C:\\ProgramData\\ASRSetupLogs\\ASRUnifiedAgentConfigurator.log'),
      'utf8',
    );
    expect(log).not.toContain(PASSPHRASE);
    const unregister = await machine.run(
      `${configurator} /Unregister /PassphraseFilePath C:\\asr-test\\passphrase.txt /Json`,
    );
    expect(unregister.code, unregister.stdout + unregister.stderr).toBe(0);
    expect(cs.registeredHosts()).toEqual([]);
  }, 180_000);

  it('/Uninstall removes the agent and its service; then installs into C:\\ASR as well', async () => {
    const uninstall = await unifiedAgent('9.62.0.0', '/Uninstall /Silent /Json');
    expect(uninstall.code, uninstall.stdout + uninstall.stderr).toBe(0);
    expect(await serviceState()).toMatch(/^absent/);
    expect(fs.existsSync(machine.hostPath(DEFAULT_LOCATION))).toBe(false);
    const elsewhere = await unifiedAgent('9.62.0.0', '/Role MT /InstallLocation C:\\ASR /Platform Azure /Silent');
    expect(elsewhere.code, elsewhere.stdout + elsewhere.stderr).toBe(0);
    expect(fs.existsSync(machine.hostPath('C:\\ASR\\agent\\UnifiedAgentConfigurator.exe'))).toBe(true);
    expect(await serviceState()).toBe('RUNNING');
  }, 240_000);
});

describe.skipIf(unavailable)('the launcher on other Windows versions (Wine)', () => {
  it('on Windows Server 2012 refuses at once: UNSUPPORTED_OS, exit 1603 and a log line, nothing installed', async () => {
    const old = await WindowsMachine.start('server-2012');
    try {
      const folder = await extracted(old, '9.61.0.0');
      const run = await old.run(`"${folder}\\UnifiedAgent.exe" /Role MS /Platform VmWare /Silent`);
      expect(run.code).toBe(1603);
      expect(run.stderr).toMatch(
        /^Error UNSUPPORTED_OS: Windows 6\.2\.9200 \(Server 2012, 2008 R2 or older\) cannot run this release's Node runtime/,
      );
      const log = fs.readFileSync(old.hostPath('C:\\ProgramData\\ASRSetupLogs\\ASRUnifiedAgentInstaller.log'), 'utf8');
      expect(log).toMatch(/ERROR UNSUPPORTED_OS: Windows 6\.2\.9200/);
      expect(fs.existsSync(old.hostPath(DEFAULT_LOCATION))).toBe(false);
    } finally {
      await old.stop();
    }
  }, 240_000);

  it('on Windows Server 2012 R2 installs and runs the agent', async () => {
    const r2 = await WindowsMachine.start('server-2012r2');
    try {
      const folder = await extracted(r2, '9.61.0.0');
      const run = await r2.run(`"${folder}\\UnifiedAgent.exe" /Role MS /Platform VmWare /Silent /Json`);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(await serviceState(r2)).toBe('RUNNING');
    } finally {
      await r2.stop();
    }
  }, 240_000);

  it('refuses a node.exe that is not the one the release was built with, before running it', async () => {
    const folder = await extracted(machine, '9.61.0.0');
    const node = machine.hostPath(`${folder}\\runtime\\node.exe`);
    const saved = path.join(scratch.path('saved'), 'node.exe');
    fs.mkdirSync(path.dirname(saved));
    fs.copyFileSync(node, saved);
    fs.appendFileSync(node, 'x');
    try {
      const run = await machine.run(`"${folder}\\UnifiedAgent.exe" /Status`);
      expect(run.code).toBe(1603);
      expect(run.stderr).toMatch(
        /^Error INSTALL_FAILED: runtime\\node\.exe in .* is missing or is not the file this release was built with/,
      );
    } finally {
      fs.copyFileSync(saved, node);
    }
  }, 120_000);
});
