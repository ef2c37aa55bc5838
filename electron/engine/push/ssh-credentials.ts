import * as fs from 'node:fs';
import * as path from 'node:path';
import { utils as sshUtils, type AnyAuthMethod, type AuthHandlerMiddleware, type ParsedKey } from 'ssh2';
import type { Credentials } from './push-targets';

// Logins as OpenSSH makes them: the agent's keys (unless IdentitiesOnly with key files of its own), then each
// key file, then the password (also through keyboard-interactive, which password servers often use). Key files
// are read and decrypted once, before any connection, so a wrong passphrase is an argument error, not a
// hundred failed logins.

/** OpenSSH's default key files, tried when neither the command line nor the config names one. */
export const DEFAULT_KEY_FILES = [
  'id_rsa',
  'id_ecdsa',
  'id_ecdsa_sk',
  'id_ed25519',
  'id_ed25519_sk',
  'id_xmss',
  'id_dsa',
];

export class CredentialError extends Error {}

export interface KeyLoader {
  /** The passphrase for encrypted keys (--identity-passphrase-file, or asked on a terminal); undefined if none. */
  readonly passphrase: () => string | undefined;
}

/**
 * Reads and decrypts a private key. A key named by the admin (`explicit`) that cannot be used is an error;
 * one of OpenSSH's default files is skipped (undefined) when missing or encrypted without a passphrase, as
 * `ssh -o BatchMode=yes` skips it.
 */
export function loadKey(
  file: string,
  explicit: boolean,
  loader: KeyLoader,
  origin = 'the key file',
): ParsedKey | undefined {
  const named = `${origin} ${file}`;
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (error) {
    if (!explicit) return undefined;
    throw new CredentialError(`${named} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
  let parsed = sshUtils.parseKey(data);
  if (parsed instanceof Error && /encrypted|passphrase/i.test(parsed.message)) {
    const passphrase = loader.passphrase();
    if (passphrase === undefined) {
      if (!explicit) return undefined;
      throw new CredentialError(
        `${named} is encrypted: give its passphrase with --identity-passphrase-file FILE|- (or run on a terminal to be asked), or load it into ssh-agent`,
      );
    }
    parsed = sshUtils.parseKey(data, passphrase);
    if (parsed instanceof Error)
      throw new CredentialError(`${named} cannot be decrypted with the passphrase given (${parsed.message})`);
  }
  if (parsed instanceof Error) {
    if (!explicit) return undefined;
    throw new CredentialError(`${named} is not a private key this tool reads (${parsed.message})`);
  }
  const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey | undefined) : parsed;
  if (!key) throw new CredentialError(`${named} holds no key`);
  return key;
}

/** Where OpenSSH looks for keys when none is named: ~/.ssh/id_* that exist. */
export function defaultKeyFiles(home: string): string[] {
  return DEFAULT_KEY_FILES.map((name) => path.join(home, '.ssh', name)).filter((file) => fs.existsSync(file));
}

export function hasCredentials(credentials: Credentials): boolean {
  return credentials.agentSocket !== undefined || credentials.keys.length > 0 || credentials.password !== undefined;
}

/** The methods to try, in order, for ssh2's authHandler; each is offered only if the server still allows it. */
export function authHandler(user: string, credentials: Credentials): AuthHandlerMiddleware {
  const queue: AnyAuthMethod[] = [];
  if (credentials.agentSocket) queue.push({ type: 'agent', username: user, agent: credentials.agentSocket });
  for (const { key } of credentials.keys) queue.push({ type: 'publickey', username: user, key });
  const password = credentials.password;
  if (password !== undefined) {
    queue.push({ type: 'password', username: user, password });
    queue.push({
      type: 'keyboard-interactive',
      username: user,
      // Password servers often ask through keyboard-interactive: the one answer they want is the password.
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
  }
  return (methodsLeft, _partialSuccess, next) => {
    for (;;) {
      const method = queue.shift();
      // ssh2 takes false for "no more methods"; its types do not say so.
      if (!method) return next(false as unknown as AnyAuthMethod);
      // null on the first attempt, before the server has said what it allows.
      const left = methodsLeft as readonly string[] | null;
      const allowed = left === null || left.includes(method.type === 'agent' ? 'publickey' : method.type);
      if (allowed) return next(method);
    }
  };
}
