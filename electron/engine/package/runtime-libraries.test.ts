import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../test-support/fixtures';
import { ElfError, readElfDynamic } from './elf-dynamic';
import { runtimeLibraries } from './runtime-libraries';
import { currentRuntime } from '../system/runtime-command';

// The release's C library is read from the runtime binary at pack time: its interpreter and DT_NEEDED entries,
// followed through every library, resolved where this machine's loader finds them.

const scratch = new Scratch();
const node = fs.realpathSync(process.execPath);
afterAll(() => scratch.cleanup());

describe('readElfDynamic', () => {
  it("reads node's interpreter and needed libraries, as readelf -d lists them", () => {
    const elf = readElfDynamic(node);
    expect(elf.interpreter).toBe('/lib64/ld-linux-x86-64.so.2');
    const readelf = spawnSync('readelf', ['-d', node], { encoding: 'utf8' });
    if (readelf.status === 0) {
      const listed = [...readelf.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)].map((m) => m[1]);
      expect(elf.needed).toEqual(listed);
    }
    expect(elf.needed).toEqual(expect.arrayContaining(['libc.so.6', 'libstdc++.so.6', 'libm.so.6']));
  });

  it("reads a library's own name (DT_SONAME) and that it needs no interpreter", () => {
    const libc = /libc\.so\.6 => (\S+)/.exec(spawnSync('ldd', [node], { encoding: 'utf8' }).stdout)?.[1] ?? '';
    const elf = readElfDynamic(libc);
    expect(elf.soname).toBe('libc.so.6');
    expect(elf.needed).toContain('ld-linux-x86-64.so.2');
  });

  it('refuses a file that is not ELF, and one cut off inside its headers, naming the file', () => {
    const script = scratch.path('script');
    fs.writeFileSync(script, '#!/bin/sh\nexit 0\n');
    expect(() => readElfDynamic(script)).toThrow(ElfError);
    expect(() => readElfDynamic(script)).toThrow(/script-\d+ is not an ELF file/);
    const cut = scratch.path('cut');
    fs.writeFileSync(cut, fs.readFileSync(node).subarray(0, 80));
    expect(() => readElfDynamic(cut)).toThrow(/truncated|outside the file/);
  });
});

describe('runtimeLibraries', () => {
  it('is the whole closure of what the loader loads for node (ldd), plus the loader', () => {
    const libraries = runtimeLibraries(node);
    const ldd = spawnSync('ldd', [node], { encoding: 'utf8' }).stdout;
    const expected = [...ldd.matchAll(/^\s*(\S+) => (\S+)/gm)].map((m) => ({
      name: m[1],
      source: fs.realpathSync(m[2] ?? ''),
    }));
    expect([...libraries.libraries].sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      expected.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')),
    );
    expect(libraries.loader).toEqual({
      name: 'ld-linux-x86-64.so.2',
      source: fs.realpathSync('/lib64/ld-linux-x86-64.so.2'),
    });
  });

  it('ships nothing beside a statically linked runtime', () => {
    // Debian's busybox-static (.ci/run installs it).
    const busybox = '/bin/busybox';
    expect(readElfDynamic(busybox).interpreter).toBeUndefined();
    expect(runtimeLibraries(busybox)).toEqual({ loader: undefined, libraries: [] });
  });
});

describe('currentRuntime', () => {
  it('starts node directly when this process is node', () => {
    expect(currentRuntime('/usr/bin/node')).toEqual({ command: '/usr/bin/node', prefix: [], node: '/usr/bin/node' });
  });

  it("goes through the loader when this process was started by a release's loader", () => {
    expect(currentRuntime('/opt/rel/runtime/lib/ld-linux-x86-64.so.2')).toEqual({
      command: '/opt/rel/runtime/lib/ld-linux-x86-64.so.2',
      prefix: ['--library-path', '/opt/rel/runtime/lib', '/opt/rel/runtime/node'],
      node: '/opt/rel/runtime/node',
    });
  });
});
