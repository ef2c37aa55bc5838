import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { PUSH_INSTALL_OPTIONS } from '../../electron/cli/push-install-options';
import { setupError, type SetupError } from '../../shared/error-catalog';
import { pushStatusOf, type HostResult, type PushEvent, type PushStep } from '../../shared/push-events';

// A stand-in for push-install (dist/cli/push-install.cjs) for the wizard's e2e spec: the same arguments and
// JSON lines, with no SSH. The server's name decides what happens to it:
//   new-*   its host key is unknown on --scan-host-keys, and the push fails with PUSH_HOST_KEY_UNKNOWN
//           unless --accept-host-key names it with that fingerprint;
//   moved-* its host key has changed; down-* is unreachable;
//   *fail*  the SSH credentials are refused (PUSH_AUTH_FAILED); anything else succeeds;
//   on --status: old-* has an older agent, bare-* none, idle-* is not registered.
// It logs to <--log-dir>/ASRPushInstall.log in the setup log's format. Real servers: e2e/test-machines/.

const { values } = parseArgs({
  strict: true,
  allowPositionals: false,
  options: PUSH_INSTALL_OPTIONS,
});

const hosts = values.host ?? [];
const print = (line: object): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const nameOf = (spec: string): string => spec.replace(/^.*@/, '').replace(/:\d+$/, '');
const fingerprintOf = (spec: string): string =>
  `SHA256:${createHash('sha256').update(nameOf(spec)).digest('base64').replace(/=+$/, '')}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function scan(): void {
  // Bastions first, as push-install --scan-host-keys lists them, marked as such.
  const jumps = (values.jump ?? []).flatMap((jump) => jump.split(','));
  for (const jump of jumps)
    print({
      type: 'host-key',
      host: jump,
      verdict: 'unknown',
      keyType: 'ssh-ed25519',
      fingerprint: fingerprintOf(jump),
      jumpHost: true,
    });
  for (const host of hosts) {
    const name = nameOf(host);
    if (name.startsWith('down-')) {
      print({ type: 'host-key', host, verdict: 'unreachable', error: 'connect ECONNREFUSED' });
      continue;
    }
    const verdict = name.startsWith('new-') ? 'unknown' : name.startsWith('moved-') ? 'changed' : 'known';
    print({
      type: 'host-key',
      host,
      verdict,
      keyType: 'ssh-ed25519',
      fingerprint: fingerprintOf(host),
      ...(verdict === 'changed' ? { recorded: fingerprintOf(`old-${name}`) } : {}),
    });
  }
}

async function push(): Promise<number> {
  const logFile = path.join(values['log-dir'] ?? '.', 'ASRPushInstall.log');
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const rule = '='.repeat(100);
  fs.appendFileSync(
    logFile,
    `${rule}\nMobility Service Setup (push installation) stand-in: run started ${new Date().toISOString()}\n` +
      `Command line: push-install ${process.argv.slice(2).join(' ')}\n${rule}\n`,
  );
  const log = (level: 'info' | 'error', message: string): void =>
    fs.appendFileSync(logFile, `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}\n`);
  if (values['passphrase-file'] === '-') fs.readFileSync(0);
  if (values['password-file']) fs.readFileSync(values['password-file']);
  const accepted = values['accept-host-key'] ?? [];
  const results: HostResult[] = [];
  let cancelled = false;
  process.on('SIGTERM', () => {
    cancelled = true;
  });
  const emit = (event: PushEvent): void => {
    if (event.type === 'host-step')
      log(
        event.status === 'Failed' ? 'error' : 'info',
        `[${event.host}] ${event.step}: ${event.status}: ${event.message}`,
      );
    if (event.type === 'host-result')
      log(
        event.result.error ? 'error' : 'info',
        `[${event.result.host}] ${event.result.status}${event.result.error ? `: ${event.result.error.code}: ${event.result.error.message}` : ''}`,
      );
    print(event);
  };
  emit({ type: 'push-started', hosts, time: new Date().toISOString(), logFile });
  log('info', `pushing to ${hosts.length} server(s): ${hosts.join(', ')}`);
  for (const host of hosts) {
    const step = (name: PushStep, status: 'started' | 'Succeeded' | 'Failed', message: string): void =>
      emit({ type: 'host-step', host, step: name, status, message, time: new Date().toISOString() });
    const failed = (at: PushStep, error: SetupError): HostResult => ({
      host,
      status: 'Failed',
      osLabel: at === 'connect' ? null : 'DEBIAN12-64',
      agentVersion: null,
      hostId: null,
      stoppedAt: at,
      error,
    });
    let result: HostResult;
    const name = nameOf(host);
    step('connect', 'started', `${values.user ?? 'root'}@${name}:22`);
    await sleep(60);
    if (cancelled) result = failed('connect', setupError('CANCELLED', 'the push was cancelled'));
    else if (name.startsWith('new-') && !accepted.includes(`${host}=${fingerprintOf(host)}`)) {
      const error = setupError('PUSH_HOST_KEY_UNKNOWN', `${name} offered the unknown key ${fingerprintOf(host)}`);
      step('connect', 'Failed', error.message);
      result = failed('connect', error);
    } else if (name.includes('fail')) {
      const error = setupError('PUSH_AUTH_FAILED', `${name} refused the credentials of ${values.user ?? 'root'}`);
      step('connect', 'Failed', error.message);
      result = failed('connect', error);
    } else {
      step('connect', 'Succeeded', `as ${values.user ?? 'root'}`);
      step('detect', 'started', 'operating system and installed agent');
      step('detect', 'Succeeded', 'Debian GNU/Linux 12 (bookworm) (DEBIAN12-64); no agent installed');
      step('copy', 'started', 'Microsoft-ASR_UA_9.60.0.0_DEBIAN12-64_GA_release.tar.gz (4096 bytes)');
      for (const done of [1024, 4096]) {
        emit({ type: 'host-progress', host, bytesDone: done, bytesTotal: 4096 });
        await sleep(40);
      }
      step('copy', 'Succeeded', 'unpacked in a private folder on the server');
      step('install', 'started', `./install -d ${values['install-location']} -r ${values.role} -v ${values.platform}`);
      await sleep(60);
      step('install', 'Succeeded', 'agent 9.60.0.0 installed');
      const hostId = createHash('sha256').update(`host-id ${name}`).digest('hex').slice(0, 32);
      if (values['cs-endpoint']) {
        step('register', 'started', `with the configuration server ${values['cs-endpoint']}`);
        step('register', 'Succeeded', `registered as host ${hostId}`);
      }
      result = {
        host,
        status: 'Succeeded',
        osLabel: 'DEBIAN12-64',
        agentVersion: '9.60.0.0',
        hostId: values['cs-endpoint'] ? hostId : null,
        stoppedAt: null,
        error: null,
      };
    }
    results.push(result);
    emit({ type: 'host-result', result });
  }
  const status = pushStatusOf(results);
  const exitCode = status === 'Failed' ? 1 : 0;
  log(status === 'Failed' ? 'error' : 'info', `Result: ${status}`);
  print({ type: 'result', status, exitCode, hosts: results });
  return exitCode;
}

/** --status: old-* has an older agent, bare-* none, idle-* is not registered, down-* does not answer. */
function status(): void {
  for (const host of hosts) {
    const name = nameOf(host);
    const reachable = !name.startsWith('down-');
    const installed = reachable && !name.startsWith('bare-');
    print({
      type: 'server-status',
      host,
      address: name,
      reachable,
      source: installed ? 'agent' : 'none',
      osLabel: reachable ? 'RHEL7-64' : null,
      installed,
      agentVersion: installed ? (name.startsWith('old-') ? '9.59.0.0' : '9.60.0.0') : null,
      installLocation: installed ? '/usr/local/ASR' : null,
      role: installed ? 'MS' : null,
      platform: installed ? 'VmWare' : null,
      registration:
        installed && !name.startsWith('idle-')
          ? { csEndpoint: '10.0.0.5:443', hostId: '8c1f3a52-6d7e-4f10-9a3b-2c4d5e6f7a8b' }
          : null,
      service: installed ? 'active' : 'absent',
      lastResult: installed ? { status: 'Succeeded', time: '2026-12-01T10:00:00.000Z' } : null,
      latestVersion: values.repository ? '9.60.0.0' : null,
      outdated: installed && name.startsWith('old-'),
      error: reachable
        ? null
        : { code: 'PUSH_UNREACHABLE', message: `${name}: connect ECONNREFUSED`, remedy: 'Check the server.' },
    });
  }
  process.exitCode = hosts.some((host) => nameOf(host).startsWith('down-')) ? 1 : 0;
}

if (values['scan-host-keys']) scan();
else if (values.status) status();
else
  void push().then((code) => {
    process.exitCode = code;
  });
