import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// The protocol's crypto (docs/protocol.md "Definitions"), shared by the configurator and the reference server.

/** docs/protocol.md: the passphrase file as UTF-8 with trailing \r and \n removed. */
export function normalisePassphrase(fileContent: Buffer): string {
  return fileContent.toString('utf8').replace(/[\r\n]+$/, '');
}

/** key = SHA-256(passphrase bytes). */
export function passphraseKey(passphrase: string): Buffer {
  return createHash('sha256').update(passphrase, 'utf8').digest();
}

/** mac(s) = lower-case hex HMAC-SHA256(key, s). */
export function mac(key: Buffer, input: string): string {
  return createHmac('sha256', key).update(input, 'utf8').digest('hex');
}

/** 32 random bytes, base64url without padding. */
export function newNonce(): string {
  return randomBytes(32).toString('base64url');
}

/** fp = lower-case hex SHA-256 of the leaf certificate in DER form. */
export function certificateFingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/** Constant-time comparison of two hex MACs. */
export function macEquals(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
