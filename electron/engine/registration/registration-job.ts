import * as os from 'node:os';
import { parseCsEndpoint } from '../../../shared/cs-endpoint';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import type { HostInfo } from '../../../shared/registration-protocol';
import type { StepPlan } from '../../../shared/job-events';
import { loginForRegistration, type PendingRegistration } from './cs-client';
import { acquireInstallLock } from '../install/install-lock';
import { readJournal } from '../install/install-journal';
import { startJob, type EventSink, type JobOutcome, type JobRecorder } from '../log/job-recorder';
import { Redactor } from '../log/setup-log';
import { configuratorLogFile, systemLayout, type SystemLayout } from '../system/system-layout';
import type { SystemProbe } from '../system/system-probe';
import { failStep, JobFailure } from '../install/job-failure';
import { recordVxVersion } from '../install/vx-version';
import { REGISTRATION_PLAN } from '../install/job-plans';
import { readPassphrase, type PassphraseSource } from './passphrase-source';
import { findInstallation, type Installation } from './installed-agent';
import { readRegistration, writeRegistration, type StoredRegistration } from './registration-store';
import type { LockResult } from '../install/install-lock';
import type { CsEndpoint } from '../../../shared/cs-endpoint';
import { SETUP_VERSION } from '../../../shared/product';

// UnifiedAgentConfigurator: registers the installed agent with a configuration server. The endpoint and the
// passphrase file are checked before any network traffic; the registration is stored (0600, atomically)
// only after the server has proven it knows the passphrase. The passphrase itself is never sent, stored,
// logged or put in an event.

export interface RegistrationRequest {
  readonly endpoint: string;
  /** Path of the passphrase file, or the passphrase bytes when they came on stdin. */
  readonly passphrase: PassphraseSource;
  readonly installLocation: string | undefined;
  readonly logDir: string | undefined;
  readonly root: string | undefined;
  readonly argv: readonly string[];
  /**
   * --proceed-on-stdin: the login starts at once, but the agent is checked and registered only once this
   * resolves true (a "proceed" line on stdin); false (stdin closed without it) ends the run Cancelled.
   */
  readonly proceed?: Promise<boolean>;
}

export interface ConfiguratorDeps {
  readonly probe: SystemProbe;
  readonly emit: EventSink;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** What every configurator job starts with: its layout, clock, redactor, and the job in the configurator log. */
export function startConfiguratorJob(
  request: Pick<RegistrationRequest, 'logDir' | 'root' | 'argv'>,
  deps: ConfiguratorDeps,
  title: string,
  plan: readonly StepPlan[],
) {
  const layout = systemLayout(deps.probe.platform, request.root);
  const clock = (): Date => deps.probe.now();
  const redactor = new Redactor();
  const { job, log } = startJob({
    job: 'register',
    title,
    version: SETUP_VERSION,
    logFile: configuratorLogFile(layout, request.logDir),
    redactor,
    argv: request.argv,
    emit: deps.emit,
    clock,
    plan,
  });
  return { layout, clock, redactor, job, log };
}

function hostAddresses(): string[] {
  const addresses: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const address of list ?? []) if (!address.internal) addresses.push(address.address);
  }
  return addresses.slice(0, 64);
}

export async function runRegistration(request: RegistrationRequest, deps: ConfiguratorDeps): Promise<JobOutcome> {
  const { layout, clock, redactor, job, log } = startConfiguratorJob(
    request,
    deps,
    'Mobility Service Setup (configurator)',
    REGISTRATION_PLAN,
  );
  const check = job.step('check', 'configure', 'Check the configuration server details');
  const failCheck = (error: unknown): JobOutcome => failStep(job, check, error);
  try {
    let input: CheckedInput;
    try {
      input = checkInput(request);
      // Whatever else happens, this passphrase never reaches the log.
      redactor.add(input.passphrase);
    } catch (error) {
      return failCheck(error);
    }
    // Logged in while the caller finishes what must come first (push-install: the install's last steps), so
    // the login's key stretching overlaps them; nothing depends on the agent until the register request.
    const pending = request.proceed
      ? loginForRegistration(input.endpoint, input.passphrase, { timeoutMs: deps.timeoutMs, signal: deps.signal })
      : undefined;
    if (request.proceed && !(await untilProceed(request.proceed, deps.signal)))
      return failCheck(
        new JobFailure(
          setupError(
            'CANCELLED',
            'standard input closed before the go-ahead ("proceed"); the agent was not registered',
          ),
        ),
      );
    // The lock comes before the journal is looked at: during a running install the journal exists, and
    // that must read as "another installation in progress", not as an interrupted one.
    const lock = await acquireInstallLock(layout.lockFile, request.argv.join(' '), clock());
    if (!lock.ok) return failCheck(new JobFailure(lockFailure(lock)));
    try {
      let installation: Installation;
      try {
        installation = checkInstallation(layout, request.installLocation);
      } catch (error) {
        return failCheck(error);
      }
      const previous = readRegistration(installation.hostLocation);
      const before = previous ? ` (registered with ${previous.csEndpoint} before)` : '';
      const agent = `agent ${installation.config.agentVersion} at ${installation.location}`;
      job.finish(check, 'Succeeded', `${agent}; configuration server ${input.endpoint.display}${before}`);
      return await register(job, input, installation, previous, deps, layout, pending);
    } finally {
      await lock.lock.release();
    }
  } catch (error) {
    return job.outcome(setupError('INSTALL_FAILED', `unexpected error: ${redactor.redact((error as Error).message)}`));
  } finally {
    log.close();
  }
}

function untilProceed(proceed: Promise<boolean>, signal: AbortSignal | undefined): Promise<boolean> {
  if (!signal) return proceed;
  if (signal.aborted) return Promise.resolve(false);
  return Promise.race([
    proceed,
    new Promise<boolean>((resolve) => signal.addEventListener('abort', () => resolve(false))),
  ]);
}

interface CheckedInput {
  readonly endpoint: CsEndpoint;
  readonly passphrase: string;
}

/** The endpoint and the passphrase, both checked before any network traffic. */
function checkInput(request: RegistrationRequest): CheckedInput {
  const parsed = parseCsEndpoint(request.endpoint);
  if (!parsed.ok)
    throw new JobFailure(
      setupError(
        'INVALID_ARGUMENT',
        parsed.reason,
        'Give the configuration server IP address, optionally with its port: 10.0.0.5, 10.0.0.5:443 or [fd00::5]:443.',
      ),
    );
  return { endpoint: parsed.endpoint, passphrase: readPassphrase(request.passphrase) };
}

export function lockFailure(lock: Extract<LockResult, { ok: false }>): SetupError {
  return lock.kind === 'busy'
    ? setupError(
        'ANOTHER_INSTALL_RUNNING',
        `setup is running (process ${lock.holder?.pid ?? '?'}); register once it has finished`,
      )
    : setupError('NOT_ELEVATED', `the registration cannot be stored: ${lock.reason}`);
}

/** The installed agent to register; an interrupted installation must be finished first. */
export function checkInstallation(layout: SystemLayout, requested: string | undefined): Installation {
  if (readJournal(layout.journalFile)) {
    throw new JobFailure(
      setupError(
        'NOT_INSTALLED',
        'an installation was interrupted and is not finished',
        'Run the installer again (it finishes or undoes the interrupted run), then register.',
      ),
    );
  }
  return findInstallation(layout, requested);
}

/** The exchange with the configuration server; the registration is stored only once the server has proven itself. */
async function register(
  job: JobRecorder,
  input: CheckedInput,
  installation: Installation,
  previous: StoredRegistration | undefined,
  deps: ConfiguratorDeps,
  layout: SystemLayout,
  pending: PendingRegistration | undefined,
): Promise<JobOutcome> {
  const { endpoint } = input;
  const step = job.step('register', 'register', `Register with the configuration server ${endpoint.display}`);
  const host: HostInfo = {
    hostName: deps.probe.hostName(),
    ...(previous ? { hostId: previous.hostId } : {}),
    os: installation.config.osLabel,
    agentVersion: installation.config.agentVersion,
    role: installation.config.role,
    platform: installation.config.platform,
    ipAddresses: hostAddresses(),
  };
  // Without --proceed-on-stdin the login starts only now, after the checks.
  const registration =
    pending ?? loginForRegistration(endpoint, input.passphrase, { timeoutMs: deps.timeoutMs, signal: deps.signal });
  const result = await registration.register(host);
  if (!result.ok) {
    job.finish(step, 'Failed', result.error.message, result.error);
    return job.outcome(result.error);
  }
  const registeredAt = deps.probe.now().toISOString();
  writeRegistration(installation.hostLocation, {
    schema: 1,
    csEndpoint: endpoint.display,
    hostId: result.hostId,
    fingerprint: result.fingerprint,
    hostName: host.hostName,
    agentVersion: host.agentVersion,
    registeredAt,
  });
  const agent = { ...installation.config, installLocation: installation.location };
  recordVxVersion(layout, agent, { csEndpoint: endpoint.display, hostId: result.hostId });
  const moved = previous && previous.csEndpoint !== endpoint.display ? `; moved from ${previous.csEndpoint}` : '';
  const again = previous && previous.hostId === result.hostId ? ' (same host id as before)' : '';
  job.finish(
    step,
    'Succeeded',
    `registered as host ${result.hostId}${again}${moved}; server certificate ${result.fingerprint.slice(0, 16)}…`,
  );
  return job.outcome(null, {
    csEndpoint: endpoint.display,
    hostId: result.hostId,
    fingerprint: result.fingerprint,
    installLocation: installation.location,
    // The time the record holds, so the Registered page shows when it happened, not when the page heard of it.
    registeredAt,
  });
}
