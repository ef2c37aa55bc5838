import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startReferenceConfigServer,
  type ReferenceConfigServer,
} from '../../e2e/config-server/reference-config-server';
import { startFleet, testMachinesUnavailable, type Fleet } from '../../e2e/test-machines/test-machines';
import { Scratch } from '../../electron/engine/test-support/fixtures';
import {
  ansibleUnavailable,
  filesContaining,
  makeKey,
  ORACLE8,
  packReleases,
  ROLE_DIR,
  runPlaybook,
  sh,
  UBUNTU,
  writeInventory,
  type PlaybookRun,
} from './deploy-support';

// The Ansible role on three real machines (Debian 12, Ubuntu 22.04 and Oracle Linux 8 labels, each with its
// own systemd and sshd) with Debian's ansible: check mode changes nothing; the first run installs and
// registers; the second reports changed=0 and restarts nothing; an upgrade; a wrong passphrase fails with
// its code; absent removes and unregisters, twice; a canary passphrase appears in no -v output and no file.

const scratch = new Scratch();
const unavailable = testMachinesUnavailable() ?? ansibleUnavailable();
const PASSPHRASE = 'canary-ansible-passphrase-5e1b7d';
const LABELS = ['DEBIAN12-64', 'UBUNTU-22.04-64', 'OL8-64'];

let fleet: Fleet | undefined;
let cs: ReferenceConfigServer | undefined;
let work: string;
let releases: string;
const outputs: string[] = [];

function writeVars(name: string, vars: Record<string, string>): string {
  const file = path.join(work, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(vars), { mode: 0o600 });
  return file;
}

function baseVars(extra: Record<string, string> = {}): Record<string, string> {
  if (!cs) throw new Error('no configuration server');
  return {
    mobility_service_release_dir: releases,
    mobility_service_cs_endpoint: `${cs.host}:${cs.port}`,
    mobility_service_passphrase: PASSPHRASE,
    ...extra,
  };
}

async function play(vars: Record<string, string>, ...extra: string[]): Promise<PlaybookRun> {
  const run = await runPlaybook(work, [
    ...['-i', 'inventory.ini', 'site.yml', '-v'],
    ...['-e', `@${writeVars(`vars-${outputs.length}`, vars)}`],
    ...extra,
  ]);
  outputs.push(run.output);
  return run;
}

function expectEveryHost(run: PlaybookRun, check: { changed?: 'none' | 'some'; failed?: number }): void {
  expect(run.recap.size, run.output).toBe(fleet?.machines.length);
  for (const [host, counts] of run.recap) {
    expect(counts.unreachable, `${host}\n${run.output}`).toBe(0);
    expect(counts.failed, `${host}\n${run.output}`).toBe(check.failed ?? 0);
    if (check.changed === 'none') expect(counts.changed, `${host}\n${run.output}`).toBe(0);
    if (check.changed === 'some') expect(counts.changed, `${host}\n${run.output}`).toBeGreaterThan(0);
  }
}

beforeAll(async () => {
  if (unavailable) return;
  work = scratch.path('ansible');
  fs.mkdirSync(work, { recursive: true });
  releases = path.join(work, 'releases');
  await packReleases(releases, '9.61.0.0', LABELS);
  const { key, publicKey } = makeKey(path.join(work, 'ssh'));
  fleet = await startFleet([
    { authorizedKeys: [publicKey] },
    { authorizedKeys: [publicKey], osRelease: UBUNTU },
    { authorizedKeys: [publicKey], osRelease: ORACLE8 },
  ]);
  const passphraseFile = path.join(work, 'cs-passphrase');
  fs.writeFileSync(passphraseFile, `${PASSPHRASE}\n`, { mode: 0o600 });
  cs = await startReferenceConfigServer({ host: fleet.gateway, port: 0, passphraseFile });
  writeInventory(path.join(work, 'inventory.ini'), fleet, key, path.join(work, 'known_hosts'));
  fs.writeFileSync(
    path.join(work, 'site.yml'),
    [
      '- name: Mobility service',
      '  hosts: servers',
      '  gather_facts: false',
      '  roles:',
      '    - mobility_service',
      '',
    ].join('\n'),
  );
}, 300_000);

afterAll(async () => {
  await cs?.close();
  await fleet?.teardown();
  scratch.cleanup();
});

describe.skipIf(unavailable)('the Ansible role on real machines', () => {
  it('passes ansible-lint with the production profile', () => {
    const output = execFileSync('ansible-lint', ['--nocolor', '--profile', 'production', 'mobility_service'], {
      cwd: ROLE_DIR,
      env: { PATH: process.env.PATH, HOME: work, LANG: 'C.UTF-8' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(output).not.toMatch(/violation/i);
  }, 300_000);

  it('check mode on fresh machines reports what would change and changes nothing', async () => {
    const machines = fleet?.machines ?? [];
    const run = await play(baseVars(), '--check');
    expect(run.code, run.output).toBe(0);
    expectEveryHost(run, { changed: 'some' });
    expect(run.output).toMatch(/would install Mobility service 9\.61\.0\.0 \(DEBIAN12-64\)/);
    expect(run.output).toMatch(/would install Mobility service 9\.61\.0\.0 \(UBUNTU-22\.04-64\)/);
    expect(run.output).toMatch(/would install Mobility service 9\.61\.0\.0 \(OL8-64\)/);
    for (const machine of machines)
      expect(await sh(machine, 'ls -A /usr/local; ls /tmp | grep asr-release || true')).toBe('');
    expect(cs?.registeredHosts()).toEqual([]);
  }, 300_000);

  it('installs and registers each server with its own release; a second run reports changed=0 and restarts nothing', async () => {
    const machines = fleet?.machines ?? [];
    const first = await play(baseVars());
    expect(first.code, first.output).toBe(0);
    expectEveryHost(first, { changed: 'some' });
    const pids: string[] = [];
    for (const [index, machine] of machines.entries()) {
      const vx = await sh(machine, 'cat /usr/local/.vx_version');
      expect(vx).toMatch(/^VERSION=9\.61\.0\.0$/m);
      expect(vx).toMatch(/^AGENT_CONFIGURATION_STATUS=Succeeded$/m);
      expect(await sh(machine, 'cat /var/lib/ASRSetup/install-record.json')).toContain(`"${LABELS[index]}"`);
      expect(await sh(machine, 'systemctl is-active asr-mobility')).toBe('active');
      pids.push(await sh(machine, 'systemctl show -p MainPID --value asr-mobility'));
      expect(await sh(machine, 'ls /tmp | grep asr-release || true')).toBe('');
    }
    expect(cs?.registeredHosts()).toHaveLength(3);

    const second = await play(baseVars());
    expect(second.code, second.output).toBe(0);
    expectEveryHost(second, { changed: 'none' });
    for (const [index, machine] of machines.entries())
      expect(await sh(machine, 'systemctl show -p MainPID --value asr-mobility')).toBe(pids[index]);
    expect(cs?.registeredHosts()).toHaveLength(3);

    const check = await play(baseVars(), '--check');
    expectEveryHost(check, { changed: 'none' });
  }, 600_000);

  it('upgrades to a newer release in the folder, keeping the registration', async () => {
    await packReleases(releases, '9.62.0.0', LABELS);
    const run = await play(baseVars());
    expect(run.code, run.output).toBe(0);
    expectEveryHost(run, { changed: 'some' });
    for (const machine of fleet?.machines ?? []) {
      expect(await sh(machine, "sed -n 's/^VERSION=//p' /usr/local/.vx_version")).toBe('9.62.0.0');
      expect(await sh(machine, "sed -n 's/^AGENT_CONFIGURATION_STATUS=//p' /usr/local/.vx_version")).toBe('Succeeded');
    }
    expect(cs?.registeredHosts()).toHaveLength(3);
    const registerTask = /TASK \[mobility_service : Register the agent[^\n]*\n([\s\S]*?)\n\nTASK/.exec(run.output)?.[1];
    expect(registerTask, run.output).toMatch(/^skipping:/);
    expect(registerTask).not.toMatch(/^(changed|ok):/m);
  }, 600_000);

  it("a wrong passphrase fails the task with the configurator's code and remedy", async () => {
    if (!fleet) throw new Error('no fleet');
    const other = path.join(work, 'other-passphrase');
    fs.writeFileSync(other, 'a-different-passphrase\n', { mode: 0o600 });
    const second = await startReferenceConfigServer({ host: fleet.gateway, port: 0, passphraseFile: other });
    try {
      const run = await play(
        baseVars({ mobility_service_cs_endpoint: `${second.host}:${second.port}` }),
        '--limit',
        fleet.machines[0]?.id ?? '',
      );
      expect(run.code).not.toBe(0);
      expect(run.recap.get(fleet.machines[0]?.id ?? '')?.failed).toBe(1);
      expect(run.output).toMatch(/CS_AUTH_FAILED: .+ Remedy: /);
      expect(second.registeredHosts()).toEqual([]);
    } finally {
      await second.close();
    }
  }, 300_000);

  it('absent uninstalls and unregisters; a second absent reports changed=0', async () => {
    const machines = fleet?.machines ?? [];
    const vars = baseVars({ mobility_service_state: 'absent' });
    const check = await play(vars, '--check');
    expectEveryHost(check, { changed: 'some' });
    expect(cs?.registeredHosts()).toHaveLength(3);

    const run = await play(vars);
    expect(run.code, run.output).toBe(0);
    expectEveryHost(run, { changed: 'some' });
    for (const machine of machines) {
      expect(await sh(machine, 'test -e /usr/local/ASR -o -e /usr/local/.vx_version && echo left || echo gone')).toBe(
        'gone',
      );
      expect(await sh(machine, 'systemctl list-unit-files asr-mobility.service --no-legend | wc -l')).toBe('0');
    }
    expect(cs?.registeredHosts()).toEqual([]);

    const again = await play(vars);
    expect(again.code, again.output).toBe(0);
    expectEveryHost(again, { changed: 'none' });
  }, 600_000);

  it('the passphrase appears in no -v output and in no file on the machines', async () => {
    expect(outputs.length).toBeGreaterThan(4);
    for (const output of outputs) expect(output).not.toContain(PASSPHRASE);
    for (const machine of fleet?.machines ?? []) expect(await filesContaining(machine, PASSPHRASE)).toEqual([]);
  }, 300_000);
});
