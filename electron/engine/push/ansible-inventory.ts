import * as path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode, type YAMLMap } from 'yaml';

// Ansible inventories, so a push takes the server lists admins already keep: INI (Ansible's own dialect, host
// lines with key=value variables, which no INI library reads, so parsed here) and YAML (the `yaml` package,
// whose LineCounter gives the lines for errors). Groups, children, group and host vars with Ansible's
// precedence (host > child group > parent group > all; groups of equal depth merged by name), host ranges.
// Only the connection variables matter here; every other variable is ignored.

export class InventoryError extends Error {}

export interface InventoryHost {
  readonly name: string;
  /** Every group it is in, directly or through children, with 'all' (and 'ungrouped' when in no other), sorted. */
  readonly groups: readonly string[];
  readonly address?: string;
  readonly user?: string;
  readonly port?: number;
  readonly privateKeyFile?: string;
  readonly become?: boolean;
}

export interface Inventory {
  readonly hosts: readonly InventoryHost[];
  /** Group name to its host names (through children too). */
  readonly groups: ReadonlyMap<string, readonly string[]>;
}

type Vars = Map<string, { readonly value: string; readonly line: number }>;

interface Group {
  readonly hosts: string[];
  readonly children: { readonly name: string; readonly line: number }[];
  readonly vars: Vars;
  defined: boolean;
}

/** What both dialects build before variables are resolved. */
class Builder {
  readonly groups = new Map<string, Group>();
  readonly hostVars = new Map<string, Vars>();
  readonly order: string[] = [];

  constructor(readonly file: string) {}

  group(name: string, line: number): Group {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name)) this.fail(line, `"${name}" is not a group name`);
    let group = this.groups.get(name);
    if (!group) this.groups.set(name, (group = { hosts: [], children: [], vars: new Map(), defined: false }));
    return group;
  }

  host(pattern: string, group: string, line: number): string[] {
    const names = expandRange(pattern, (why) => this.fail(line, why));
    for (const name of names) {
      if (!this.hostVars.has(name)) {
        this.hostVars.set(name, new Map());
        this.order.push(name);
      }
      const members = this.group(group, line).hosts;
      if (!members.includes(name)) members.push(name);
    }
    return names;
  }

  fail(line: number, why: string): never {
    throw new InventoryError(`${this.file} line ${line}: ${why}`);
  }
}

/** `web[01:03]`, `db[a:c]`, `n[1:10:2]` expanded as Ansible does. */
function expandRange(pattern: string, fail: (why: string) => never): string[] {
  const match = /^(.*?)\[([^\]]*)\](.*)$/.exec(pattern);
  if (!match) {
    if (/[[\]]/.test(pattern)) fail(`"${pattern}" has an unclosed [`);
    return [pattern];
  }
  const [, head = '', range = '', tail = ''] = match;
  const parts = range.split(':');
  if (parts.length < 2 || parts.length > 3) fail(`"${pattern}": a range is [start:end] or [start:end:step]`);
  const [start = '', end = '', stepText = '1'] = parts;
  const step = Number(stepText);
  if (!Number.isInteger(step) || step < 1) fail(`"${pattern}": the step of a range is a whole number`);
  const values: string[] = [];
  if (/^\d+$/.test(start) && /^\d+$/.test(end)) {
    const width = start.length > 1 && start.startsWith('0') ? start.length : 0;
    for (let n = Number(start); n <= Number(end); n += step) values.push(String(n).padStart(width, '0'));
  } else if (/^[a-z]$/i.test(start) && /^[a-z]$/i.test(end)) {
    for (let c = start.charCodeAt(0); c <= end.charCodeAt(0); c += step) values.push(String.fromCharCode(c));
  } else fail(`"${pattern}": a range is of numbers or of single letters`);
  if (values.length === 0) fail(`"${pattern}": the range is empty`);
  return values.flatMap((value) => expandRange(`${head}${value}${tail}`, fail));
}

/** `key=value` words of an INI line; values may be quoted. */
function keyValues(text: string, line: number, builder: Builder): [string, string][] {
  const pairs: [string, string][] = [];
  const word = /\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    word.lastIndex = at;
    const match = word.exec(text);
    if (!match) builder.fail(line, `"${text.slice(at).trim()}" is not key=value`);
    const raw = match[2] ?? '';
    pairs.push([match[1] ?? '', /^["']/.test(raw) ? raw.slice(1, -1) : raw]);
    at = word.lastIndex;
  }
  return pairs;
}

function parseIni(text: string, builder: Builder): void {
  let section: { name: string; kind: 'hosts' | 'vars' | 'children' } = { name: 'ungrouped', kind: 'hosts' };
  builder.group('all', 1).defined = true;
  builder.group('ungrouped', 1).defined = true;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw
      .replace(/^\s*[#;].*$/, '')
      .replace(/\s+#.*$/, '')
      .trim();
    if (content === '') return;
    if (content.startsWith('[')) {
      const header = /^\[([^\]:]+)(?::(vars|children))?\]$/.exec(content);
      if (!header) builder.fail(line, `"${content}" is not a section header ([group], [group:vars], [group:children])`);
      section = { name: header[1] ?? '', kind: (header[2] as 'vars' | 'children' | undefined) ?? 'hosts' };
      builder.group(section.name, line).defined = true;
      return;
    }
    switch (section.kind) {
      case 'hosts': {
        const [hostWord = '', ...rest] = content.split(/\s+/);
        const hostPort = /^(.+?):(\d+)$/.exec(hostWord);
        const names = builder.host(hostPort ? (hostPort[1] ?? '') : hostWord, section.name, line);
        const pairs = keyValues(rest.join(' '), line, builder);
        if (hostPort) pairs.unshift(['ansible_port', hostPort[2] ?? '']);
        for (const name of names) for (const [k, v] of pairs) builder.hostVars.get(name)?.set(k, { value: v, line });
        return;
      }
      case 'vars': {
        if (!content.includes('=')) builder.fail(line, `"${content}" in [${section.name}:vars] is not key=value`);
        for (const [k, v] of keyValues(content, line, builder))
          builder.group(section.name, line).vars.set(k, { value: v, line });
        return;
      }
      case 'children':
        if (/\s|=/.test(content)) builder.fail(line, `"${content}" in [${section.name}:children] is not a group name`);
        builder.group(section.name, line).children.push({ name: content, line });
        builder.group(content, line);
        return;
    }
  });
}

function parseYaml(text: string, builder: Builder): void {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  const lineOf = (node: YamlNode | null | undefined): number => (node?.range ? counter.linePos(node.range[0]).line : 1);
  const first = document.errors[0];
  if (first) builder.fail(first.linePos?.[0]?.line ?? 1, first.message.split('\n')[0] ?? 'not YAML');
  const top = document.contents;
  if (!isMap(top)) builder.fail(lineOf(top), 'a YAML inventory is a mapping of groups (all: …)');
  builder.group('all', 1).defined = true;
  builder.group('ungrouped', 1).defined = true;
  const varsOf = (node: unknown, line: number): [string, string][] => {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isMap(node)) builder.fail(line, 'vars must be a mapping of names to values');
    return node.items.map((pair) => [
      String(isScalar(pair.key) ? pair.key.value : pair.key),
      String(isScalar(pair.value) ? pair.value.value : (pair.value ?? '')),
    ]);
  };
  const visit = (name: string, node: unknown, line: number): void => {
    const group = builder.group(name, line);
    group.defined = true;
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
    if (!isMap(node)) builder.fail(line, `the group ${name} must be a mapping (hosts:, vars:, children:)`);
    for (const pair of (node as YAMLMap).items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      const at = lineOf(pair.key as YamlNode);
      const value = pair.value as YamlNode | null;
      if (key === 'hosts') {
        if (value !== null && !(isScalar(value) && value.value === null) && !isMap(value))
          builder.fail(lineOf(value), `hosts of ${name} must be a mapping`);
        for (const host of isMap(value) ? value.items : []) {
          const hostLine = lineOf(host.key as YamlNode);
          const names = builder.host(String(isScalar(host.key) ? host.key.value : host.key), name, hostLine);
          for (const host2 of names)
            for (const [k, v] of varsOf(host.value, hostLine))
              builder.hostVars.get(host2)?.set(k, { value: v, line: hostLine });
        }
      } else if (key === 'vars') for (const [k, v] of varsOf(value, at)) group.vars.set(k, { value: v, line: at });
      else if (key === 'children') {
        if (value !== null && !(isScalar(value) && value.value === null) && !isMap(value))
          builder.fail(lineOf(value), `children of ${name} must be a mapping`);
        for (const child of isMap(value) ? value.items : []) {
          const childName = String(isScalar(child.key) ? child.key.value : child.key);
          group.children.push({ name: childName, line: lineOf(child.key as YamlNode) });
          visit(childName, child.value, lineOf(child.key as YamlNode));
        }
      } else builder.fail(at, `"${key}" in the group ${name}: a group holds only hosts, vars and children`);
    }
  };
  for (const pair of top.items)
    visit(String(isScalar(pair.key) ? pair.key.value : pair.key), pair.value, lineOf(pair.key as YamlNode));
}

const isYaml = (text: string, file: string): boolean =>
  /\.ya?ml$/i.test(file) ||
  /^[A-Za-z0-9_.-]+:\s*(#.*)?$/m.test(text.split(/\r?\n/).find((l) => l.trim() !== '' && !/^\s*[#;]/.test(l)) ?? '');

export function parseInventory(text: string, file: string): Inventory {
  const builder = new Builder(file);
  if (isYaml(text, file)) parseYaml(text, builder);
  else parseIni(text, builder);
  // Membership through children, depth for precedence, cycles and undefined children refused.
  const depth = new Map<string, number>([['all', 0]]);
  const members = new Map<string, Set<string>>();
  const resolve = (name: string, trail: string[]): Set<string> => {
    const known = members.get(name);
    if (known) return known;
    const group = builder.groups.get(name) as Group;
    const set = new Set(group.hosts);
    for (const child of group.children) {
      if (trail.includes(child.name))
        builder.fail(child.line, `the group ${child.name} is its own child (${[...trail, child.name].join(' > ')})`);
      if (!builder.groups.get(child.name)?.defined)
        builder.fail(child.line, `the child group ${child.name} is never defined: check its spelling`);
      depth.set(child.name, Math.max(depth.get(child.name) ?? 0, (depth.get(name) ?? 0) + 1));
      for (const host of resolve(child.name, [...trail, child.name])) set.add(host);
    }
    members.set(name, set);
    return set;
  };
  for (const name of builder.groups.keys()) {
    if (name !== 'all' && !depth.has(name)) depth.set(name, 1);
    resolve(name, [name]);
  }
  const all = new Set(builder.order);
  members.set('all', all);
  const ungrouped = builder.order.filter(
    (host) => ![...members].some(([g, set]) => g !== 'all' && g !== 'ungrouped' && set.has(host)),
  );
  members.set('ungrouped', new Set(ungrouped));
  const hosts = builder.order.map((name) => {
    const groups = [...members]
      .filter(([, set]) => set.has(name))
      .map(([g]) => g)
      .sort();
    // Lowest precedence first: all, then by depth, equal depths by name; the host's own last.
    const ordered = groups.slice().sort((a, b) => (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || a.localeCompare(b));
    const vars: Vars = new Map();
    for (const g of ordered) for (const [k, v] of builder.groups.get(g)?.vars ?? []) vars.set(k, v);
    for (const [k, v] of builder.hostVars.get(name) ?? []) vars.set(k, v);
    return hostOf(name, groups, vars, builder);
  });
  return { hosts, groups: new Map([...members].map(([g, set]) => [g, [...set]])) };
}

function hostOf(name: string, groups: string[], vars: Vars, builder: Builder): InventoryHost {
  const pick = (...keys: string[]) => keys.map((key) => vars.get(key)).find((v) => v !== undefined);
  const address = pick('ansible_host', 'ansible_ssh_host');
  const user = pick('ansible_user', 'ansible_ssh_user');
  const port = pick('ansible_port', 'ansible_ssh_port');
  const key = pick('ansible_ssh_private_key_file', 'ansible_private_key_file');
  const become = pick('ansible_become');
  let portNumber: number | undefined;
  if (port) {
    portNumber = Number(port.value);
    if (!/^\d+$/.test(port.value) || portNumber < 1 || portNumber > 65535)
      builder.fail(port.line, `ansible_port "${port.value}" of ${name} is not a port from 1 to 65535`);
  }
  let becomes: boolean | undefined;
  if (become) {
    const text = become.value.toLowerCase();
    if (['true', 'yes', '1', 'on'].includes(text)) becomes = true;
    else if (['false', 'no', '0', 'off'].includes(text)) becomes = false;
    else builder.fail(become.line, `ansible_become "${become.value}" of ${name} is neither true nor false`);
  }
  return {
    name,
    groups,
    ...(address ? { address: address.value } : {}),
    ...(user ? { user: user.value } : {}),
    ...(portNumber !== undefined ? { port: portNumber } : {}),
    ...(key ? { privateKeyFile: key.value.startsWith('~') ? key.value : path.normalize(key.value) } : {}),
    ...(becomes !== undefined ? { become: becomes } : {}),
  };
}
