import * as path from 'node:path';
import { fingerprintOf, KnownHosts } from './known-hosts';
import {
  parseServerSpec,
  type Credentials,
  type HostKeyPolicy,
  type PushTarget,
  type ServerEntry,
  type SshHop,
} from './push-targets';
import { CredentialError, defaultKeyFiles, loadKey, type KeyLoader } from './ssh-credentials';
import type { SshConfig, SshHostConfig } from './ssh-config';

// Each server, as the admin named it, resolved the way their OpenSSH would: its address, user, port, keys, jump
// hosts and known hosts from ~/.ssh/config (ssh-config.ts), an inventory's variables and the command line, which
// wins over the config as it does for ssh. Jump hosts are resolved by the same rules. Everything is decided
// here, before any connection: a key that cannot be used or a config option this tool does not follow stops the
// push with the file and line to fix.

export interface RouteOptions {
  readonly config: SshConfig;
  readonly home: string;
  /** --user: wins over the config's User; an entry's own user wins over it. Default root. */
  readonly user?: string;
  /** --identity: tried first, for every server and jump host. */
  readonly identity?: string;
  /** --jump: each a `[user@]host[:port]` or a comma-separated chain; wins over ProxyJump. */
  readonly jumps: readonly string[];
  /** --known-hosts: wins over UserKnownHostsFile. */
  readonly knownHostsFile?: string;
  /** --accept-new-host-keys: wins over StrictHostKeyChecking yes. */
  readonly acceptNewHostKeys: boolean;
  /** --accept-host-key HOST=SHA256:…, the wizard's list of keys the admin accepted. */
  readonly acceptedKeys: readonly { readonly spec: string; readonly fingerprint: string }[];
  readonly password?: string;
  /** SSH_AUTH_SOCK. */
  readonly agentSocket?: string;
  readonly keyLoader: KeyLoader;
}

export class RouteError extends Error {}

const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_JUMP_DEPTH = 8;

export class ServerRoutes {
  private readonly knownHosts = new Map<string, KnownHosts>();
  private readonly keys = new Map<string, Credentials['keys'][number] | null>();

  constructor(private readonly options: RouteOptions) {}

  resolve(entry: ServerEntry): PushTarget {
    const resolved = this.lookup(entry.host, entry.user ?? this.options.user, entry.port);
    const hop = this.hop(entry.spec, resolved, entry.keyFile);
    const jumps =
      this.options.jumps.length > 0
        ? this.jumpChain(
            this.options.jumps.flatMap((jump) => jump.split(',')),
            0,
            new Set([entry.host]),
          )
        : this.configJumps(resolved, new Set([entry.host]), 0);
    return { ...hop, jumps, become: entry.become ?? true };
  }

  private lookup(alias: string, user: string | undefined, port: number | undefined): SshHostConfig {
    try {
      return this.options.config.resolve(alias, { ...(user ? { user } : {}), ...(port ? { port } : {}) });
    } catch (error) {
      throw new RouteError(`${alias}: ${(error as Error).message}`);
    }
  }

  private configJumps(config: SshHostConfig, seen: Set<string>, depth: number): SshHop[] {
    const jumps = config.proxyJump;
    if (jumps === undefined || jumps === 'none') return [];
    return this.jumpChain(
      jumps.map((jump) => jump.spec),
      depth,
      seen,
    );
  }

  /** `-J a,b`: a reached directly (or through its own ProxyJump), b through a, the server through b. */
  private jumpChain(specs: readonly string[], depth: number, seen: Set<string>): SshHop[] {
    if (depth > MAX_JUMP_DEPTH)
      throw new RouteError(`more than ${MAX_JUMP_DEPTH} jump hosts in a chain: check ProxyJump for a loop`);
    const hops: SshHop[] = [];
    specs.forEach((raw, index) => {
      const spec = raw.trim().replace(/^ssh:\/\//, '');
      const parsed = parseServerSpec(spec);
      if (!parsed.ok) throw new RouteError(`the jump host ${parsed.reason}`);
      const { host, user, port } = parsed.entry;
      if (seen.has(host))
        throw new RouteError(`the jump host ${spec} leads back to itself: check ProxyJump for a loop`);
      const resolved = this.lookup(host, user ?? this.options.user, port);
      // Only the first jump host's own ProxyJump applies, as in OpenSSH: the rest are reached through the chain.
      if (index === 0) hops.push(...this.configJumps(resolved, new Set([...seen, host]), depth + 1));
      hops.push(this.hop(spec, resolved, undefined));
    });
    return hops;
  }

  private hop(spec: string, config: SshHostConfig, entryKey: string | undefined): SshHop {
    // Where each key file was named, for messages: the command line, the inventory, the SSH config.
    const files: [string, string][] = [
      ...(this.options.identity ? [[this.options.identity, '--identity'] as [string, string]] : []),
      ...(entryKey
        ? [[path.resolve(this.options.home, entryKey), 'ansible_ssh_private_key_file'] as [string, string]]
        : []),
      ...config.identityFiles.map((file) => [file, 'IdentityFile'] as [string, string]),
    ];
    const explicit = files.length > 0;
    const named = explicit
      ? files
      : defaultKeyFiles(this.options.home).map((file) => [file, 'the key file'] as [string, string]);
    const unique = named.filter(([file], i) => named.findIndex(([other]) => other === file) === i);
    const keys = unique
      .map(([file, origin]) => this.key(file, explicit, origin))
      .filter((key): key is Credentials['keys'][number] => key !== null);
    const agent =
      config.identityAgent === 'none'
        ? undefined
        : config.identityAgent && config.identityAgent !== 'SSH_AUTH_SOCK'
          ? config.identityAgent
          : this.options.agentSocket;
    const credentials: Credentials = {
      // IdentitiesOnly: the key files named, not whatever else the agent holds.
      ...(agent && !(config.identitiesOnly && explicit) ? { agentSocket: agent } : {}),
      keys,
      ...(this.options.password !== undefined ? { password: this.options.password } : {}),
    };
    return {
      spec,
      host: config.hostName,
      port: config.port ?? 22,
      user: config.user ?? 'root',
      credentials,
      hostKeys: this.hostKeys(config),
      connectTimeoutMs: config.connectTimeoutSeconds ? config.connectTimeoutSeconds * 1000 : DEFAULT_TIMEOUT_MS,
    };
  }

  private key(file: string, explicit: boolean, origin: string): Credentials['keys'][number] | null {
    const cached = this.keys.get(file);
    if (cached !== undefined) return cached;
    try {
      const key = loadKey(file, explicit, this.options.keyLoader, origin);
      const loaded = key ? { file, key } : null;
      this.keys.set(file, loaded);
      return loaded;
    } catch (error) {
      if (error instanceof CredentialError) throw new RouteError(error.message);
      throw error;
    }
  }

  private hostKeys(config: SshHostConfig): HostKeyPolicy {
    const file =
      this.options.knownHostsFile ??
      config.userKnownHostsFiles[0] ??
      path.join(this.options.home, '.ssh', 'known_hosts');
    // A known hosts file that can hold nothing (with accept-new) would be no host-key checking at all.
    if (file === '/dev/null')
      throw new RouteError(
        `${config.alias}: the known hosts file is /dev/null: this tool never runs without host keys; name a real file (UserKnownHostsFile or --known-hosts)`,
      );
    let known = this.knownHosts.get(file);
    if (!known) this.knownHosts.set(file, (known = new KnownHosts(file)));
    const store = known;
    const acceptNew = this.options.acceptNewHostKeys || config.strictHostKeyChecking === 'accept-new';
    return {
      judge: (server, key) => store.verdict(server.host, server.port, key),
      acceptsUnknown: (server, key) =>
        acceptNew ||
        this.options.acceptedKeys.some(
          (entry) => entry.spec === server.spec && entry.fingerprint === fingerprintOf(key),
        ),
      record: (server, key) => store.add(server.host, server.port, key),
    };
  }
}
