import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventChannels, PushRequest } from '../../shared/ipc-contract';
import type { HostResult, PushEvent } from '../../shared/push-events';
import { PUSH_LOG_NAME } from '../engine/push/push-run';
import { liveSystemProbe } from '../engine/system/system-probe';
import { makeRoot, Scratch } from '../engine/test-support/fixtures';
import { CLI } from '../engine/test-support/run-cli';
import { dispatchInvoke } from './ipc-dispatch';
import { csvField, pushResultsCsv } from './push-csv';
import { PUSH_LOG_FILE_NAME, pushLogFolder } from './push-service';
import { checkServerLines } from './push-request-checks';
import { createSetupService, type SetupService } from './setup-service';

// "Push to servers" in the setup service, with a stand-in push CLI: a tiny Node script that reports its
// argv, environment, stdin and the password file it was given (to a file named in the runtime's environment,
// which is the app's, not the request's), then prints scripted PushEvent lines.

const scratch = new Scratch();
const services: SetupService[] = [];
afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});
afterAll(() => scratch.cleanup());

const PASSWORD = 'ssh-password-7d2f9a';
const PASSPHRASE = 'cs-passphrase-41b8c0';
const FINGERPRINT = `SHA256:${'Q'.repeat(43)}`;

const STAND_IN = `'use strict';
const fs = require('node:fs');
const emit = (event) => process.stdout.write(JSON.stringify(event) + '\\n');
const args = process.argv.slice(2);
const value = (name) => args.find((a) => a.startsWith('--' + name + '='))?.slice(name.length + 3);
const hosts = args.filter((a) => a.startsWith('--host=')).map((a) => a.slice(7));
if (args.includes('--scan-host-keys')) {
  for (const host of hosts)
    emit({ type: 'host-key', host, verdict: host.startsWith('new-') ? 'unknown' : 'known', keyType: 'ssh-ed25519', fingerprint: '${FINGERPRINT}' });
  process.exit(0);
}
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const passwordFile = value('password-file');
  const report = { argv: process.argv, env: process.env, stdin: Buffer.concat(chunks).toString('utf8') };
  if (passwordFile) {
    report.passwordFile = passwordFile;
    report.password = fs.readFileSync(passwordFile, 'utf8');
    report.fileMode = fs.statSync(passwordFile).mode & 0o777;
    report.dirMode = fs.statSync(require('node:path').dirname(passwordFile)).mode & 0o777;
  }
  fs.writeFileSync(process.env.REPORT_FILE, JSON.stringify(report));
  const mode = process.env.STAND_IN_MODE || 'ok';
  emit({ type: 'push-started', hosts, time: new Date().toISOString(), logFile: value('log-dir') + '/ASRPushInstall.log' });
  process.stdout.write('not json\\n');
  emit({ type: 'unknown-kind', secret: 'ignored' });
  if (mode === 'hang') { process.on('SIGTERM', () => { emit({ type: 'result', status: 'Failed', exitCode: 4, hosts: hosts.map((host) => ({ host, status: 'Failed', osLabel: null, agentVersion: null, hostId: null, stoppedAt: 'connect', error: { code: 'CANCELLED', message: 'cancelled', remedy: 'r' } })) }); process.exit(4); }); setInterval(() => {}, 1000); return; }
  const results = hosts.map((host, i) => i === 0
    ? { host, status: 'Succeeded', osLabel: 'DEBIAN12-64', agentVersion: '9.60.0.0', hostId: 'id-' + i, stoppedAt: null, error: null }
    : { host, status: 'Failed', osLabel: null, agentVersion: null, hostId: null, stoppedAt: 'connect', error: { code: 'PUSH_AUTH_FAILED', message: host + ' refused "root", sorry', remedy: 'r' } });
  emit({ type: 'host-step', host: hosts[0], step: 'connect', status: 'started', message: 'm', time: 't' });
  emit({ type: 'host-result', result: results[0] });
  if (mode === 'die') process.exit(9);
  if (mode === 'dies-on-term') { setInterval(() => {}, 1000); return; }
  for (const result of results.slice(1)) emit({ type: 'host-result', result });
  emit({ type: 'result', status: results.length > 1 ? 'Failed' : 'Succeeded', exitCode: results.length > 1 ? 1 : 0, hosts: results });
});
`;

interface Fixture {
  readonly service: SetupService;
  readonly events: EventChannels['push:event'][];
  readonly reportFile: string;
  readonly saved: string;
  ended(pushId: string): Promise<Extract<PushEvent, { type: 'result' }>>;
  report(): { argv: string[]; env: Record<string, string>; stdin: string } & Record<string, unknown>;
}

function makePushService(mode = 'ok'): Fixture {
  const script = `${scratch.path('push-install')}.cjs`;
  fs.writeFileSync(script, STAND_IN);
  const reportFile = scratch.path('report');
  const saved = `${scratch.path('saved')}.csv`;
  const service = createSetupService({
    paths: { root: makeRoot(scratch), repository: scratch.dir, logDir: undefined, knownHosts: '/tmp/known_hosts' },
    probe: liveSystemProbe(),
    runtime: { command: process.execPath, env: { REPORT_FILE: reportFile, STAND_IN_MODE: mode }, nodeOptions: [] },
    scripts: { unifiedAgent: CLI.unifiedAgent, configurator: CLI.configurator, pushInstall: script },
    elevation: 'elevated',
    elevator: undefined,
    browseFolder: async () => null,
    browseFile: async (current) => `${current}.picked`,
    saveFile: async (name) => (name === 'push-results.csv' ? saved : null),
    openFolder: async () => undefined,
    writeClipboard: () => undefined,
    closeApp: () => undefined,
  });
  services.push(service);
  const events: EventChannels['push:event'][] = [];
  const waiters: (() => void)[] = [];
  service.subscribe((channel, payload) => {
    if (channel !== 'push:event') return;
    events.push(payload as EventChannels['push:event']);
    for (const wake of waiters.splice(0)) wake();
  });
  const find = (pushId: string): Extract<PushEvent, { type: 'result' }> | undefined => {
    for (const { pushId: id, event } of events) if (id === pushId && event.type === 'result') return event;
    return undefined;
  };
  return {
    service,
    events,
    reportFile,
    saved,
    ended: async (pushId) => {
      for (;;) {
        const found = find(pushId);
        if (found) {
          // The service settles (password folder removed, results kept) right after relaying the result.
          await new Promise((resolve) => setTimeout(resolve, 50));
          return found;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    report: () => JSON.parse(fs.readFileSync(reportFile, 'utf8')),
  };
}

const REQUEST: PushRequest = {
  hosts: ['10.0.0.7', 'admin@web-01:2222'],
  user: 'root',
  credentials: { kind: 'password', password: PASSWORD },
  role: 'MS',
  platform: 'VmWare',
  installLocation: '/usr/local/ASR',
  cs: { endpoint: '10.0.0.5:8443', passphrase: PASSPHRASE },
  parallel: 4,
  jump: '',
  canary: null,
  maxFailures: null,
  retryOf: null,
  acceptedHostKeys: [{ host: '10.0.0.7', fingerprint: FINGERPRINT }],
};

async function start(fixture: Fixture, request: unknown = REQUEST): Promise<string> {
  const envelope = await dispatchInvoke(fixture.service.handlers, 'push:start', request);
  if (!envelope.ok) throw new Error(JSON.stringify(envelope.error));
  return (envelope.value as { pushId: string }).pushId;
}

describe('push:start', () => {
  it('runs the push CLI with the settings as arguments, never a secret in its argv or environment', async () => {
    const fixture = makePushService();
    const pushId = await start(fixture);
    await fixture.ended(pushId);
    const report = fixture.report();
    const args = report.argv.slice(2);
    expect(args).toEqual([
      '--json',
      '--host=10.0.0.7',
      '--host=admin@web-01:2222',
      '--user=root',
      `--password-file=${report.passwordFile as string}`,
      '--known-hosts=/tmp/known_hosts',
      `--accept-host-key=10.0.0.7=${FINGERPRINT}`,
      '--cs-endpoint=10.0.0.5:8443',
      '--passphrase-file=-',
      `--repository=${scratch.dir}`,
      '--role=MS',
      '--platform=VmWare',
      '--install-location=/usr/local/ASR',
      '--parallel=4',
      expect.stringMatching(/^--log-dir=\//),
    ]);
    const everything = JSON.stringify({ argv: report.argv, env: report.env });
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(PASSPHRASE);
    expect(Object.keys(report.env).sort()).toEqual(['PATH', 'REPORT_FILE', 'STAND_IN_MODE']);
    // The passphrase on stdin; the password in a 0600 file in a 0700 folder...
    expect(report.stdin).toBe(`${PASSPHRASE}\n`);
    expect(report.password).toBe(`${PASSWORD}\n`);
    expect(report.fileMode).toBe(0o600);
    expect(report.dirMode).toBe(0o700);
    // ...that is gone once the child has exited.
    expect(fs.existsSync(path.dirname(report.passwordFile as string))).toBe(false);
    // No secret in an event either.
    expect(JSON.stringify(fixture.events)).not.toContain(PASSWORD);
  });

  it('with a key file: --identity, nothing on stdin, no password file', async () => {
    const fixture = makePushService();
    const keyFile = scratch.path('id_ed25519');
    fs.writeFileSync(keyFile, 'key', { mode: 0o600 });
    const pushId = await start(fixture, {
      ...REQUEST,
      hosts: ['10.0.0.7'],
      credentials: { kind: 'key', keyFile },
      cs: null,
    });
    await fixture.ended(pushId);
    const report = fixture.report();
    expect(report.argv).toContain(`--identity=${keyFile}`);
    expect(report.argv.some((arg) => arg.startsWith('--password-file') || arg.startsWith('--passphrase'))).toBe(false);
    expect(report.stdin).toBe('');
  });

  it('relays the JSON lines as push:event (nothing else), and saves the results as CSV', async () => {
    const fixture = makePushService();
    const pushId = await start(fixture);
    const result = await fixture.ended(pushId);
    expect(fixture.events.every((payload) => payload.pushId === pushId)).toBe(true);
    expect(fixture.events.map((payload) => payload.event.type)).toEqual([
      'push-started',
      'host-step',
      'host-result',
      'host-result',
      'result',
    ]);
    expect(result.hosts.map((host) => host.status)).toEqual(['Succeeded', 'Failed']);
    const saved = await dispatchInvoke(fixture.service.handlers, 'push:save-results-csv', { pushId });
    expect(saved).toEqual({ ok: true, value: { path: fixture.saved } });
    expect(fs.readFileSync(fixture.saved, 'utf8')).toBe(
      'host,status,osLabel,agentVersion,hostId,errorCode,errorMessage\r\n' +
        '10.0.0.7,Succeeded,DEBIAN12-64,9.60.0.0,id-0,,\r\n' +
        'admin@web-01:2222,Failed,,,,PUSH_AUTH_FAILED,"admin@web-01:2222 refused ""root"", sorry"\r\n',
    );
  });

  it('Retry failed merges the retried servers into the results it saves; a retry of another push is refused', async () => {
    const fixture = makePushService();
    const first = await start(fixture);
    await fixture.ended(first);
    const stray = await dispatchInvoke(fixture.service.handlers, 'push:start', {
      ...REQUEST,
      hosts: ['admin@web-01:2222'],
      retryOf: '00000000-0000-4000-8000-000000000099',
      acceptedHostKeys: [],
    });
    expect(stray).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    // The stand-in succeeds on the first server it is given: the retried one now succeeds.
    const retry = await start(fixture, {
      ...REQUEST,
      hosts: ['admin@web-01:2222'],
      retryOf: first,
      acceptedHostKeys: [],
    });
    await fixture.ended(retry);
    await dispatchInvoke(fixture.service.handlers, 'push:save-results-csv', { pushId: retry });
    expect(fs.readFileSync(fixture.saved, 'utf8')).toBe(
      'host,status,osLabel,agentVersion,hostId,errorCode,errorMessage\r\n' +
        '10.0.0.7,Succeeded,DEBIAN12-64,9.60.0.0,id-0,,\r\n' +
        'admin@web-01:2222,Succeeded,DEBIAN12-64,9.60.0.0,id-0,,\r\n',
    );
  });

  it('a child that dies without a result line still ends the push, its unfinished servers Failed', async () => {
    const fixture = makePushService('die');
    const pushId = await start(fixture);
    const result = await fixture.ended(pushId);
    expect(result.status).toBe('Failed');
    expect(result.hosts.map((host) => [host.host, host.status, host.error?.code ?? null])).toEqual([
      ['10.0.0.7', 'Succeeded', null],
      ['admin@web-01:2222', 'Failed', 'INSTALL_FAILED'],
    ]);
    expect(result.error?.message).toMatch(/exit code 9/);
    expect(fs.existsSync(path.dirname(fixture.report().passwordFile as string))).toBe(false);
  });

  it('one push at a time; Cancel signals the child, which ends it', async () => {
    const fixture = makePushService('hang');
    const pushId = await start(fixture);
    const second = await dispatchInvoke(fixture.service.handlers, 'push:start', REQUEST);
    expect(second.ok ? 'started' : second.error.code).toBe('ANOTHER_INSTALL_RUNNING');
    await expect.poll(() => fs.existsSync(fixture.reportFile)).toBe(true);
    await dispatchInvoke(fixture.service.handlers, 'push:cancel', { pushId });
    const result = await fixture.ended(pushId);
    expect(result.hosts.map((host) => host.error?.code)).toEqual(['CANCELLED', 'CANCELLED']);
    expect(fs.existsSync(path.dirname(fixture.report().passwordFile as string))).toBe(false);
    // Free again.
    expect((await dispatchInvoke(fixture.service.handlers, 'push:start', REQUEST)).ok).toBe(true);
  });

  it('a cancelled push ends CANCELLED even when its child dies before it writes a result', async () => {
    const fixture = makePushService('dies-on-term');
    const pushId = await start(fixture);
    // Cancelled once the first server's result has reached the service (the child writes its report before
    // it emits that result, so the report alone raced the cancel on a busy machine).
    await expect.poll(() => fixture.events.some((payload) => payload.event.type === 'host-result')).toBe(true);
    await dispatchInvoke(fixture.service.handlers, 'push:cancel', { pushId });
    const result = await fixture.ended(pushId);
    // The first server had finished before the cancel; the other is Cancelled, not "stopped unexpectedly".
    expect(result.hosts.map((host) => [host.status, host.error?.code ?? null])).toEqual([
      ['Succeeded', null],
      ['Failed', 'CANCELLED'],
    ]);
  });

  it('passes the bastion, the canary and the failure limit to the CLI; refuses a bad bastion', async () => {
    const fixture = makePushService();
    const pushId = await start(fixture, {
      ...REQUEST,
      jump: ' ops@bastion.corp:2222 , 10.0.0.2 ',
      canary: 2,
      maxFailures: '10%',
      acceptedHostKeys: [...REQUEST.acceptedHostKeys, { host: 'ops@bastion.corp:2222', fingerprint: FINGERPRINT }],
    });
    await fixture.ended(pushId);
    const args = fixture.report().argv.slice(2) as string[];
    expect(args).toContain('--jump=ops@bastion.corp:2222,10.0.0.2');
    expect(args).toContain('--canary=2');
    expect(args).toContain('--max-failures=10%');
    expect(args).toContain(`--accept-host-key=ops@bastion.corp:2222=${FINGERPRINT}`);
    const bad = await dispatchInvoke(fixture.service.handlers, 'push:start', { ...REQUEST, jump: 'bad host!' });
    expect(bad.ok ? 'started' : bad.error.message).toMatch(/the bastion "bad host!"/);
    const limit = await dispatchInvoke(fixture.service.handlers, 'push:start', { ...REQUEST, maxFailures: '150%' });
    expect(limit.ok ? 'started' : limit.error.code).toBe('INVALID_ARGUMENT');
  });

  it.each([
    ['no server', { ...REQUEST, hosts: [] }],
    ['an empty password', { ...REQUEST, credentials: { kind: 'password', password: '' } }],
    ['a password too long', { ...REQUEST, credentials: { kind: 'password', password: 'p'.repeat(2000) } }],
    ['an extra field', { ...REQUEST, extraArgs: ['--accept-new-host-keys'] }],
    ['a fingerprint that is not SHA256', { ...REQUEST, acceptedHostKeys: [{ host: '10.0.0.7', fingerprint: 'x' }] }],
    ['parallel 0', { ...REQUEST, parallel: 0 }],
  ])('refuses %s by the schema, before any child starts', async (_name, request) => {
    const fixture = makePushService();
    const envelope = await dispatchInvoke(fixture.service.handlers, 'push:start', request);
    expect(envelope.ok ? 'started' : envelope.error.code).toBe('INVALID_ARGUMENT');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fs.existsSync(fixture.reportFile)).toBe(false);
  });

  it.each([
    ['a server that is an option', { ...REQUEST, hosts: ['--accept-new-host-keys'] }, 'INVALID_ARGUMENT'],
    ['a server given twice', { ...REQUEST, hosts: ['10.0.0.7', 'root@10.0.0.7'] }, 'INVALID_ARGUMENT'],
    ['a bad user', { ...REQUEST, user: 'root --x' }, 'INVALID_ARGUMENT'],
    [
      'a missing key file',
      { ...REQUEST, credentials: { kind: 'key', keyFile: '/nonexistent/id' } },
      'INVALID_ARGUMENT',
    ],
    ['a relative key file', { ...REQUEST, credentials: { kind: 'key', keyFile: 'id_rsa' } }, 'INVALID_ARGUMENT'],
    ['a system folder', { ...REQUEST, installLocation: '/etc/asr' }, 'INSTALL_LOCATION_INVALID'],
    ['a bad CS address', { ...REQUEST, cs: { endpoint: '10.0.0.300', passphrase: 'p' } }, 'INVALID_ARGUMENT'],
    [
      'a key accepted for another server',
      { ...REQUEST, acceptedHostKeys: [{ host: '10.9.9.9', fingerprint: FINGERPRINT }] },
      'INVALID_ARGUMENT',
    ],
  ])('refuses %s in main, before any child starts', async (_name, request, code) => {
    const fixture = makePushService();
    const envelope = await dispatchInvoke(fixture.service.handlers, 'push:start', request);
    expect(envelope.ok ? 'started' : envelope.error.code).toBe(code);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fs.existsSync(fixture.reportFile)).toBe(false);
  });
});

describe('push:check-servers and push:scan-host-keys', () => {
  it('reports each bad line with its number and reason, the CLI rules; comments and blank lines pass', async () => {
    const fixture = makePushService();
    const envelope = await dispatchInvoke(fixture.service.handlers, 'push:check-servers', {
      lines: ['10.0.0.7', '', '# web tier', 'admin@web-01:2222', 'bad_host!', 'root@10.0.0.7', 'db:99999'],
      user: 'root',
    });
    expect(envelope).toEqual({
      ok: true,
      value: {
        hosts: ['10.0.0.7', 'admin@web-01:2222'],
        problems: [
          { line: 5, message: '"bad_host!": "bad_host!" is neither an IP address nor a host name' },
          { line: 6, message: '"root@10.0.0.7": the server 10.0.0.7:22 is already on line 1' },
          { line: 7, message: '"db:99999": "99999" is not a port from 1 to 65535' },
        ],
      },
    });
    expect(checkServerLines(['[fd00::5]:2222'], 'root')).toEqual({ hosts: ['[fd00::5]:2222'], problems: [] });
  });

  it('scans with --scan-host-keys and answers one verdict per server, in order', async () => {
    const fixture = makePushService();
    const envelope = await dispatchInvoke(fixture.service.handlers, 'push:scan-host-keys', {
      hosts: ['new-web', '10.0.0.7'],
      jump: '',
    });
    expect(envelope).toEqual({
      ok: true,
      value: [
        { host: 'new-web', verdict: 'unknown', keyType: 'ssh-ed25519', fingerprint: FINGERPRINT },
        { host: '10.0.0.7', verdict: 'known', keyType: 'ssh-ed25519', fingerprint: FINGERPRINT },
      ],
    });
  });

  it('the key file dialog answers through browseFile', async () => {
    const fixture = makePushService();
    expect(await dispatchInvoke(fixture.service.handlers, 'push:browse-key-file', { current: '/root/k' })).toEqual({
      ok: true,
      value: { path: '/root/k.picked' },
    });
  });
});

describe('the push log and the CSV', () => {
  it('is the CLI log name, served as the third named log', async () => {
    expect(PUSH_LOG_FILE_NAME).toBe(PUSH_LOG_NAME);
    const fixture = makePushService();
    const envelope = await dispatchInvoke(fixture.service.handlers, 'logs:info', { log: 'push' });
    expect(envelope.ok && (envelope.value as { fileName: string }).fileName).toBe(PUSH_LOG_NAME);
  });

  it('lives in --log-dir, the system log folder for root, else the user state folder', () => {
    expect(pushLogFolder('/l', '/var/log/ASRSetupLogs', 1000, {})).toBe('/l');
    expect(pushLogFolder(undefined, '/var/log/ASRSetupLogs', 0, {})).toBe('/var/log/ASRSetupLogs');
    expect(pushLogFolder(undefined, '/var/log/ASRSetupLogs', 1000, { XDG_STATE_HOME: '/home/a/.state' })).toBe(
      '/home/a/.state/mobility-service-setup',
    );
  });

  it('quotes fields with commas, quotes, line breaks or edge spaces', () => {
    expect(['plain', 'a,b', 'say "hi"', 'two\nlines', ' edge', ''].map(csvField)).toEqual([
      'plain',
      '"a,b"',
      '"say ""hi"""',
      '"two\nlines"',
      '" edge"',
      '',
    ]);
    const host: HostResult = {
      host: 'h',
      status: 'Unchanged',
      osLabel: 'RHEL8-64',
      agentVersion: '9.60.0.0',
      hostId: 'x',
      stoppedAt: null,
      error: null,
    };
    expect(pushResultsCsv([host])).toBe(
      'host,status,osLabel,agentVersion,hostId,errorCode,errorMessage\r\nh,Unchanged,RHEL8-64,9.60.0.0,x,,\r\n',
    );
  });
});
