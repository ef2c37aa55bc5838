import * as path from 'node:path';
import { parseCsEndpoint } from '../../shared/cs-endpoint';
import { setupError } from '../../shared/error-catalog';
import { checkInstallLocationText } from '../../shared/install-location';
import type {
  AppState,
  ElevationMode,
  EventChannels,
  InstallOptions,
  JobKind,
  LogName,
  PreflightItem,
  PreflightSummary,
} from '../../shared/ipc-contract';
import { SETUP_VERSION } from '../../shared/product';
import { readRegistrationStatus } from '../engine/registration/registration-store';
import { readInstallRecord } from '../engine/install/install-record';
import { runPreflight } from '../engine/install/preflight';
import { configuratorLogFile, installerLogFile, systemLayout, type SystemLayout } from '../engine/system/system-layout';
import type { SystemProbe } from '../engine/system/system-probe';
import { IpcError, type InvokeHandlers } from './ipc-dispatch';
import { launchJob, spawnPlan, type CliRuntime, type RunningJob } from './job-launcher';
import { LogCatalog } from './log-reader/log-catalog';

// What the wizard can ask of the main process, with no Electron in it: main wires it to ipcMain, the e2e
// bridge to loopback HTTP. The renderer names things (an option, a log); the only path it hands over is
// the install location, which preflight validates exactly as the CLI does.

export interface AppPaths {
  readonly root: string | undefined;
  readonly repository: string;
  readonly logDir: string | undefined;
}

export interface SetupServiceDeps {
  readonly paths: AppPaths;
  readonly probe: SystemProbe;
  readonly runtime: CliRuntime;
  readonly scripts: { readonly unifiedAgent: string; readonly configurator: string };
  readonly elevation: ElevationMode;
  readonly pkexecPath: string | undefined;
  /** Native folder picker (main) or a stand-in (bridge). */
  readonly browseFolder: (current: string) => Promise<string | null>;
  readonly openFolder: (folder: string) => Promise<void>;
  readonly closeApp: () => void;
}

export type EventSender = <E extends keyof EventChannels>(channel: E, payload: EventChannels[E]) => void;

export interface SetupService {
  readonly handlers: InvokeHandlers;
  /** Subscribes to events for the renderer; returns the unsubscribe function. */
  subscribe(send: EventSender): () => void;
  dispose(): void;
}

function cliPathArgs(paths: AppPaths, withRepository: boolean): string[] {
  const args: string[] = withRepository ? ['--repository', paths.repository] : [];
  if (paths.root) args.push('--root', paths.root);
  if (paths.logDir) args.push('--log-dir', paths.logDir);
  return args;
}

function preflightItems(items: readonly PreflightItem[], elevation: ElevationMode): PreflightItem[] {
  // The wizard itself never runs as root; what matters is whether it can get administrator rights.
  return items.map((item) => {
    if (item.id !== 'elevation' || item.ok !== false) return item;
    if (elevation === 'will-prompt')
      return {
        id: item.id,
        title: item.title,
        ok: true,
        message: 'administrator rights will be requested (pkexec) when you select Install',
      };
    return {
      ...item,
      message: `${item.message}; this app cannot ask for them here`,
      remedy: 'Install policykit-1 (pkexec), or run the installer from a root shell: sudo ./install -r MS -v VmWare -q',
    };
  });
}

export function createSetupService(deps: SetupServiceDeps): SetupService {
  const layout: SystemLayout = systemLayout(deps.probe.platform, deps.paths.root);
  const logFiles: Record<LogName, string> = {
    installer: installerLogFile(layout, deps.paths.logDir),
    configurator: configuratorLogFile(layout, deps.paths.logDir),
  };
  const logs = new LogCatalog(logFiles);
  const senders = new Set<EventSender>();
  const emit: EventSender = (channel, payload) => {
    for (const send of senders) send(channel, payload);
  };
  let running: RunningJob | undefined;
  let unwatchLogs: (() => void) | undefined;

  const installedState = (): Pick<AppState, 'installed' | 'registration'> => {
    let record;
    try {
      record = readInstallRecord(layout.recordFile);
    } catch {
      record = undefined;
    }
    if (!record) return { installed: null, registration: null };
    const registration = readRegistrationStatus(layout.hostPath(record.installLocation));
    return {
      installed: {
        agentVersion: record.agentVersion,
        installLocation: record.installLocation,
        role: record.role,
        platform: record.platform,
        status: record.status,
      },
      registration: registration
        ? {
            csEndpoint: registration.csEndpoint,
            hostId: registration.hostId,
            registeredAt: registration.registeredAt,
            fingerprint: registration.fingerprint,
          }
        : null,
    };
  };

  const start = (kind: JobKind, script: string, cliArgs: string[], stdin?: string): { jobId: string } => {
    if (running)
      throw new IpcError(
        setupError(
          'ANOTHER_INSTALL_RUNNING',
          `a ${running.kind} job is already running in this window`,
          'Wait for it to finish, or cancel it.',
        ),
      );
    const plan = spawnPlan(deps.runtime, script, cliArgs, deps.elevation, deps.pkexecPath);
    const job = launchJob({
      kind,
      plan,
      stdin,
      cancelByClosingStdin: kind === 'install',
      elevated: deps.elevation === 'will-prompt',
      onEvent: (event) => emit('setup:job-event', { jobId: job.jobId, kind, event }),
    });
    running = job;
    void job.done.then(() => {
      if (running === job) running = undefined;
    });
    return { jobId: job.jobId };
  };

  const handlers: InvokeHandlers = {
    'app:get-state': async () => ({
      version: SETUP_VERSION,
      hostPlatform: deps.probe.platform,
      defaultInstallLocation: layout.defaultInstallLocation,
      elevation: deps.elevation,
      ...installedState(),
      runningJob: running ? { jobId: running.jobId, kind: running.kind } : null,
    }),
    'app:close': async () => deps.closeApp(),
    'setup:preflight': async (options: InstallOptions): Promise<PreflightSummary> => {
      const report = await runPreflight({
        layout,
        probe: deps.probe,
        repository: deps.paths.repository,
        installLocation: options.installLocation,
      });
      const items = preflightItems(
        report.checks.map((check) => ({
          id: check.id,
          title: check.title,
          ok: check.ok,
          message: check.message,
          ...(check.error ? { code: check.error.code, remedy: check.error.remedy } : {}),
        })),
        deps.elevation,
      );
      return {
        installLocation: report.installLocation,
        mode: report.mode,
        items,
        canInstall: items.every((item) => item.ok === true),
      };
    },
    'setup:browse-location': async ({ current }) => {
      const chosen = await deps.browseFolder(current);
      return chosen ? { path: chosen } : null;
    },
    'setup:start-install': async (options) => {
      // The renderer's one path: checked here as the CLI checks it, before any child is started (the
      // elevated child checks it again in its own preflight).
      const location = checkInstallLocationText(options.installLocation, deps.probe.platform);
      if (!location.ok) throw new IpcError(setupError('INSTALL_LOCATION_INVALID', location.reason));
      return start('install', deps.scripts.unifiedAgent, [
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
      const args = ['-i', parsed.endpoint.display, '-P', '-', '--json', ...cliPathArgs(deps.paths, false)];
      const installed = installedState().installed;
      if (installed) args.push('-d', installed.installLocation);
      return start('register', deps.scripts.configurator, args, `${passphrase}\n`);
    },
    'setup:cancel': async ({ jobId }) => {
      if (running?.jobId === jobId) running.cancel();
    },
    'logs:info': async ({ log }) => logs.info(log),
    'logs:read': async ({ query, first, count }) => logs.read(query, first, count),
    'logs:open-folder': async () => deps.openFolder(path.dirname(logFiles.installer)),
  };

  return {
    handlers,
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
      running?.cancel();
      unwatchLogs?.();
      logs.dispose();
    },
  };
}
