import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod/mini';
import { readJsonIfPresent, readRegularFile, writeFileAtomic } from '../system/atomic-file';
import { REGISTRATION_FILE, REGISTRATION_STATUS_FILE } from '../system/system-layout';

// The agent's registration with its configuration server, kept in the install location: the record (0600:
// endpoint, host id, certificate fingerprint, time; never the passphrase) and its public part for the
// unprivileged wizard (0644).

export const registrationSchema = z.object({
  schema: z.literal(1),
  csEndpoint: z.string(),
  hostId: z.string(),
  fingerprint: z.string(),
  hostName: z.string(),
  agentVersion: z.string(),
  registeredAt: z.string(),
});

export type StoredRegistration = z.infer<typeof registrationSchema>;

export const registrationStatusSchema = z.pick(registrationSchema, {
  csEndpoint: true,
  hostId: true,
  fingerprint: true,
  registeredAt: true,
});
export type RegistrationStatus = z.infer<typeof registrationStatusSchema>;

/** The unprivileged wizard cannot read the 0600 record; what it shows (none of it secret) is public. */
export function writeRegistrationStatus(tree: string, registration: RegistrationStatus): void {
  const status: RegistrationStatus = {
    csEndpoint: registration.csEndpoint,
    hostId: registration.hostId,
    fingerprint: registration.fingerprint,
    registeredAt: registration.registeredAt,
  };
  writeFileAtomic(path.join(tree, REGISTRATION_STATUS_FILE), `${JSON.stringify(status, null, 2)}\n`, 0o644);
}

/** What the wizard shows about the registration, readable without privileges. */
export function readRegistrationStatus(hostLocation: string): RegistrationStatus | undefined {
  try {
    const parsed = registrationStatusSchema.safeParse(
      readJsonIfPresent(path.join(hostLocation, REGISTRATION_STATUS_FILE)),
    );
    return parsed.success ? parsed.data : readRegistration(hostLocation);
  } catch {
    return readRegistration(hostLocation);
  }
}

export function readRegistration(hostLocation: string): StoredRegistration | undefined {
  try {
    const parsed = registrationSchema.safeParse(readJsonIfPresent(path.join(hostLocation, REGISTRATION_FILE)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a registration: the public status first, so a kill in between shows the new server, then the record. */
export function writeRegistration(hostLocation: string, registration: StoredRegistration): void {
  writeRegistrationStatus(hostLocation, registration);
  writeFileAtomic(path.join(hostLocation, REGISTRATION_FILE), `${JSON.stringify(registration, null, 2)}\n`, 0o600);
}

/**
 * An upgrade or repair keeps the agent's registration: the record is copied into the new tree as it is
 * (even one this version cannot read: it is the agent's, not setup's, to drop) and its public status written
 * anew (older agents have none, a killed run may have left it stale). Returns the endpoint, if readable.
 */
export function carryOverRegistration(fromLocation: string, toTree: string): { csEndpoint: string | undefined } | null {
  const data = readRegularFile(path.join(fromLocation, REGISTRATION_FILE), 64 * 1024);
  if (data === undefined) return null;
  fs.writeFileSync(path.join(toTree, REGISTRATION_FILE), data, { mode: 0o600, flag: 'wx' });
  const registration = readRegistration(fromLocation);
  if (registration) writeRegistrationStatus(toTree, registration);
  return { csEndpoint: registration?.csEndpoint };
}

/** After an unregister: the record first (the server no longer knows us), then its public status. */
export function removeRegistration(hostLocation: string): void {
  fs.rmSync(path.join(hostLocation, REGISTRATION_FILE), { force: true });
  fs.rmSync(path.join(hostLocation, REGISTRATION_STATUS_FILE), { force: true });
}
