import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import { setupError } from '../../shared/error-catalog';
import { checkInstallLocationText, locationRemedy } from '../../shared/install-location';
import type {
  ElevationMode,
  EventChannels,
  InstallOptions,
  LogName,
  PreflightSummary,
} from '../../shared/ipc-contract';
import { localeTagOrEnglish } from '../../shared/ipc-schemas';
import { SETUP_VERSION } from '../../shared/product';
import { runPreflight } from '../engine/install/preflight';
import { configuratorLogFile, installerLogFile, systemLayout, type SystemLayout } from '../engine/system/system-layout';
import type { SystemProbe } from '../engine/system/system-probe';
import { IpcError, type InvokeHandlers } from './ipc-dispatch';
import type { CliRuntime, Elevator } from './job-launcher';
import { JobSlot } from './job-slot';
import { liveProcessRunner, type ProcessRunner } from '../engine/system/process-runner';
import { readInstalledState, readInstalledStateWithService } from './installed-state';
import { preflightSummary } from './preflight-summary';
import { LogCatalog } from './log-reader/log-catalog';
import { createPushService, PUSH_LOG_FILE_NAME, pushLogFolder, type PushService } from './push-service';

// What the wizard can ask of the main process, with no Electron in it: main wires it to ipcMain, the e2e
// bridge to loopback HTTP. The renderer names things (an option, a log); the only path it hands over is
// the install location, which preflight validates exactly as the CLI does.

export interface AppPaths {
  readonly root: string | undefined;
  readonly repository: string;
  readonly logDir: string | undefined;
  /** The app user's SSH known hosts for pushes (default ~/.ssh/known_hosts). */
  readonly knownHosts?: string;
}

export interface SetupServiceDeps {
  readonly paths: AppPaths;
  readonly probe: SystemProbe;
  readonly runtime: CliRuntime;
  readonly scripts: { readonly unifiedAgent: string; readonly configurator: string; readonly pushInstall: string };
  readonly elevation: ElevationMode;
  /** pkexec and the installed root helper, when the app may ask for administrator rights. */
  readonly elevator: Elevator | undefined;
  /** Native folder picker (main) or a stand-in (bridge). */
  readonly browseFolder: (current: string) => Promise<string | null>;
  /** Native file picker for the push's SSH key file (main) or a stand-in (bridge). */
  readonly browseFile: (current: string) => Promise<string | null>;
  /** Native save dialog for the push results and the diagnostics bundle (main) or a stand-in (bridge). */
  readonly saveFile: (suggestedName: string) => Promise<string | null>;
  readonly openFolder: (folder: string) => Promise<void>;
  /** Puts text on the system clipboard (main: Electron's clipboard, as the page may not write it). */
  readonly writeClipboard: (text: string) => void;
  readonly closeApp: () => void;
  /** The language the wizard is to speak: --lang, else the system's (main: app.getLocale()); default English. */
  readonly locale?: string;
  /** Asks the service manager for the agent's service state (tests: a stand-in). */
  readonly runner?: ProcessRunner;
}

export type EventSender = <E extends keyof EventChannels>(channel: E, payload: EventChannels[E]) => void;

export interface SetupService {
  readonly handlers: InvokeHandlers;
  /** Subscribes to events for the renderer; returns the unsubscribe function. */
  subscribe(send: EventSender): () => void;
  dispose(): void;
}

/** The diagnostics bundle's suggested name, stamped with the time (UTC) it is collected. */
export function diagnosticsFileName(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replaceAll('-', '')
    .replaceAll(':', '')
    .replace('T', '-');
  return `asr-setup-diagnostics-${stamp}.tar.gz`;
}

function cliPathArgs(paths: AppPaths, withRepository: boolean): string[] {
  const args: string[] = withRepository ? ['--repository', paths.repository] : [];
  if (paths.root) args.push('--root', paths.root);
  if (paths.logDir) args.push('--log-dir', paths.logDir);
  return args;
}

export function createSetupService(deps: SetupServiceDeps): SetupService {
  const layout: SystemLayout = systemLayout(deps.probe.platform, deps.paths.root);
  const logFiles: Record<LogName, string> = {
    installer: installerLogFile(layout, deps.paths.logDir),
    configurator: configuratorLogFile(layout, deps.paths.logDir),
    // The push runs unprivileged (the CLI refuses a log folder that is not its user's).
    push: path.join(
      pushLogFolder(
        deps.paths.logDir && layout.hostPath(deps.paths.logDir),
        layout.defaultLogDir,
        process.getuid?.(),
        process.env,
      ),
      PUSH_LOG_FILE_NAME,
    ),
  };
  const logs = new LogCatalog(logFiles);
  const senders = new Set<EventSender>();
  const emit: EventSender = (channel, payload) => {
    for (const send of senders) send(channel, payload);
  };
  const jobs = new JobSlot({
    runtime: deps.runtime,
    elevation: deps.elevation,
    elevator: deps.elevator,
    onEvent: (payload) => emit('setup:job-event', payload),
  });
  const push = createPushService({
    runtime: deps.runtime,
    script: deps.scripts.pushInstall,
    repository: deps.paths.repository,
    logFile: logFiles.push,
    knownHosts: deps.paths.knownHosts ?? path.join(os.homedir(), '.ssh', 'known_hosts'),
    browseFile: deps.browseFile,
    saveFile: deps.saveFile,
    onEvent: (payload) => emit('push:event', payload),
  });
  let unwatchLogs: (() => void) | undefined;

  return {
    handlers: setupHandlers(deps, layout, jobs, logs, logFiles, push),
    subscribe(send) {
      senders.add(send);
      unwatchLogs ??= logs.watch((change) => emit('logs:changed', change));
      return () => {
        senders.delete(send);
        if (senders.size === 0 && unwatchLogs) {
          unwatchLogs();
          unwatchLogs = undefined;
        }
      };
    },
    dispose() {
      jobs.cancel();
      push.cancel();
      unwatchLogs?.();
      logs.dispose();
    },
  };
}

/** The invoke handlers: each validates what the renderer named before anything runs. */
function setupHandlers(
  deps: SetupServiceDeps,
  layout: SystemLayout,
  jobs: JobSlot,
  logs: LogCatalog,
  logFiles: Readonly<Record<LogName, string>>,
  push: PushService,
): InvokeHandlers {
  return {
    ...push.handlers,
    'app:get-state': async () => {
      const running = await jobs.settledAwaitingResult();
      return {
        version: SETUP_VERSION,
        hostPlatform: deps.probe.platform,
        defaultInstallLocation: layout.defaultInstallLocation,
        elevation: deps.elevation,
        ...(await readInstalledStateWithService(layout, deps.probe, deps.runner ?? liveProcessRunner)),
        installerLog: logFiles.installer,
        runningJob: running ? { jobId: running.jobId, kind: running.kind } : null,
        locale: localeTagOrEnglish(deps.locale),
      };
    },
    'app:close': async () => deps.closeApp(),
    'setup:preflight': async (options: InstallOptions): Promise<PreflightSummary> => {
      const report = await runPreflight({
        layout,
        probe: deps.probe,
        repository: deps.paths.repository,
        installLocation: options.installLocation,
        role: options.role,
        platform: options.platform,
      });
      return preflightSummary(report, deps.elevation);
    },
    'setup:browse-location': async ({ current }) => {
      const chosen = await deps.browseFolder(current);
      return chosen ? { path: chosen } : null;
    },
    'setup:start-install': async (options) => {
      // The renderer's one path: checked here as the CLI checks it, before any child is started (the
      // elevated child checks it again in its own preflight).
      const location = checkInstallLocationText(options.installLocation, deps.probe.platform);
      if (!location.ok)
        throw new IpcError(
          setupError('INSTALL_LOCATION_INVALID', location.reason, locationRemedy(deps.probe.platform)),
        );
      return jobs.start('install', deps.scripts.unifiedAgent, [
        '-r',
        options.role,
        '-v',
        options.platform,
        '-d',
        location.path,
        '--json',
        '--cancel-on-stdin-eof',
        ...cliPathArgs(deps.paths, true),
      ]);
    },
    'setup:register': async ({ endpoint, passphrase }) => {
      const parsed = parseCsEndpoint(endpoint);
      if (!parsed.ok) throw new IpcError(setupError('INVALID_ARGUMENT', parsed.reason));
      const args = [
        '-i',
        parsed.endpoint.display,
        '-P',
        '-',
        '--cancel-on-stdin-eof',
        '--json',
        ...cliPathArgs(deps.paths, false),
      ];
      const installed = readInstalledState(layout).installed;
      if (installed) args.push('-d', installed.installLocation);
      return jobs.start('register', deps.scripts.configurator, args, `${passphrase}\n`);
    },
    'setup:start-uninstall': async ({ passphrase }) => {
      // The CLI finds the agent from its install record; a passphrase also removes it from its CS, and goes
      // on the child's stdin only (-P -), never in argv.
      const args = ['--uninstall', '--json', ...(passphrase === null ? [] : ['-P', '-'])];
      return jobs.start(
        'uninstall',
        deps.scripts.unifiedAgent,
        [...args, ...cliPathArgs(deps.paths, false)],
        passphrase === null ? undefined : `${passphrase}\n`,
      );
    },
    'setup:cancel': async ({ jobId }) => jobs.cancel(jobId),
    'logs:info': async ({ log }) => logs.info(log),
    'logs:read': async ({ query, first, count }) => logs.read(query, first, count),
    'logs:copy': async ({ query, run }) => {
      const copied = logs.copy(query, run);
      if (!copied.ok && 'tooLarge' in copied) return { kind: 'too-large', ...copied.tooLarge };
      if (!copied.ok)
        throw new IpcError(
          setupError(
            'INVALID_ARGUMENT',
            copied.reason,
            'Choose a run or filter the lines to copy fewer, or use Open folder to open the log file itself.',
          ),
        );
      if (copied.lines > 0) deps.writeClipboard(copied.text);
      return { kind: 'copied', lines: copied.lines, bytes: Buffer.byteLength(copied.text) };
    },
    'logs:open-folder': async ({ log }) => deps.openFolder(path.dirname(logFiles[log])),
    'app:copy-text': async ({ text }) => deps.writeClipboard(text),
    'logs:save-diagnostics': async () => {
      const file = await deps.saveFile(diagnosticsFileName(deps.probe.now()));
      if (!file) return null;
      if (!path.isAbsolute(file) || file.includes('\0'))
        throw new IpcError(setupError('INVALID_ARGUMENT', `"${file}" is not an absolute path`, 'Choose another file.'));
      // The save dialog already asked before replacing a file; the CLI itself never writes over one.
      fs.rmSync(file, { force: true });
      const job = jobs.launch('diagnostics', deps.scripts.unifiedAgent, [
        '--collect-diagnostics',
        file,
        '--json',
        ...cliPathArgs(deps.paths, true),
      ]);
      const result = await job.done;
      if (result.status === 'Failed')
        throw new IpcError(result.error ?? setupError('INSTALL_FAILED', 'the diagnostics could not be collected'));
      return { path: result.summary?.file ?? file };
    },
  };
}
