import { createHmac, generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintOf, KnownHosts, keyTypeOf } from './known-hosts';
import { Scratch } from '../test-support/fixtures';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** An ed25519 public key blob as SSH sends it: string "ssh-ed25519", string key. */
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const name = Buffer.from('ssh-ed25519');
  const length = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([length(name.length), name, length(raw.length), raw]);
}

const keyA = ed25519Blob();
const keyB = ed25519Blob();
const line = (host: string, key: Buffer) => `${host} ${keyTypeOf(key)} ${key.toString('base64')}`;

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('knows a key recorded for the host, plain, hashed, with a port, or by a wildcard', () => {
    const file = scratch.path('known_hosts');
    fs.writeFileSync(
      file,
      [
        '# comment',
        line('10.0.0.5,web01', keyA),
        line(hashed('10.0.0.6'), keyA),
        line('[10.0.0.7]:2222', keyA),
        line('10.0.1.*,!10.0.1.9', keyA),
      ].join('\n'),
    );
    const known = new KnownHosts(file);
    expect(known.verdict('10.0.0.5', 22, keyA)).toEqual({ kind: 'known' });
    expect(known.verdict('web01', 22, keyA)).toEqual({ kind: 'known' });
    expect(known.verdict('10.0.0.6', 22, keyA)).toEqual({ kind: 'known' });
    expect(known.verdict('10.0.0.7', 2222, keyA)).toEqual({ kind: 'known' });
    expect(known.verdict('10.0.0.7', 22, keyA)).toEqual({ kind: 'unknown' });
    expect(known.verdict('10.0.1.3', 22, keyA)).toEqual({ kind: 'known' });
    expect(known.verdict('10.0.1.9', 22, keyA)).toEqual({ kind: 'unknown' });
  });

  it('calls another key of the same type changed, naming the recorded one, and honours @revoked', () => {
    const file = scratch.path('known_hosts');
    fs.writeFileSync(
      file,
      `${line(hashed('10.0.0.6'), keyA)}\n@revoked * ${keyTypeOf(keyB)} ${keyB.toString('base64')}\n`,
    );
    const known = new KnownHosts(file);
    expect(known.verdict('10.0.0.6', 22, keyB)).toEqual({ kind: 'revoked' });
    fs.writeFileSync(file, `${line(hashed('10.0.0.6'), keyA)}\n`);
    expect(new KnownHosts(file).verdict('10.0.0.6', 22, keyB)).toEqual({
      kind: 'changed',
      recorded: `${fingerprintOf(keyA)} (${path.basename(file)} line 1)`,
    });
  });

  it('records an accepted key hashed, so the next run knows it, and OpenSSH reads the file', () => {
    const file = path.join(scratch.path('ssh'), 'known_hosts');
    const known = new KnownHosts(file);
    known.add('10.0.0.8', 2200, keyA);
    expect(known.verdict('10.0.0.8', 2200, keyA)).toEqual({ kind: 'known' });
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
    expect(text).not.toContain('10.0.0.8');
    expect(new KnownHosts(file).verdict('10.0.0.8', 2200, keyA)).toEqual({ kind: 'known' });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const found = spawnSync('ssh-keygen', ['-F', '[10.0.0.8]:2200', '-f', file], { encoding: 'utf8' });
    expect(found.stdout).toContain(keyA.toString('base64'));
  });

  it('matches host names as OpenSSH does, case-insensitively: a changed key under another spelling is still changed', () => {
    const known = new KnownHosts(
      scratch.path('kh-case'),
      `${line('[localhost]:2299', keyA)}\n${line(hashed('web01.corp'), keyA)}\n`,
    );
    expect(known.verdict('LOCALHOST', 2299, keyB).kind).toBe('changed');
    expect(known.verdict('Web01.CORP', 22, keyA).kind).toBe('known');
    expect(known.verdict('[localhost]', 2299, keyA).kind).toBe('known');
    // A key accepted under an uppercase name is recorded as OpenSSH looks it up: lowercase.
    const file = scratch.path('kh-add');
    new KnownHosts(file).add('DB01.Corp', 22, keyA);
    expect(new KnownHosts(file).verdict('db01.corp', 22, keyA).kind).toBe('known');
  });

  it('prints fingerprints as OpenSSH does', () => {
    const file = scratch.path('key.pub');
    fs.writeFileSync(file, `${line('', keyA).trim()}\n`);
    const listed = spawnSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' });
    expect(listed.stdout.split(' ')[1]).toBe(fingerprintOf(keyA));
  });
});
