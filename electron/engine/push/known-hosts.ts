import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// OpenSSH's known_hosts, read and written by hand: ssh2 accepts any host key unless it is given a verifier,
// and no maintained library reads this format (hashed entries, [host]:port, markers, wildcards). A server's
// key is known, unknown (never seen), changed (another key of the same type is recorded: refused before any
// credential is sent) or revoked.

export type HostKeyVerdict =
  | { readonly kind: 'known' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'changed'; readonly recorded: string }
  | { readonly kind: 'revoked' };

interface Entry {
  readonly marker: '' | '@cert-authority' | '@revoked';
  readonly patterns: readonly string[];
  readonly keyType: string;
  readonly key: Buffer;
  readonly line: number;
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return '';
  const length = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + length).toString('latin1');
}

/** OpenSSH's fingerprint: SHA256 of the key blob, base64 without padding. */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * How known_hosts names a host: bare on port 22, `[host]:port` otherwise; lowercased and without brackets of its
 * own first, as OpenSSH does, so that `LOCALHOST` is the `localhost` whose key is recorded (a changed key must not
 * pass for a new server's) and a recorded hash is one OpenSSH matches.
 */
export function hostName(host: string, port: number): string {
  const canonical = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return port === 22 ? canonical : `[${canonical}]:${port}`;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    const expected = Buffer.from(hash, 'base64');
    const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
  return wildcardMatch(pattern, name);
}

function entryMatches(entry: Entry, name: string): boolean {
  let matched = false;
  for (const pattern of entry.patterns) {
    if (pattern.startsWith('!')) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) matched = true;
  }
  return matched;
}

export function parseKnownHosts(text: string): Entry[] {
  const entries: Entry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: Entry['marker'] = '';
    if (fields[0] === '@cert-authority' || fields[0] === '@revoked') marker = fields.shift() as Entry['marker'];
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return;
    entries.push({ marker, patterns: hosts.split(','), keyType, key: Buffer.from(key, 'base64'), line: index + 1 });
  });
  return entries;
}

export class KnownHosts {
  private entries: Entry[];

  constructor(
    readonly file: string,
    text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '',
  ) {
    this.entries = parseKnownHosts(text);
  }

  verdict(host: string, port: number, blob: Buffer): HostKeyVerdict {
    const name = hostName(host, port);
    const type = keyTypeOf(blob);
    const matching = this.entries.filter((entry) => entryMatches(entry, name));
    if (matching.some((entry) => entry.marker === '@revoked' && entry.key.equals(blob))) return { kind: 'revoked' };
    const plain = matching.filter((entry) => entry.marker === '');
    if (plain.some((entry) => entry.key.equals(blob))) return { kind: 'known' };
    const other = plain.find((entry) => entry.keyType === type);
    if (other)
      return {
        kind: 'changed',
        recorded: `${fingerprintOf(other.key)} (${path.basename(this.file)} line ${other.line})`,
      };
    return { kind: 'unknown' };
  }

  /** Records a key the admin accepted, hashed as OpenSSH's HashKnownHosts does, appended atomically per line. */
  add(host: string, port: number, blob: Buffer): void {
    const name = hostName(host, port);
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update(name).digest();
    const line = `|1|${salt.toString('base64')}|${hash.toString('base64')} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`;
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const existing = fs.existsSync(this.file) ? fs.readFileSync(this.file, 'utf8') : '';
    fs.appendFileSync(this.file, existing === '' || existing.endsWith('\n') ? line : `\n${line}`, { mode: 0o600 });
    this.entries = [...this.entries, ...parseKnownHosts(line)];
  }
}
