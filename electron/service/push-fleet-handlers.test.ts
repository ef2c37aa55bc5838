import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { FleetStatusRequest } from '../../shared/ipc-contract';
import { Scratch } from '../engine/test-support/fixtures';
import { dispatchInvoke, type InvokeHandlers } from './ipc-dispatch';
import { createFleetHandlers } from './push-fleet-handlers';

// The wizard's inventories (read by main with the push CLI's own reader) and its fleet view (push-install
// --status in a child; here a stand-in that reports its argv and the password file it was given, then prints
// a server-status line a server).

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const PASSWORD = 'ssh-password-5e1c77';

const STAND_IN = `'use strict';
const fs = require('node:fs');
const args = process.argv.slice(2);
const hosts = args.filter((a) => a.startsWith('--host=')).map((a) => a.slice(7));
const passwordFile = args.find((a) => a.startsWith('--password-file='))?.slice(16);
fs.writeFileSync(process.env.REPORT_FILE, JSON.stringify({
  args, passwordFile, password: passwordFile ? fs.readFileSync(passwordFile, 'utf8') : null,
}));
if (process.env.STAND_IN_MODE === 'die') { process.stdout.write(JSON.stringify({ type: 'server-status', host: hosts[0], reachable: true, installed: false }) + '\\n'); process.exit(9); }
hosts.forEach((host, i) => process.stdout.write(JSON.stringify({
  type: 'server-status', host, address: host, reachable: i !== 1, source: i === 0 ? 'agent' : 'none',
  osLabel: 'DEBIAN12-64', installed: i === 0, agentVersion: i === 0 ? '9.60.0.0' : null, installLocation: null,
  role: null, platform: null, registration: null, service: i === 0 ? 'active' : 'absent', lastResult: null,
  latestVersion: null, outdated: false,
  error: i === 1 ? { code: 'PUSH_UNREACHABLE', message: host + ' did not answer', remedy: 'r' } : null,
}) + '\\n'));
process.stdout.write(JSON.stringify({ type: 'server-status', host: 'not-asked-for', reachable: true, installed: true }) + '\\n');
process.exit(hosts.length > 1 ? 1 : 0);
`;

function handlers(mode = 'ok'): { handlers: InvokeHandlers; report: () => Record<string, unknown> } {
  const script = `${scratch.path('push-install')}.cjs`;
  fs.writeFileSync(script, STAND_IN);
  const reportFile = scratch.path('report');
  const fleet = createFleetHandlers({
    runtime: { command: process.execPath, env: { REPORT_FILE: reportFile, STAND_IN_MODE: mode }, nodeOptions: [] },
    script,
    repository: '/srv/asr-repository',
    knownHosts: '/tmp/known_hosts',
  });
  return {
    handlers: fleet as unknown as InvokeHandlers,
    report: () => JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Record<string, unknown>,
  };
}

const STATUS: FleetStatusRequest = {
  hosts: ['10.0.0.7', 'admin@web-01:2222'],
  user: 'root',
  credentials: { kind: 'password', password: PASSWORD },
  parallel: 8,
  jump: 'jump@bastion',
  acceptedHostKeys: [],
};

const INVENTORY = `# the fleet
[web]
web-01 ansible_host=10.0.0.7
web-02 ansible_host=fd00::8 ansible_port=2222 ansible_user=admin

[db]
db-01 ansible_ssh_private_key_file=/root/.ssh/db_key

[prod:children]
web
db
`;

describe('push:read-inventory', () => {
  it('turns the servers of an INI inventory into server lines, narrowed by the limit as Ansible reads it', async () => {
    const { handlers: h } = handlers();
    const all = await dispatchInvoke(h, 'push:read-inventory', { name: 'hosts.ini', text: INVENTORY, limit: '' });
    expect(all).toEqual({
      ok: true,
      value: {
        lines: ['10.0.0.7  # web-01', 'admin@[fd00::8]:2222  # web-02', 'db-01'],
        ownKeys: ['db-01'],
      },
    });
    const web = await dispatchInvoke(h, 'push:read-inventory', {
      name: '/home/admin/hosts.ini',
      text: INVENTORY,
      limit: 'prod:!db',
    });
    expect(web).toEqual({
      ok: true,
      value: { lines: ['10.0.0.7  # web-01', 'admin@[fd00::8]:2222  # web-02'], ownKeys: [] },
    });
  });

  it('reads YAML inventories too', async () => {
    const yaml =
      'all:\n  children:\n    web:\n      hosts:\n        web-01:\n          ansible_host: 10.0.0.7\n          ansible_port: 2200\n';
    const answer = await dispatchInvoke(handlers().handlers, 'push:read-inventory', {
      name: 'hosts.yml',
      text: yaml,
      limit: 'web',
    });
    expect(answer).toEqual({ ok: true, value: { lines: ['10.0.0.7:2200  # web-01'], ownKeys: [] } });
  });

  it('refuses a malformed inventory with its line, a limit matching nothing, a regular expression and too many servers', async () => {
    const { handlers: h } = handlers();
    const bad = await dispatchInvoke(h, 'push:read-inventory', {
      name: 'hosts.ini',
      text: '[web]\nweb-01 ansible_port=notaport\n',
      limit: '',
    });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/hosts\.ini line 2/) },
    });
    const none = await dispatchInvoke(h, 'push:read-inventory', { name: 'hosts.ini', text: INVENTORY, limit: 'mail' });
    expect(none).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('mail') },
    });
    const regex = await dispatchInvoke(h, 'push:read-inventory', {
      name: 'hosts.ini',
      text: INVENTORY,
      limit: '~(a+)+$',
    });
    expect(regex).toMatchObject({ ok: false, error: { message: expect.stringContaining('regular expression') } });
    const many = await dispatchInvoke(h, 'push:read-inventory', {
      name: 'big.ini',
      text: '[all]\nweb-[0001:1001]\n',
      limit: '',
    });
    expect(many).toMatchObject({ ok: false, error: { message: expect.stringContaining('1001 servers') } });
  });
});

describe('push:fleet-status', () => {
  it('runs push-install --status with the sign-in arguments (a password in a file, gone after), one row a server', async () => {
    const { handlers: h, report } = handlers();
    const answer = await dispatchInvoke(h, 'push:fleet-status', STATUS);
    expect(answer.ok).toBe(true);
    const rows = (answer as { value: { host: string; reachable: boolean; installed: boolean }[] }).value;
    // In the order asked, only the servers asked for, without the line's type.
    expect(rows.map((row) => [row.host, row.reachable, row.installed])).toEqual([
      ['10.0.0.7', true, true],
      ['admin@web-01:2222', false, false],
    ]);
    expect(rows[0]).not.toHaveProperty('type');
    const seen = report();
    const args = seen.args as string[];
    expect(args.slice(0, 2)).toEqual(['--status', '--json']);
    expect(args).toEqual(
      expect.arrayContaining([
        '--host=10.0.0.7',
        '--host=admin@web-01:2222',
        '--jump=jump@bastion',
        '--known-hosts=/tmp/known_hosts',
        '--repository=/srv/asr-repository',
        '--parallel=8',
      ]),
    );
    expect(args.join(' ')).not.toContain(PASSWORD);
    expect(seen.password).toBe(`${PASSWORD}\n`);
    expect(fs.existsSync(seen.passwordFile as string)).toBe(false);
  });

  it('a child that stops before every server answered is an error naming how many are missing', async () => {
    const answer = await dispatchInvoke(handlers('die').handlers, 'push:fleet-status', STATUS);
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'INSTALL_FAILED', message: expect.stringMatching(/before 1 server\(s\) answered/) },
    });
  });

  it('refuses a bad server or bastion before any child starts', async () => {
    const { handlers: h } = handlers();
    const badHost = await dispatchInvoke(h, 'push:fleet-status', { ...STATUS, hosts: ['web 01'] });
    expect(badHost).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const badJump = await dispatchInvoke(h, 'push:fleet-status', { ...STATUS, jump: 'bad host' });
    expect(badJump).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('bastion') },
    });
  });
});
