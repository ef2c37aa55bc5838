import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { setupError } from '../../../shared/error-catalog';
import type { PushTarget, SshHop } from './push-targets';
import { openClient, PushFailure, type JumpRoutes } from './ssh-connection';

// Servers behind bastions (--jump, ProxyJump): one logged-in connection per jump host (per chain that leads to
// it), shared by every server behind it, each server's SSH session carried in a direct-tcpip channel of the
// last jump host, as `ssh -J` does. Each jump host's key is judged like a server's, before any credential is
// sent to it. A jump host that fails fails its servers with PUSH_UNREACHABLE naming it; a connection that
// drops is opened again for the servers after it.

function hopName(hop: SshHop): string {
  return `${hop.user}@${hop.host}:${hop.port}`;
}

export class JumpPool implements JumpRoutes {
  private readonly clients = new Map<string, Promise<Client>>();

  async streamTo(target: PushTarget): Promise<Duplex | undefined> {
    if (target.jumps.length === 0) return undefined;
    const last = await this.clientFor(target.jumps);
    const bastion = target.jumps[target.jumps.length - 1] as SshHop;
    return forward(last, target.host, target.port, `${target.spec}: through bastion ${bastion.spec}`);
  }

  /** Ends every jump connection; their servers' channels end with them. */
  close(): void {
    for (const pending of this.clients.values()) void pending.then((client) => client.end()).catch(() => undefined);
    this.clients.clear();
  }

  private clientFor(chain: readonly SshHop[]): Promise<Client> {
    const key = chain.map(hopName).join(' > ');
    const open = this.clients.get(key);
    if (open) return open;
    const hop = chain[chain.length - 1] as SshHop;
    const before = chain.slice(0, -1);
    const pending = (async () => {
      let sock: Duplex | undefined;
      if (before.length > 0) {
        const previous = before[before.length - 1] as SshHop;
        sock = await forward(
          await this.clientFor(before),
          hop.host,
          hop.port,
          `bastion ${hop.spec}: through bastion ${previous.spec}`,
        );
      }
      try {
        const client = await openClient(hop, sock);
        // Dropped: the next server behind it opens it again.
        client.once('close', () => {
          if (this.clients.get(key) === pending) this.clients.delete(key);
        });
        return client;
      } catch (error) {
        throw bastionFailure(hop, error);
      }
    })();
    // A failed jump host stays failed for this push: every server behind it gets the same error at once.
    this.clients.set(key, pending);
    return pending;
  }
}

/** The jump host's failure, as its servers report it: PUSH_UNREACHABLE naming the bastion. */
function bastionFailure(hop: SshHop, error: unknown): PushFailure {
  const inner = error instanceof PushFailure ? error.error : undefined;
  const message = inner?.message ?? (error as Error).message;
  return new PushFailure(
    setupError(
      'PUSH_UNREACHABLE',
      `the bastion ${hop.spec} failed (${inner?.code ?? 'error'}: ${message}); nothing was sent to the servers behind it`,
    ),
  );
}

function forward(client: Client, host: string, port: number, where: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
      if (error) {
        const reason = (error as Error & { reason?: string }).reason ?? error.message;
        reject(new PushFailure(setupError('PUSH_UNREACHABLE', `${where}, the server cannot be reached: ${reason}`)));
        return;
      }
      resolve(channel);
    });
  });
}
