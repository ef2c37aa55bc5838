import type { Readable } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import { fingerprintOf, type HostKeyVerdict } from './known-hosts';
import type { PushTarget } from './push-targets';

// One SSH connection to a server, over ssh2 (pure JavaScript, maintained; chosen over the system's OpenSSH
// client so that host keys, credentials and every channel stay in this process: the password and the
// passphrase never touch an argv or a file, and a hundred servers are a hundred sockets, not processes).
// The host key is judged before any credential is sent; a key the admin has not accepted ends the
// connection right there.

export type Credentials = { readonly privateKey: Buffer } | { readonly password: string };

export interface HostKeyPolicy {
  /** Judges the server's key against the known hosts. */
  judge(target: PushTarget, key: Buffer): HostKeyVerdict;
  /** Whether an unknown key is accepted (--accept-new-host-keys, or this very fingerprint accepted for it). */
  acceptsUnknown(target: PushTarget, key: Buffer): boolean;
  /** Records an accepted key. */
  record(target: PushTarget, key: Buffer): void;
}

export interface ExecResult {
  readonly code: number | null;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Written to the command's stdin, which is then closed unless `keepOpen`. */
  readonly input?: Buffer | string;
  /** A stream of bytes for stdin (the release), piped with backpressure once the channel is open; destroyed when the channel closes. */
  readonly inputStream?: Readable;
  /** Bytes of `inputStream` handed to the channel so far. */
  readonly onInputBytes?: (bytes: number) => void;
  /** Keep stdin open after `input`; closing it is how a running install is cancelled. */
  readonly keepOpen?: boolean;
  readonly onStdoutLine?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export class PushFailure extends Error {
  constructor(readonly error: SetupError) {
    super(error.message);
  }
}

export class SshConnection {
  private constructor(private readonly client: Client) {}

  static connect(
    target: PushTarget,
    credentials: Credentials,
    hostKeys: HostKeyPolicy,
    timeoutMs: number,
  ): Promise<SshConnection> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      let keyProblem: SetupError | undefined;
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.user,
        readyTimeout: timeoutMs,
        keepaliveInterval: 10_000,
        keepaliveCountMax: 3,
        ...('privateKey' in credentials
          ? { privateKey: credentials.privateKey }
          : { password: credentials.password, tryKeyboard: true }),
        hostVerifier: (key: Buffer) => {
          const verdict = hostKeys.judge(target, key);
          if (verdict.kind === 'known') return true;
          const fingerprint = fingerprintOf(key);
          if (verdict.kind === 'unknown' && hostKeys.acceptsUnknown(target, key)) {
            hostKeys.record(target, key);
            return true;
          }
          keyProblem =
            verdict.kind === 'unknown'
              ? setupError(
                  'PUSH_HOST_KEY_UNKNOWN',
                  `${target.spec}: the server's host key ${fingerprint} is not in the known hosts file; nothing was sent`,
                )
              : setupError(
                  'PUSH_HOST_KEY_CHANGED',
                  verdict.kind === 'revoked'
                    ? `${target.spec}: the server's host key ${fingerprint} is marked revoked; nothing was sent`
                    : `${target.spec}: the server's host key is now ${fingerprint}, but ${verdict.recorded} is recorded for it; nothing was sent`,
                );
          return false;
        },
      };
      client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
        // Password servers often ask through keyboard-interactive: the one answer they want is the password.
        finish(prompts.map(() => ('password' in credentials ? credentials.password : '')));
      });
      client.once('ready', () => resolve(new SshConnection(client)));
      client.once('error', (error: Error & { level?: string; code?: string }) => {
        client.end();
        reject(new PushFailure(keyProblem ?? connectionError(target, error)));
      });
      client.connect(config);
    });
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error: Error | undefined, channel: ClientChannel) => {
        if (error) {
          reject(error);
          return;
        }
        let stdout = '';
        let stderr = '';
        let carry = '';
        const onAbort = (): void => {
          channel.end();
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('data', (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          stdout += text.length + stdout.length > 4 * 1024 * 1024 ? '' : text;
          if (!options.onStdoutLine) return;
          const lines = (carry + text).split('\n');
          carry = lines.pop() ?? '';
          for (const line of lines) options.onStdoutLine(line);
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          if (stderr.length < 1024 * 1024) stderr += chunk.toString('utf8');
        });
        channel.on('close', (code: number | null, signal?: string) => {
          options.signal?.removeEventListener('abort', onAbort);
          options.inputStream?.destroy();
          if (carry && options.onStdoutLine) options.onStdoutLine(carry);
          resolve({ code: code ?? null, signal, stdout, stderr });
        });
        if (options.inputStream) {
          const input = options.inputStream;
          let sent = 0;
          input.on('error', () => channel.close());
          // Counted here, not before: a 'data' listener starts the stream, and bytes read before the pipe
          // was attached would be lost.
          input.on('data', (chunk: Buffer) => options.onInputBytes?.((sent += chunk.length)));
          // The release ends, stdin stays open: closing it is how a running install is cancelled.
          input.pipe(channel, { end: !options.keepOpen });
        } else {
          if (options.input !== undefined) channel.write(options.input);
          if (!options.keepOpen) channel.end();
        }
      });
    });
  }

  close(): void {
    this.client.end();
  }
}

function connectionError(target: PushTarget, error: Error & { level?: string; code?: string }): SetupError {
  const where = `${target.spec} (${target.host} port ${target.port})`;
  if (error.level === 'client-authentication')
    return setupError('PUSH_AUTH_FAILED', `${where}: the server refused user ${target.user} with these credentials`);
  if (error.level === 'handshake') {
    const legacy = /no matching|algorithm/i.test(error.message)
      ? `; it offers only methods this installer does not use (${error.message}): an SSH server too old to be trusted`
      : `: ${error.message}`;
    return setupError('PUSH_UNREACHABLE', `${where}: the SSH handshake failed${legacy}`);
  }
  if (error.level === 'client-timeout')
    return setupError('PUSH_UNREACHABLE', `${where}: no SSH answer within the connection timeout`);
  const why =
    error.code === 'ECONNREFUSED'
      ? 'nothing listens on that port (connection refused)'
      : error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH'
        ? 'no route to the server'
        : error.code === 'ETIMEDOUT'
          ? 'the connection timed out'
          : error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN'
            ? 'the host name does not resolve'
            : error.message;
  return setupError('PUSH_UNREACHABLE', `${where}: ${why}`);
}

/**
 * The server's host key, fetched without logging in (as ssh-keyscan does): the connection is dropped at the
 * key exchange, so no user name or credential is ever offered.
 */
export function scanHostKey(target: PushTarget, timeoutMs: number): Promise<{ key: Buffer } | { error: SetupError }> {
  return new Promise((resolve) => {
    const client = new Client();
    let key: Buffer | undefined;
    client.once('ready', () => {
      client.end();
      resolve(key ? { key } : { error: setupError('PUSH_UNREACHABLE', `${target.spec}: no host key was offered`) });
    });
    client.once('error', (error: Error & { level?: string; code?: string }) => {
      client.end();
      resolve(key ? { key } : { error: connectionError(target, error) });
    });
    client.connect({
      host: target.host,
      port: target.port,
      username: 'host-key-scan',
      readyTimeout: timeoutMs,
      hostVerifier: (offered: Buffer) => {
        key = Buffer.from(offered);
        return false;
      },
    });
  });
}
