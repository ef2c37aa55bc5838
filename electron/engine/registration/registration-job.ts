import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { parseCsEndpoint } from '../../../shared/cs-endpoint';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import type { HostInfo } from '../../../shared/registration-protocol';
import { readJsonIfPresent, writeFileAtomic } from '../system/atomic-file';
import { registerWithCs } from './cs-client';
import { acquireInstallLock } from '../install/install-lock';
import { readInstallRecord, RecordError, type InstallRecord } from '../install/install-record';
import { readJournal } from '../install/install-journal';
import { JobRecorder, type EventSink, type JobOutcome } from '../log/job-recorder';
import { normalisePassphrase, passphraseKey } from './registration-crypto';
import { Redactor, SetupLog } from '../log/setup-log';
import {
  AGENT_CONFIG_FILE,
  CONFIGURATOR_LOG_NAME,
  REGISTRATION_FILE,
  REGISTRATION_STATUS_FILE,
  systemLayout,
  type SystemLayout,
} from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import { SETUP_VERSION } from '../../../shared/product';

// UnifiedAgentConfigurator: registers the installed agent with a configuration server. The endpoint and the
// passphrase file are checked before any network traffic; the registration is stored (0600, atomically)
// only after the server has proven it knows the passphrase. The passphrase itself is never sent, stored,
// logged or put in an event.

export interface RegistrationRequest {
  readonly endpoint: string;
  /** Path of the passphrase file, or the passphrase bytes when they came on stdin. */
  readonly passphrase: { readonly file: string } | { readonly stdin: Buffer };
  readonly installLocation: string | undefined;
  readonly logDir: string | undefined;
  readonly root: string | undefined;
  readonly argv: readonly string[];
}

export interface ConfiguratorDeps {
  readonly probe: SystemProbe;
  readonly emit: EventSink;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export const registrationSchema = z.object({
  schema: z.literal(1),
  csEndpoint: z.string(),
  hostId: z.string(),
  fingerprint: z.string(),
  hostName: z.string(),
  agentVersion: z.string(),
  registeredAt: z.string(),
});

export type StoredRegistration = z.infer<typeof registrationSchema>;

class JobFailure extends Error {
  constructor(readonly error: SetupError) {
    super(error.message);
  }
}

export function configuratorLogFile(layout: SystemLayout, logDir: string | undefined): string {
  return path.join(logDir ? layout.hostPath(logDir) : layout.defaultLogDir, CONFIGURATOR_LOG_NAME);
}

const registrationStatusSchema = registrationSchema.pick({
  csEndpoint: true,
  hostId: true,
  fingerprint: true,
  registeredAt: true,
});
export type RegistrationStatus = z.infer<typeof registrationStatusSchema>;

/** The unprivileged wizard cannot read the 0600 record; what it shows (none of it secret) is public. */
export function writeRegistrationStatus(tree: string, registration: RegistrationStatus): void {
  const status: RegistrationStatus = {
    csEndpoint: registration.csEndpoint,
    hostId: registration.hostId,
    fingerprint: registration.fingerprint,
    registeredAt: registration.registeredAt,
  };
  writeFileAtomic(path.join(tree, REGISTRATION_STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`, 0o644);
}

/** What the wizard shows about the registration, readable without privileges. */
export function readRegistrationStatus(hostLocation: string): RegistrationStatus | undefined {
  try {
    const parsed = registrationStatusSchema.safeParse(
      readJsonIfPresent(path.join(hostLocation, REGISTRATION_STATUS_FILE)),
    );
    return parsed.success ? parsed.data : readRegistration(hostLocation);
  } catch {
    return readRegistration(hostLocation);
  }
}

export function readRegistration(hostLocation: string): StoredRegistration | undefined {
  try {
    const parsed = registrationSchema.safeParse(readJsonIfPresent(path.join(hostLocation, REGISTRATION_FILE)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function readPassphrase(request: RegistrationRequest): string {
  const source = request.passphrase;
  let bytes: Buffer;
  if ('stdin' in source) {
    bytes = source.stdin;
  } else {
    try {
      const stat = fs.statSync(source.file);
      if (!stat.isFile())
        throw new JobFailure(
          setupError('PASSPHRASE_FILE_UNREADABLE', `the passphrase file ${source.file} is not a regular file`),
        );
      if (stat.size > 4096)
        throw new JobFailure(
          setupError(
            'PASSPHRASE_FILE_UNREADABLE',
            `the passphrase file ${source.file} is ${stat.size} bytes; a passphrase file holds one line`,
          ),
        );
      bytes = fs.readFileSync(source.file);
    } catch (error) {
      if (error instanceof JobFailure) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'does not exist'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read by this user (permission denied)'
            : `cannot be read (${code ?? 'error'})`;
      throw new JobFailure(setupError('PASSPHRASE_FILE_UNREADABLE', `the passphrase file ${source.file} ${why}`));
    }
  }
  const passphrase = normalisePassphrase(bytes);
  const where = 'stdin' in source ? 'the passphrase given on standard input' : `the passphrase file ${source.file}`;
  if (passphrase.length === 0) throw new JobFailure(setupError('PASSPHRASE_FILE_UNREADABLE', `${where} is empty`));
  return passphrase;
}

interface Installation {
  readonly location: string;
  readonly hostLocation: string;
  readonly record: InstallRecord | undefined;
  readonly config: { role: 'MS' | 'MT'; platform: 'VmWare' | 'Azure'; agentVersion: string; osLabel: string };
}

const agentConfigSchema = z.object({
  role: z.enum(['MS', 'MT']),
  platform: z.enum(['VmWare', 'Azure']),
  agentVersion: z.string(),
  osLabel: z.string(),
});

function findInstallation(layout: SystemLayout, requested: string | undefined): Installation {
  let record: InstallRecord | undefined;
  try {
    record = readInstallRecord(layout.recordFile);
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
  }
  const location = requested ?? record?.installLocation ?? layout.defaultInstallLocation;
  const hostLocation = layout.hostPath(location);
  let config: Installation['config'] | undefined;
  try {
    const parsed = agentConfigSchema.safeParse(readJsonIfPresent(path.join(hostLocation, AGENT_CONFIG_FILE)));
    if (parsed.success) config = parsed.data;
  } catch {
    config = undefined;
  }
  if (!config) {
    const hint = record && record.installLocation !== location ? `; it is installed at ${record.installLocation}` : '';
    throw new JobFailure(setupError('NOT_INSTALLED', `no Mobility service installation at ${location}${hint}`));
  }
  return { location, hostLocation, record: record?.installLocation === location ? record : undefined, config };
}

function hostAddresses(): string[] {
  const addresses: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const address of list ?? []) if (!address.internal) addresses.push(address.address);
  }
  return addresses.slice(0, 64);
}

export async function runRegistration(request: RegistrationRequest, deps: ConfiguratorDeps): Promise<JobOutcome> {
  const layout = systemLayout(deps.probe.platform, request.root);
  const clock = (): Date => deps.probe.now();
  const redactor = new Redactor();
  const log = new SetupLog(configuratorLogFile(layout, request.logDir), redactor, clock);
  const logProblem = log.open({
    title: 'Mobility Service Setup (configurator)',
    version: SETUP_VERSION,
    argv: request.argv,
    time: clock(),
  });
  const job = new JobRecorder(deps.emit, log, clock);
  job.started('register');
  if (logProblem) job.note('warn', logProblem);
  try {
    const check = job.step('check', 'configure', 'Check the configuration server details');
    let passphrase: string;
    let installation: Installation;
    let endpoint;
    const failCheck = (error: unknown): JobOutcome => {
      const failure =
        error instanceof JobFailure ? error.error : setupError('INSTALL_FAILED', (error as Error).message);
      job.finish(check, 'Failed', failure.message, failure);
      return job.outcome(failure);
    };
    try {
      const parsed = parseCsEndpoint(request.endpoint);
      if (!parsed.ok)
        throw new JobFailure(
          setupError(
            'INVALID_ARGUMENT',
            parsed.reason,
            'Give the configuration server IP address, optionally with its port: 10.0.0.5, 10.0.0.5:443 or [fd00::5]:443.',
          ),
        );
      endpoint = parsed.endpoint;
      passphrase = readPassphrase(request);
      // Whatever else happens, this passphrase never reaches the log.
      redactor.add(passphrase);
    } catch (error) {
      return failCheck(error);
    }
    // The lock comes before the journal is looked at: during a running install the journal exists, and
    // that must read as "another installation in progress", not as an interrupted one.
    const lock = await acquireInstallLock(layout.lockFile, request.argv.join(' '), clock());
    if (!lock.ok) {
      const failure =
        lock.kind === 'busy'
          ? setupError(
              'ANOTHER_INSTALL_RUNNING',
              `setup is running (process ${lock.holder?.pid ?? '?'}); register once it has finished`,
            )
          : setupError('NOT_ELEVATED', `the registration cannot be stored: ${lock.reason}`);
      return failCheck(new JobFailure(failure));
    }
    try {
      try {
        if (readJournal(layout.journalFile)) {
          throw new JobFailure(
            setupError(
              'NOT_INSTALLED',
              'an installation was interrupted and is not finished',
              'Run the installer again (it finishes or undoes the interrupted run), then register.',
            ),
          );
        }
        installation = findInstallation(layout, request.installLocation);
      } catch (error) {
        return failCheck(error);
      }
      const previous = readRegistration(installation.hostLocation);
      job.finish(
        check,
        'Succeeded',
        `agent ${installation.config.agentVersion} at ${installation.location}; configuration server ${endpoint.display}${previous ? ` (registered with ${previous.csEndpoint} before)` : ''}`,
      );

      const register = job.step('register', 'register', `Register with the configuration server ${endpoint.display}`);
      const host: HostInfo = {
        hostName: deps.probe.hostName(),
        ...(previous ? { hostId: previous.hostId } : {}),
        os: installation.config.osLabel,
        agentVersion: installation.config.agentVersion,
        role: installation.config.role,
        platform: installation.config.platform,
        ipAddresses: hostAddresses(),
      };
      const result = await registerWithCs(endpoint, passphraseKey(passphrase), host, {
        timeoutMs: deps.timeoutMs,
        signal: deps.signal,
      });
      if (!result.ok) {
        job.finish(register, 'Failed', result.error.message, result.error);
        return job.outcome(result.error);
      }
      const stored: StoredRegistration = {
        schema: 1,
        csEndpoint: endpoint.display,
        hostId: result.hostId,
        fingerprint: result.fingerprint,
        hostName: host.hostName,
        agentVersion: host.agentVersion,
        registeredAt: clock().toISOString(),
      };
      // The public status first: were the run killed in between, the wizard would show the new server and
      // the next install or registration rewrites the status from the record anyway.
      writeRegistrationStatus(installation.hostLocation, stored);
      writeFileAtomic(
        path.join(installation.hostLocation, REGISTRATION_FILE),
        `${JSON.stringify(stored, null, 2)}\n`,
        0o600,
      );
      const moved = previous && previous.csEndpoint !== endpoint.display ? `; moved from ${previous.csEndpoint}` : '';
      const again = previous && previous.hostId === result.hostId ? ' (same host id as before)' : '';
      job.finish(
        register,
        'Succeeded',
        `registered as host ${result.hostId}${again}${moved}; server certificate ${result.fingerprint.slice(0, 16)}…`,
      );
      return job.outcome(null, {
        csEndpoint: endpoint.display,
        hostId: result.hostId,
        fingerprint: result.fingerprint,
        installLocation: installation.location,
      });
    } finally {
      await lock.lock.release();
    }
  } catch (error) {
    return job.outcome(setupError('INSTALL_FAILED', `unexpected error: ${redactor.redact((error as Error).message)}`));
  } finally {
    log.close();
  }
}
