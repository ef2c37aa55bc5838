import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import type { HostResult, PushEvent, PushStep } from '../../../shared/push-events';
import { shellQuote } from '../install/configurator-launcher';
import { RECEIVE_FRAMED, type StreamedRelease } from './release-catalog';
import { parseJobEventLine, register, startConfigurator, type Configurator } from './remote-configurator';
import { pendingWork, readRemoteSystem } from './remote-state';
import { PushFailure, SshConnection } from './ssh-connection';
import type { PushTarget } from './push-targets';
import type { PushSettings } from './push-settings';

export type { PushSettings } from './push-settings';

// One server's push, on its own connection: connect (host key first), act as root (directly or through
// `sudo -n`), detect the OS by the engine's rules, read what is installed, and then only what is left:
// copy the release into a fresh private folder and run its ./install in one remote shell whose exit trap
// removes the folder whatever happens (a cut connection included), then register with the passphrase on
// standard input.

/** The abort reason of a server's own time limit (any other abort is a cancel). */
export const HOST_TIMEOUT = 'host-timeout';

/** How long an install told to stop (its stdin closed) may take to roll back before its connection is cut, at most. */
const INSTALL_GRACE_MS = 60_000;

/** The setup log a failed server's tail is fetched from (as the CS keeps push logs). */
export const REMOTE_INSTALLER_LOG = '/var/log/ASRSetupLogs/ASRUnifiedAgentInstaller.log';

interface Progress {
  osLabel: string | null;
  agentVersion: string | null;
  hostId: string | null;
  step: PushStep;
}

export async function pushHost(
  target: PushTarget,
  settings: PushSettings,
  emit: (event: PushEvent) => void,
  signal: AbortSignal,
  onLogTail: (lines: string) => void,
): Promise<HostResult> {
  const host = target.spec;
  const state: Progress = { osLabel: null, agentVersion: null, hostId: null, step: 'connect' };
  const step = (
    name: PushStep,
    status: 'started' | 'Succeeded' | 'Failed' | 'Skipped' | 'Warning',
    message: string,
  ) => {
    state.step = name;
    emit({ type: 'host-step', host, step: name, status, message, time: new Date().toISOString() });
  };
  const result = (status: HostResult['status'], error: SetupError | null): HostResult => ({
    host,
    status,
    osLabel: state.osLabel,
    agentVersion: state.agentVersion,
    hostId: state.hostId,
    stoppedAt: error ? state.step : null,
    error,
  });
  let ssh: SshConnection | undefined;
  let early: Configurator | undefined;
  try {
    const through = target.jumps.length > 0 ? ` through ${target.jumps.map((jump) => jump.spec).join(', ')}` : '';
    step('connect', 'started', `${target.user}@${target.host}:${target.port}${through}`);
    ssh = await SshConnection.connect(target, settings.routes, signal);
    // The host timeout or a cancel: before the install, the connection ends at once (nothing to roll back, and a
    // hostile server must not hold the push); during it, the install is told (its stdin closes) and given a
    // grace period to roll back before the connection is cut.
    const connection = ssh;
    const cut = (): void => {
      if (state.step !== 'install') connection.destroy();
      else setTimeout(() => connection.destroy(), Math.min(INSTALL_GRACE_MS, settings.hostTimeoutMs)).unref();
    };
    if (signal.aborted) cut();
    else signal.addEventListener('abort', cut, { once: true });
    const sudo = await rootPrefix(ssh, target);
    step('connect', 'Succeeded', sudo ? `as ${target.user}, through sudo` : `as ${target.user}`);
    if (signal.aborted) throw new PushFailure(cancelled('before anything changed'));

    step('detect', 'started', 'operating system and installed agent');
    const system = await readRemoteSystem(ssh, sudo, host);
    const os = system.os;
    if (!os.ok) throw new PushFailure(setupError('UNSUPPORTED_OS', `${host}: ${os.reason}`));
    state.osLabel = os.row.label;
    const release = await settings.releases.forLabel(os.row.label, os.os.description);
    const agent = system.agent;
    const work = pendingWork(agent, {
      agentVersion: release.agentVersion,
      role: settings.role,
      platform: settings.platform,
      installLocation: settings.installLocation,
      csEndpoint: settings.cs?.endpoint,
    });
    state.agentVersion = agent.record?.agentVersion ?? null;
    state.hostId = agent.registration?.hostId ?? null;
    step(
      'detect',
      'Succeeded',
      `${os.os.description} (${os.row.label}); ${describeAgent(agent.record?.agentVersion, agent.registration?.csEndpoint)}`,
    );
    if (!work.install && !work.register) return result('Unchanged', null);

    let warning = false;
    if (work.install) {
      // A registration still to come starts with the install's service step: its login (the key stretching,
      // most of its CPU) overlaps the service's settle window, and it registers only once told to proceed.
      const startEarly =
        settings.cs && work.register
          ? () => (early ??= startConfigurator(ssh as SshConnection, sudo, settings, host, emit, true))
          : undefined;
      const zstd = system.zstd ? await settings.releases.zstdOf(release) : undefined;
      const outcome = await copyAndInstall(
        ssh,
        sudo,
        releaseUpload(release.file, zstd),
        release.topFolder,
        settings,
        host,
        emit,
        step,
        signal,
        startEarly,
      );
      if (outcome.error) {
        early?.cancel();
        onLogTail(await logTail(ssh, sudo));
        throw new PushFailure(outcome.error);
      }
      warning = outcome.status === 'Warning';
      state.agentVersion = release.agentVersion;
    } else {
      step('copy', 'Skipped', `agent ${release.agentVersion} is already installed`);
      step('install', 'Skipped', `agent ${release.agentVersion} is already installed`);
    }
    if (signal.aborted) throw new PushFailure(cancelled('after the install'));
    if (settings.cs && work.register) {
      const registered = await register(
        early ?? startConfigurator(ssh, sudo, settings, host, emit, false),
        settings,
        host,
        step,
      );
      if (registered.error) throw new PushFailure(registered.error);
      state.hostId = registered.hostId;
    } else if (settings.cs) step('register', 'Skipped', `already registered with ${settings.cs.endpoint}`);
    return result(warning ? 'Warning' : 'Succeeded', null);
  } catch (error) {
    // Stopped from outside before the install (whose own result says how it ended): say so, not what the cut
    // connection made of the step that was running.
    const stopped =
      signal.aborted && state.step !== 'install'
        ? signal.reason === HOST_TIMEOUT
          ? setupError('PUSH_TIMEOUT', `${host}: stopped at the ${state.step} step, when --host-timeout ran out`)
          : cancelled(`at the ${state.step} step`)
        : undefined;
    const failure =
      stopped ??
      (error instanceof PushFailure
        ? error.error
        : setupError('PUSH_COPY_FAILED', `${host}: ${(error as Error).message}`));
    step(state.step, 'Failed', failure.message);
    return result('Failed', failure);
  } finally {
    // Whatever ended the push here, a configurator still waiting is told no, and given a moment to end its
    // run (Cancelled, nothing registered) rather than being cut off with the connection.
    if (early) {
      early.cancel();
      await Promise.race([early.finished, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
    }
    ssh?.close();
  }
}

function cancelled(where: string): SetupError {
  return setupError('CANCELLED', `the push was cancelled ${where}; the server was left as it was`);
}

function describeAgent(version: string | undefined, csEndpoint: string | undefined): string {
  if (!version) return 'no agent installed';
  return `agent ${version} installed${csEndpoint ? `, registered with ${csEndpoint}` : ', not registered'}`;
}

/** '' as root, 'sudo -n -- ' for a user sudo lets in without a password; otherwise PUSH_NOT_ROOT. */
export async function rootPrefix(ssh: SshConnection, target: PushTarget): Promise<string> {
  const id = await ssh.exec('id -u');
  if (id.stdout.trim() === '0') return '';
  if (!target.become)
    throw new PushFailure(
      setupError(
        'PUSH_NOT_ROOT',
        `${target.spec}: user ${target.user} is not root, and the inventory says ansible_become=false`,
      ),
    );
  const sudo = await ssh.exec('sudo -n true');
  if (sudo.code === 0) return 'sudo -n -- ';
  throw new PushFailure(
    setupError(
      'PUSH_NOT_ROOT',
      `${target.spec}: user ${target.user} is not root, and sudo ${/password/i.test(sudo.stderr) ? 'wants a password' : 'refuses it'} (${sudo.stderr.trim().split('\n')[0] || `exit ${sudo.code}`})`,
    ),
  );
}

/** The bytes sent and the server-side command that unpacks them from its standard input. */
interface ReleaseUpload {
  readonly file: string;
  /** The release file's own (gzip) size. */
  readonly size: number;
  readonly codec: 'gzip' | 'zstd';
  readonly open: () => Readable;
  /** The bytes to send: exact once known, until then an estimate (the gzip file's size). */
  readonly total: () => number;
  /** Reads exactly the release from stdin and writes the tar to stdout, leaving the rest of stdin alone. */
  readonly receive: string;
}

/** Reads exactly `size` bytes of gzip from stdin (coreutils' head -c reads no more) and inflates them. */
export const gzipReceive = (size: number): string => `head -c ${size} | gzip -dc`;

/** The zstd copy where there is one, otherwise the gzip release as it is. */
function releaseUpload(file: string, zstd: StreamedRelease | undefined): ReleaseUpload {
  const size = fs.statSync(file).size;
  return zstd
    ? {
        file,
        size,
        codec: 'zstd',
        open: () => zstd.open(),
        total: () => zstd.size() ?? size,
        receive: `${RECEIVE_FRAMED} | zstd -dcq`,
      }
    : {
        file,
        size,
        codec: 'gzip',
        open: () => fs.createReadStream(file, { highWaterMark: 256 * 1024 }),
        total: () => size,
        receive: gzipReceive(size),
      };
}

/**
 * The server's side of copy and install, one POSIX sh script for the oldest systems' tools (dash, bash 3.2,
 * coreutils 8.4's mktemp and head, tar 1.23, which knows no zstd: zstd, where used, is a pipe of its own).
 */
export function remoteInstallScript(receive: string, topFolder: string, args: readonly string[]): string {
  return [
    'umask 077',
    'd=$(mktemp -d /tmp/asr-push.XXXXXXXX) || exit 96',
    'trap \'rm -rf "$d"\' EXIT HUP INT TERM PIPE',
    `${receive} | tar -xf - -C "$d" || { echo "ASR-PUSH-COPY-FAILED" >&2; exit 97; }`,
    `echo ASR-PUSH-COPIED`,
    `"$d"/${shellQuote(topFolder)}/install ${args.map(shellQuote).join(' ')}`,
  ].join('\n');
}

async function copyAndInstall(
  ssh: SshConnection,
  sudo: string,
  upload: ReleaseUpload,
  topFolder: string,
  settings: PushSettings,
  host: string,
  emit: (event: PushEvent) => void,
  step: (name: PushStep, status: 'started' | 'Succeeded' | 'Failed' | 'Skipped' | 'Warning', message: string) => void,
  signal: AbortSignal,
  onServiceStep: (() => void) | undefined,
): Promise<{ status: 'Succeeded' | 'Warning' | 'Failed'; error: SetupError | null }> {
  step(
    'copy',
    'started',
    `${path.basename(upload.file)} (${upload.size} bytes, ${upload.codec === 'zstd' ? 'sent recompressed with zstd' : 'gzip'})`,
  );
  // One shell: a private folder (mktemp -d is 0700), exactly the release's bytes unpacked into it, then its
  // ./install, which cancels (and rolls back) when stdin closes; the trap removes the folder on any exit.
  const args = [
    '-d',
    settings.installLocation,
    '-r',
    settings.role,
    '-v',
    settings.platform,
    '-q',
    '--json',
    '--cancel-on-stdin-eof',
  ];
  const script = remoteInstallScript(upload.receive, topFolder, args);
  let copied = false;
  let result: { status: 'Succeeded' | 'Warning' | 'Failed'; error: SetupError | null } | undefined;
  const stream = upload.open();
  const progress = (sent: number): void => {
    const total = upload.total();
    emit({ type: 'host-progress', host, bytesDone: Math.min(sent, total), bytesTotal: total });
  };
  stream.once('end', () => progress(upload.total()));
  const run = await ssh.exec(`${sudo}sh -c ${shellQuote(script)}`, {
    inputStream: stream,
    onInputBytes: progress,
    keepOpen: true,
    signal,
    onStdoutLine: (line) => {
      if (line === 'ASR-PUSH-COPIED') {
        copied = true;
        step('copy', 'Succeeded', `unpacked in a private folder on the server`);
        step('install', 'started', `./install ${args.slice(0, 6).join(' ')}`);
        return;
      }
      const event = parseJobEventLine(line);
      if (!event) return;
      emit({ type: 'host-job-event', host, event });
      if (event.type === 'step-started' && event.step.id === 'service') onServiceStep?.();
      if (event.type === 'result') result = { status: event.status, error: event.error ?? null };
    },
  });
  if (!copied) {
    const why = run.stderr.replace('ASR-PUSH-COPY-FAILED', '').trim().split('\n').slice(-3).join('; ');
    if (signal.aborted) return { status: 'Failed', error: cancelled('while the release was being copied') };
    return {
      status: 'Failed',
      error: setupError(
        'PUSH_COPY_FAILED',
        `${host}: the release could not be copied and unpacked in /tmp (${why || `exit ${run.code ?? run.signal}`})`,
      ),
    };
  }
  if (!result)
    return {
      status: 'Failed',
      error: setupError('INSTALL_FAILED', `${host}: ./install ended without a result (exit ${run.code ?? run.signal})`),
    };
  step(
    'install',
    result.status === 'Failed' ? 'Failed' : result.status,
    result.error ? result.error.message : `agent installed at ${settings.installLocation}`,
  );
  return result;
}

async function logTail(ssh: SshConnection, sudo: string): Promise<string> {
  const run = await ssh.exec(`${sudo}tail -n 60 ${REMOTE_INSTALLER_LOG}`).catch(() => undefined);
  return run?.stdout ?? '';
}
