import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { carryOverRegistration, readRegistration, writeRegistration } from './registration-store';
import { Scratch } from '../test-support/fixtures';

// Security review finding 2: an upgrade copied whatever sat at .asrsetup/registration.json (a link to
// /etc/shadow, or a FIFO that hung root forever holding the lock).

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const REGISTRATION = {
  schema: 1 as const,
  csEndpoint: '10.0.0.5:443',
  hostId: '6c1f0c1e-7a55-4a57-9d8c-2f4b0c6c8c11',
  fingerprint: 'ab'.repeat(32),
  hostName: 'web01',
  agentVersion: '9.60.0.0',
  registeredAt: '2026-11-30T10:00:00.000Z',
};

function trees(name: string): { from: string; to: string; file: string } {
  const from = scratch.path(`${name}-old`);
  const to = scratch.path(`${name}-new`);
  fs.mkdirSync(path.join(from, '.asrsetup'), { recursive: true });
  fs.mkdirSync(path.join(to, '.asrsetup'), { recursive: true });
  return { from, to, file: path.join(from, '.asrsetup', 'registration.json') };
}

describe('carrying the registration over to a new version', () => {
  it('copies a real registration, 0600, with its public status', () => {
    const { from, to } = trees('real');
    writeRegistration(from, REGISTRATION);
    expect(carryOverRegistration(from, to)).toEqual({ csEndpoint: '10.0.0.5:443' });
    expect(readRegistration(to)).toEqual(REGISTRATION);
    expect(fs.statSync(path.join(to, '.asrsetup', 'registration.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses a symbolic link instead of copying what it points to', () => {
    const { from, to, file } = trees('link');
    const secret = path.join(scratch.path('etc'), 'shadow');
    fs.mkdirSync(path.dirname(secret));
    fs.writeFileSync(secret, 'root:$6$secret:19000::::::\n', { mode: 0o600 });
    fs.symlinkSync(secret, file);
    expect(() => carryOverRegistration(from, to)).toThrow(/symbolic link/);
    expect(fs.existsSync(path.join(to, '.asrsetup', 'registration.json'))).toBe(false);
  });

  it('refuses a FIFO at once instead of waiting on it', () => {
    const { from, to, file } = trees('fifo');
    execFileSync('mkfifo', [file]);
    expect(() => carryOverRegistration(from, to)).toThrow(/not a regular file/);
  });
});
