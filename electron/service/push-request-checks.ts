import * as fs from 'node:fs';
import * as path from 'node:path';
import { setupError } from '../../shared/error-catalog';
import type { PushLineProblem, PushRequest } from '../../shared/ipc-contract';
import { parseServerSpec, parseTarget } from '../engine/push/push-targets';
import { makeOwnedTempDir } from '../engine/system/owned-temp-dir';
import { IpcError } from './ipc-dispatch';

// What the wizard asks of a push (or of a fleet's status), checked by main with the push CLI's own rules before
// any child starts, and turned into the CLI's sign-in arguments. A password goes in a 0600 file in a fresh 0700
// folder (never argv or the environment), deleted by dispose() once the child has exited.

/** The servers field, line by line, with the CLI's rules (comments and blank lines allowed, no duplicates). */
export function checkServerLines(
  lines: readonly string[],
  user: string,
): { hosts: string[]; problems: PushLineProblem[] } {
  const hosts: string[] = [];
  const problems: PushLineProblem[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, index) => {
    const text = raw.replace(/#.*$/, '').trim();
    if (text === '') return;
    const parsed = parseTarget(text, user);
    if (!parsed.ok) {
      problems.push({ line: index + 1, message: parsed.reason });
      return;
    }
    const key = `${parsed.target.host}:${parsed.target.port}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push({ line: index + 1, message: `"${text}": the server ${key} is already on line ${first}` });
      return;
    }
    seen.set(key, index + 1);
    hosts.push(parsed.target.spec);
  });
  return { hosts, problems };
}

export function invalid(message: string): IpcError {
  return new IpcError(setupError('INVALID_ARGUMENT', message));
}

export function checkedHosts(hosts: readonly string[], user: string): string[] {
  if (!parseTarget(`${user}@localhost`, user).ok) throw invalid(`"${user}" is not a valid user name`);
  const { hosts: valid, problems } = checkServerLines(hosts, user);
  if (problems.length > 0 || valid.length !== hosts.length)
    throw invalid(problems.map((problem) => problem.message).join('; ') || 'a server is given twice');
  return valid;
}

/** The bastion field: '' or `[user@]host[:port]` hops with commas between, by the CLI's --jump rules. */
export function checkedJump(jump: string): string | undefined {
  const text = jump.trim();
  if (text === '') return undefined;
  for (const hop of text.split(',')) {
    const parsed = parseServerSpec(hop.trim());
    if (!parsed.ok) throw invalid(`the bastion ${parsed.reason}`);
  }
  return text
    .split(',')
    .map((hop) => hop.trim())
    .join(',');
}

/** --max-failures: a number of servers or a percentage. */
export function checkedMaxFailures(value: string | null): string | undefined {
  if (value === null) return undefined;
  const percent = /^(\d{1,3})%$/.exec(value);
  if ((percent && Number(percent[1]) <= 100) || /^\d{1,5}$/.test(value)) return value;
  throw invalid(`"${value}" is neither a number of servers nor a percentage up to 100%`);
}

function readableFile(file: string): void {
  try {
    if (!path.isAbsolute(file)) throw new Error('not an absolute path');
    if (!fs.statSync(file).isFile()) throw new Error('not a file');
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new IpcError(
      setupError('INVALID_ARGUMENT', `the key file ${file} cannot be read (${reason})`, 'Choose a private key file.'),
    );
  }
}

/** The servers, bastions, accepted keys and credentials a push and a status read share. */
export type LoginRequest = Pick<PushRequest, 'hosts' | 'user' | 'credentials' | 'jump' | 'acceptedHostKeys'>;

export interface LoginArguments {
  readonly hosts: readonly string[];
  readonly args: readonly string[];
  /** Deletes the password's folder (once the child has exited). */
  dispose(): void;
}

/** --host, --user, --jump, --identity or --password-file, --known-hosts and --accept-host-key, each checked. */
export function loginArguments(request: LoginRequest, knownHosts: string): LoginArguments {
  const hosts = checkedHosts(request.hosts, request.user);
  const jump = checkedJump(request.jump);
  const jumpHosts = jump ? jump.split(',') : [];
  for (const accepted of request.acceptedHostKeys)
    if (!hosts.includes(accepted.host) && !jumpHosts.includes(accepted.host))
      throw invalid(`an accepted host key names "${accepted.host}", not pushed to`);
  const args = [
    ...hosts.map((host) => `--host=${host}`),
    `--user=${request.user}`,
    ...(jump ? [`--jump=${jump}`] : []),
  ];
  let secretDir: string | undefined;
  if (request.credentials.kind === 'key') {
    readableFile(request.credentials.keyFile);
    args.push(`--identity=${request.credentials.keyFile}`);
  } else {
    // A private folder only this user can enter, a file only this user can read; named after this process, so
    // that one left by an app killed during a push is removed by the next push with a password.
    secretDir = makeOwnedTempDir('asr-push-password-');
    const file = path.join(secretDir, 'password');
    fs.writeFileSync(file, `${request.credentials.password}\n`, { mode: 0o600, flag: 'wx' });
    args.push(`--password-file=${file}`);
  }
  args.push(
    `--known-hosts=${knownHosts}`,
    ...request.acceptedHostKeys.map((key) => `--accept-host-key=${key.host}=${key.fingerprint}`),
  );
  return {
    hosts,
    args,
    dispose: () => {
      if (secretDir) fs.rmSync(secretDir, { recursive: true, force: true });
    },
  };
}
