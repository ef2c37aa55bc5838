import type { Duplex, Readable } from 'node:stream';
import { Client, type ClientChannel, type ConnectConfig } from 'ssh2';
import { setupError, type SetupError } from '../../../shared/error-catalog';
import { fingerprintOf } from './known-hosts';
import type { PushTarget, ServerAddress, SshHop } from './push-targets';
import { authHandler } from './ssh-credentials';

// One SSH connection to a server, over ssh2 (pure JavaScript, maintained; chosen over the system's OpenSSH
// client so that host keys, credentials and every channel stay in this process: the password and the
// passphrase never touch an argv or a file, and a hundred servers are a hundred sockets, not processes).
// The host key is judged before any credential is sent; a key the admin has not accepted ends the
// connection right there. Jump hosts are hops of the same kind, each judged the same way (jump-hosts.ts).

/** Opens the stream to a server through jump hosts; undefined when it is reached directly. */
export interface JumpRoutes {
  streamTo(target: PushTarget): Promise<Duplex | undefined>;
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

/** The longest line of a server's output taken whole; a longer one is cut (a hostile server sends no newline). */
const MAX_LINE = 64 * 1024;
/** The most of a command's output kept; the rest is dropped, so a server cannot fill this process's memory. */
const MAX_OUTPUT = 4 * 1024 * 1024;

export class SshConnection {
  private readonly closed: Promise<void>;

  private constructor(private readonly client: Client) {
    this.closed = new Promise((resolve) => client.once('close', () => resolve()));
  }

  /** Connects; an abort (the host timeout, a cancel) ends the attempt at once, whatever the server does. */
  static async connect(target: PushTarget, routes: JumpRoutes, signal?: AbortSignal): Promise<SshConnection> {
    const sock = target.jumps.length > 0 ? await routes.streamTo(target) : undefined;
    return new SshConnection(await openClient(target, sock, signal));
  }

  /** Ends the connection now, without waiting for the server: every command running on it returns. */
  destroy(): void {
    this.client.destroy();
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
        let done = false;
        const onAbort = (): void => {
          channel.end();
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        channel.on('data', (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          if (stdout.length < MAX_OUTPUT) stdout += text.slice(0, MAX_OUTPUT - stdout.length);
          if (!options.onStdoutLine) return;
          // Only the new text is split; a line past MAX_LINE is cut there and the rest of it dropped.
          const lines = text.split('\n');
          const last = lines.pop() ?? '';
          for (const line of lines) {
            options.onStdoutLine((carry + line).slice(0, MAX_LINE));
            carry = '';
          }
          if (carry.length < MAX_LINE) carry += last.slice(0, MAX_LINE - carry.length);
        });
        channel.stderr.on('data', (chunk: Buffer) => {
          if (stderr.length < 1024 * 1024) stderr += chunk.toString('utf8');
        });
        const finish = (code: number | null, signal: string | undefined): void => {
          if (done) return;
          done = true;
          options.signal?.removeEventListener('abort', onAbort);
          options.inputStream?.destroy();
          if (carry && options.onStdoutLine) options.onStdoutLine(carry);
          resolve({ code, signal, stdout, stderr });
        };
        channel.on('close', (code: number | null, signal?: string) => finish(code ?? null, signal));
        // A destroyed connection may never close its channels: the command has ended all the same.
        void this.closed.then(() => finish(null, 'connection closed'));
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

/** sshd's default LoginGraceTime: how long a server itself allows for logging in once the key exchange is done. */
const LOGIN_GRACE_MS = 120_000;

/** Logs in to one hop (directly, or over `sock` through a jump host), its host key judged before any credential. */
export function openClient(hop: SshHop, sock: Duplex | undefined, signal?: AbortSignal): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    // As OpenSSH's ConnectTimeout: the limit covers reaching the server and the key exchange. Logging in comes
    // after it and may be slow on a loaded server (PAM, logind): it has sshd's own LoginGraceTime (120 s by
    // default) on top, and the host timeout and Cancel bound it as they bound every step.
    const handshakeTimer = setTimeout(
      () =>
        giveUp(
          setupError(
            'PUSH_UNREACHABLE',
            `${whereOf(hop)}: no SSH answer within the connection timeout (${Math.round(hop.connectTimeoutMs / 1000)} s)`,
          ),
        ),
      hop.connectTimeoutMs,
    );
    const settled = (): void => {
      clearTimeout(handshakeTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (error: SetupError): void => {
      settled();
      client.destroy();
      reject(new PushFailure(error));
    };
    const onAbort = (): void =>
      giveUp(setupError('PUSH_UNREACHABLE', `${hop.spec}: no SSH session before the time limit or a cancel`));
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    client.once('handshake', () => clearTimeout(handshakeTimer));
    let keyProblem: SetupError | undefined;
    const config: ConnectConfig = {
      host: hop.host,
      port: hop.port,
      username: hop.user,
      readyTimeout: hop.connectTimeoutMs + LOGIN_GRACE_MS,
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      ...(sock ? { sock } : {}),
      authHandler: authHandler(hop.user, hop.credentials),
      hostVerifier: (key: Buffer) => {
        const verdict = hop.hostKeys.judge(hop, key);
        if (verdict.kind === 'known') return true;
        const fingerprint = fingerprintOf(key);
        if (verdict.kind === 'unknown' && hop.hostKeys.acceptsUnknown(hop, key)) {
          hop.hostKeys.record(hop, key);
          return true;
        }
        keyProblem =
          verdict.kind === 'unknown'
            ? setupError(
                'PUSH_HOST_KEY_UNKNOWN',
                `${hop.spec}: the server's host key ${fingerprint} is not in the known hosts file; nothing was sent`,
              )
            : setupError(
                'PUSH_HOST_KEY_CHANGED',
                verdict.kind === 'revoked'
                  ? `${hop.spec}: the server's host key ${fingerprint} is marked revoked; nothing was sent`
                  : `${hop.spec}: the server's host key is now ${fingerprint}, but ${verdict.recorded} is recorded for it; nothing was sent`,
              );
        return false;
      },
    };
    client.once('ready', () => {
      settled();
      resolve(client);
    });
    client.once('error', (error: Error & { level?: string; code?: string }) => {
      settled();
      client.end();
      reject(new PushFailure(keyProblem ?? connectionError(hop, error)));
    });
    client.connect(config);
  });
}

/** A server as connection errors name it: its name as given, then its address. */
function whereOf(target: ServerAddress): string {
  return `${target.spec} (${target.host} port ${target.port})`;
}

function connectionError(target: ServerAddress, error: Error & { level?: string; code?: string }): SetupError {
  const where = whereOf(target);
  if (error.level === 'client-authentication')
    return setupError('PUSH_AUTH_FAILED', `${where}: the server refused user ${target.user} with these credentials`);
  if (error.level === 'handshake') {
    const legacy = /no matching|algorithm/i.test(error.message)
      ? `; it offers only methods this installer does not use (${error.message}): an SSH server too old to be trusted`
      : `: ${error.message}`;
    return setupError('PUSH_UNREACHABLE', `${where}: the SSH handshake failed${legacy}`);
  }
  if (error.level === 'client-timeout')
    return setupError(
      'PUSH_UNREACHABLE',
      `${where}: logging in did not finish within the connection timeout and a login grace of ${LOGIN_GRACE_MS / 1000} s (a server too loaded to log anyone in, or one that stalls logins)`,
    );
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
export function scanHostKey(
  target: ServerAddress,
  timeoutMs: number,
  sock?: Duplex,
): Promise<{ key: Buffer } | { error: SetupError }> {
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
      ...(sock ? { sock } : {}),
      hostVerifier: (offered: Buffer) => {
        key = Buffer.from(offered);
        return false;
      },
    });
  });
}
