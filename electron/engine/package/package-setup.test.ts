import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPackageSetup } from './package-setup';
import { Scratch } from '../test-support/fixtures';

// Security review finding 7: what a package declares reaches a root unit file, so it is held to one line of
// plain text and to a reserved service name prefix.

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

function tree(service: unknown, components?: unknown): string {
  const dir = scratch.path('tree');
  fs.mkdirSync(path.join(dir, 'setup'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'agent'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'setup', 'service.json'), JSON.stringify(service));
  if (components) fs.writeFileSync(path.join(dir, 'setup', 'components.json'), JSON.stringify(components));
  return dir;
}

const service = { name: 'asr-mobility', description: 'Mobility service', exec: 'bin/agent', args: [] };

describe('setup/service.json', () => {
  it('accepts a service named from the asr- prefix', () => {
    expect(readPackageSetup(tree(service)).service?.name).toBe('asr-mobility');
  });

  it.each(['ssh', 'sshd', 'systemd-journald', 'ASR-mobility', 'asr-'])('refuses the name %j', (name) => {
    expect(() => readPackageSetup(tree({ ...service, name }))).toThrow(/"asr-" followed by lower-case letters/);
  });

  it.each([
    ['a newline in the description', { description: 'Agent\nExecStartPre=/bin/sh -c "id > /tmp/x"' }],
    ['a CR in the description', { description: 'Agent\rx' }],
    ['a newline in an argument', { args: ['--x', 'y\nExecStopPost=/bin/true'] }],
    ['an escape in an argument', { args: ['\u001b[2J'] }],
  ])('refuses %s', (_what, change) => {
    expect(() => readPackageSetup(tree({ ...service, ...change }))).toThrow(/no control characters/);
  });

  it('refuses a declaration that is a symbolic link or a FIFO, without blocking on it', () => {
    const dir = tree(service);
    const file = path.join(dir, 'setup', 'service.json');
    fs.rmSync(file);
    fs.symlinkSync('/etc/passwd', file);
    expect(() => readPackageSetup(dir)).toThrow(/symbolic link/);
    fs.rmSync(file);
    execFileSync('mkfifo', [file]);
    expect(() => readPackageSetup(dir)).toThrow(/not a regular file/);
  });
});

describe('setup/components.json', () => {
  it('refuses a title or an argument with control characters', () => {
    const component = { id: 'vss', title: 'VSS', run: 'bin/agent' };
    expect(() => readPackageSetup(tree(service, [{ ...component, title: 'VSS\nOK' }]))).toThrow(/no control/);
    expect(() => readPackageSetup(tree(service, [{ ...component, args: ['a\u0007'] }]))).toThrow(/no control/);
  });
});
