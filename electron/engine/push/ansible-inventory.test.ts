import { describe, expect, it } from 'vitest';
import { InventoryError, parseInventory, type Inventory } from './ansible-inventory';
import { applyLimit, LimitError } from './inventory-limit';

const INI = `# the fleet
jump01 ansible_host=10.0.0.2

[web]
web[01:03].corp ansible_user=deploy
web04.corp:2222 ansible_become=no

[db]
db-a ansible_host=10.0.1.5 ansible_port=2200 ansible_ssh_private_key_file=~/.ssh/db_key
db-b ansible_python_interpreter=/usr/bin/python3

[db:vars]
ansible_user=dba
ansible_become=true

[linux:children]
web
db

[linux:vars]
ansible_user=ops
ansible_port=22
`;

const YAML = `all:
  hosts:
    jump01:
      ansible_host: 10.0.0.2
  children:
    linux:
      vars:
        ansible_user: ops
        ansible_port: 22
      children:
        web:
          hosts:
            web[01:03].corp:
              ansible_user: deploy
            web04.corp:
              ansible_port: 2222
              ansible_become: no
        db:
          vars:
            ansible_user: dba
            ansible_become: true
          hosts:
            db-a:
              ansible_host: 10.0.1.5
              ansible_port: 2200
              ansible_ssh_private_key_file: ~/.ssh/db_key
            db-b:
              ansible_python_interpreter: /usr/bin/python3
`;

const names = (hosts: readonly { name: string }[]): string[] => hosts.map((host) => host.name);

describe('an Ansible inventory', () => {
  it.each([
    ['INI', INI, 'hosts'],
    ['YAML', YAML, 'hosts.yml'],
  ])('%s: groups, children, ranges, host vars over child group vars over parent group vars', (_kind, text, file) => {
    const inventory = parseInventory(text, file);
    expect(names(inventory.hosts)).toEqual([
      'jump01',
      'web01.corp',
      'web02.corp',
      'web03.corp',
      'web04.corp',
      'db-a',
      'db-b',
    ]);
    const host = (name: string) => inventory.hosts.find((h) => h.name === name);
    expect(host('jump01')).toEqual({ name: 'jump01', groups: ['all', 'ungrouped'], address: '10.0.0.2' });
    expect(host('web02.corp')).toMatchObject({ user: 'deploy', port: 22, groups: ['all', 'linux', 'web'] });
    expect(host('web04.corp')).toMatchObject({ user: 'ops', port: 2222, become: false });
    expect(host('db-a')).toMatchObject({
      address: '10.0.1.5',
      user: 'dba',
      port: 2200,
      become: true,
      privateKeyFile: '~/.ssh/db_key',
    });
    // Unknown variables are ignored.
    expect(host('db-b')).toEqual({ name: 'db-b', groups: ['all', 'db', 'linux'], user: 'dba', port: 22, become: true });
    expect(inventory.groups.get('linux')?.slice().sort()).toEqual(
      names(inventory.hosts)
        .filter((n) => n !== 'jump01')
        .sort(),
    );
  });

  it.each([
    ['[web\nweb01', 'hosts', /hosts line 1: "\[web" is not a section header/],
    ['[web]\nweb[01:x]', 'hosts', /hosts line 2: "web\[01:x\]": a range is of numbers or of single letters/],
    ['[web:vars]\nansible_user', 'hosts', /hosts line 2: "ansible_user" in \[web:vars\] is not key=value/],
    ['[all:children]\nweb=1', 'hosts', /hosts line 2: "web=1" in \[all:children\] is not a group name/],
    ['[linux:children]\nwebb\n[web]\nweb01', 'hosts', /hosts line 2: the child group webb is never defined/],
    ['[a:children]\nb\n[b:children]\na', 'hosts', /the group a is its own child/],
    ['[web]\nweb01 ansible_port=99999', 'hosts', /line 2: ansible_port "99999" of web01 is not a port/],
    ['[web]\nweb01 ansible_become=maybe', 'hosts', /line 2: ansible_become "maybe" of web01 is neither true nor false/],
    ['all:\n  hosts:\n    - web01\n', 'hosts.yml', /hosts\.yml line 3: hosts of all must be a mapping/],
    [
      'all:\n  children:\n    web:\n      host:\n        web01:\n',
      'hosts.yml',
      /hosts\.yml line 4: "host" in the group web/,
    ],
    ['all:\n  hosts: [\n', 'hosts.yml', /hosts\.yml line \d+:/],
  ])('refuses %j with its line', (text, file, message) => {
    expect(() => parseInventory(text, file)).toThrow(InventoryError);
    expect(() => parseInventory(text, file)).toThrow(message);
  });
});

describe('--limit, as ansible --limit reads it', () => {
  const inventory: Inventory = parseInventory(INI, 'hosts');
  it.each([
    ['web', ['web01.corp', 'web02.corp', 'web03.corp', 'web04.corp']],
    ['db-a', ['db-a']],
    ['web0*', ['web01.corp', 'web02.corp', 'web03.corp', 'web04.corp']],
    ['db:jump01', ['jump01', 'db-a', 'db-b']],
    ['linux:!web', ['db-a', 'db-b']],
    ['linux,!db-b', ['web01.corp', 'web02.corp', 'web03.corp', 'web04.corp', 'db-a']],
    ['web:&linux:!web04.corp', ['web01.corp', 'web02.corp', 'web03.corp']],
    ['~web0[12]', ['web01.corp', 'web02.corp']],
    ['all:!linux', ['jump01']],
  ])('%s', (pattern, expected) => {
    expect(names(applyLimit(inventory, pattern))).toEqual(expected);
  });

  it('refuses a name that matches nothing, where Ansible would only warn', () => {
    expect(() => applyLimit(inventory, 'web:dbs')).toThrow(LimitError);
    expect(() => applyLimit(inventory, 'web:dbs')).toThrow(/"dbs" matches no host and no group/);
    expect(() => applyLimit(inventory, '~[')).toThrow(/is not a regular expression/);
  });
});
