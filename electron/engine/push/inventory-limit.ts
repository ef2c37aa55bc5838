import type { Inventory, InventoryHost } from './ansible-inventory';

// --limit as `ansible --limit` reads it: names of hosts or groups, shell wildcards, `~regex`, separated by `:`
// or `,`; `!x` excludes, `&x` intersects; unions first, then intersections, then exclusions. Where Ansible only
// warns of a pattern that matches nothing, this refuses it: a typo must not push to fewer servers than meant.

export class LimitError extends Error {}

function matcher(pattern: string): (name: string) => boolean {
  if (pattern.startsWith('~')) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern.slice(1));
    } catch {
      throw new LimitError(`--limit: "${pattern}" is not a regular expression`);
    }
    return (name) => regex.test(name);
  }
  if (!/[*?[]/.test(pattern)) return (name) => name === pattern;
  const source = pattern
    .replace(/[.+^${}()|\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}

/** The hosts one pattern element names: every host of each matching group, and each matching host. */
function select(inventory: Inventory, pattern: string): Set<string> {
  if (pattern === 'all' || pattern === '*') return new Set(inventory.hosts.map((host) => host.name));
  const matches = matcher(pattern);
  const found = new Set<string>();
  for (const [group, hosts] of inventory.groups) if (matches(group)) for (const host of hosts) found.add(host);
  for (const host of inventory.hosts) if (matches(host.name)) found.add(host.name);
  if (found.size === 0) throw new LimitError(`--limit: "${pattern}" matches no host and no group of the inventory`);
  return found;
}

export function applyLimit(inventory: Inventory, pattern: string): readonly InventoryHost[] {
  // `:` separates elements, except inside a regex or an IPv6 address; `,` always does.
  const parts = (pattern.startsWith('~') ? [pattern] : pattern.split(/[:,]/)).map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new LimitError('--limit is empty: give a group or host name (ansible --limit syntax)');
  const unions = parts.filter((p) => !p.startsWith('!') && !p.startsWith('&'));
  const chosen = new Set<string>();
  for (const part of unions.length > 0 ? unions : ['all']) for (const host of select(inventory, part)) chosen.add(host);
  for (const part of parts.filter((p) => p.startsWith('&'))) {
    const keep = select(inventory, part.slice(1));
    for (const host of [...chosen]) if (!keep.has(host)) chosen.delete(host);
  }
  for (const part of parts.filter((p) => p.startsWith('!')))
    for (const host of select(inventory, part.slice(1))) chosen.delete(host);
  return inventory.hosts.filter((host) => chosen.has(host.name));
}
