import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseInventory } from '../engine/push/ansible-inventory';
import { applyLimit } from '../engine/push/inventory-limit';
import { parseServerSpec, type ServerEntry } from '../engine/push/push-targets';

// The servers a push goes to, from wherever the admin keeps them: a hosts file (`[user@]host[:port]` a line),
// repeated --host, or an Ansible inventory (INI or YAML) narrowed with --limit as `ansible --limit` does.
// Every problem is collected and reported together, with its file and line, before any connection.

export interface ServerListOptions {
  readonly hostsFile?: string;
  readonly hosts: readonly string[];
  readonly inventory?: string;
  readonly limit?: string;
}

export class ServerListError extends Error {}

export function serverList(options: ServerListOptions): ServerEntry[] {
  const entries: ServerEntry[] = [];
  const problems: string[] = [];
  if (options.hostsFile) {
    const text = readText(options.hostsFile, '--hosts');
    text.split(/\r?\n/).forEach((raw, index) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (line === '') return;
      const parsed = parseServerSpec(line);
      if (parsed.ok) entries.push(parsed.entry);
      else problems.push(`${options.hostsFile} line ${index + 1}: ${parsed.reason}`);
    });
  }
  for (const spec of options.hosts) {
    const parsed = parseServerSpec(spec);
    if (parsed.ok) entries.push(parsed.entry);
    else problems.push(`--host ${parsed.reason}`);
  }
  if (options.limit !== undefined && !options.inventory)
    problems.push('--limit selects from --inventory FILE: give one');
  if (options.inventory) {
    try {
      const inventory = parseInventory(readText(options.inventory, '--inventory'), path.resolve(options.inventory));
      const hosts = options.limit !== undefined ? applyLimit(inventory, options.limit) : inventory.hosts;
      for (const host of hosts)
        entries.push({
          spec: host.name,
          host: host.address ?? host.name,
          ...(host.user !== undefined ? { user: host.user } : {}),
          ...(host.port !== undefined ? { port: host.port } : {}),
          ...(host.privateKeyFile !== undefined ? { keyFile: host.privateKeyFile } : {}),
          ...(host.become !== undefined ? { become: host.become } : {}),
        });
    } catch (error) {
      if (error instanceof ServerListError) throw error;
      problems.push((error as Error).message);
    }
  }
  if (problems.length > 0) throw new ServerListError(problems.join('; '));
  if (entries.length === 0)
    throw new ServerListError(
      options.inventory
        ? `no server in ${options.inventory}${options.limit !== undefined ? ` matches --limit ${options.limit}` : ''}`
        : 'no server given: use --hosts FILE, --host HOST or --inventory FILE',
    );
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.spec)) throw new ServerListError(`the server ${entry.spec} is given twice`);
    seen.add(entry.spec);
  }
  return entries;
}

function readText(file: string, option: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ServerListError(`${option} ${file} cannot be read (${(error as NodeJS.ErrnoException).code})`);
  }
}
