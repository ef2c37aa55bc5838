import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type * as Opaque from '@serenity-kit/opaque';
import { OPAQUE_USER_IDENTIFIER } from '../../../shared/registration-protocol';

// The protocol's crypto (docs/protocol.md "Definitions"), shared by the configurator and the reference server.

export type OpaqueLibrary = typeof Opaque;

let opaqueLibrary: Promise<OpaqueLibrary> | undefined;

/**
 * @serenity-kit/opaque, ready to use. Loaded on first use rather than imported: the module compiles its
 * WebAssembly (inlined as base64, so bundles need no side file) as soon as it is evaluated, and the release's
 * one bundle also serves `install`, which never registers.
 */
export function loadOpaque(): Promise<OpaqueLibrary> {
  opaqueLibrary ??= import('@serenity-kit/opaque').then(async (library) => {
    await library.ready;
    return library;
  });
  return opaqueLibrary;
}

/** What the CS keeps instead of the passphrase: its OPAQUE server setup and the record for the agents. */
export interface OpaqueCredentials {
  serverSetup: string;
  registrationRecord: string;
}

/**
 * Runs OPAQUE registration for OPAQUE_USER_IDENTIFIER with both halves in one place, as the CS does when its
 * passphrase is generated. The passphrase is needed only here. Whoever holds the result can still test guesses
 * offline, each at the price of OPAQUE's key stretching; nobody else can.
 */
export async function createOpaqueCredentials(passphrase: string): Promise<OpaqueCredentials> {
  const { client, server } = await loadOpaque();
  const serverSetup = server.createSetup();
  const started = client.startRegistration({ password: passphrase });
  const { registrationResponse } = server.createRegistrationResponse({
    serverSetup,
    userIdentifier: OPAQUE_USER_IDENTIFIER,
    registrationRequest: started.registrationRequest,
  });
  const { registrationRecord } = client.finishRegistration({
    clientRegistrationState: started.clientRegistrationState,
    registrationResponse,
    password: passphrase,
  });
  return { serverSetup, registrationRecord };
}

/** docs/protocol.md: the passphrase file as UTF-8 with trailing \r and \n removed. */
export function normalisePassphrase(fileContent: Buffer): string {
  return fileContent.toString('utf8').replace(/[\r\n]+$/, '');
}

/** mac2(s) = lower-case hex HMAC-SHA256(sessionKey bytes, s); the session key as OPAQUE gives it, base64url. */
export function mac2(sessionKey: string, input: string): string {
  return createHmac('sha256', Buffer.from(sessionKey, 'base64url')).update(input, 'utf8').digest('hex');
}

/** 32 random bytes, base64url without padding: the server's login ids. */
export function newLoginId(): string {
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
