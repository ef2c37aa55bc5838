import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scratch } from './engine/test-support/fixtures';
import { TOP } from './engine/test-support/run-cli';

// Builds the desktop app's Linux dir target with electron-builder against a stand-in Electron runtime (no
// Electron binary can be downloaded here) and checks what ships: app.asar's contents, the unpacked CLIs
// and repository, the Node runtime for the privileged child, and the Electron fuses as flipped.

const require = createRequire(import.meta.url);
const scratch = new Scratch();
const unpacked = path.join(TOP, 'out', 'app', 'linux-unpacked');

beforeAll(() => {
  const standIn = scratch.path('stand-in-electron');
  execFileSync(process.execPath, [path.join(TOP, 'scripts', 'stand-in-electron.mjs'), standIn]);
  execFileSync(process.execPath, [path.join(TOP, 'scripts', 'package-app.mjs'), '--targets', 'dir'], {
    cwd: TOP,
    env: { ...process.env, ELECTRON_DIST: standIn },
    stdio: 'pipe',
    timeout: 300_000,
  });
}, 300_000);
afterAll(() => scratch.cleanup());

describe('desktop app package (Linux dir target)', () => {
  it('app.asar holds the built main, preload and renderer, the CLI entry points and the bundled repository, and no dependencies', () => {
    const asar = require('@electron/asar') as { listPackage(file: string, options?: object): string[] };
    const files = asar.listPackage(path.join(unpacked, 'resources', 'app.asar'), {}).map((f) => f.replace(/\\/g, '/'));
    for (const file of [
      '/package.json',
      '/dist/electron/main.js',
      '/dist/electron/preload.js',
      '/dist/electron/package.json',
      '/dist/renderer/index.html',
      '/dist/cli/unified-agent.cjs',
      '/dist/cli/unified-agent-configurator.cjs',
    ]) {
      expect(files).toContain(file);
    }
    expect(files.some((f) => /^\/dist\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
    const repository = files.filter((f) => /^\/assets\/repository\/Microsoft-ASR_UA_.*_release\.tar\.gz$/.test(f));
    expect(repository.length).toBeGreaterThanOrEqual(20);
    // Everything the app runs is bundled at build time: no node_modules at all, so no dev dependency either.
    expect(files.filter((f) => f.includes('node_modules'))).toEqual([]);
    // Nothing from the source tree, tests, tooling or source maps.
    expect(
      files.filter(
        (f) => /^\/(electron|renderer|shared|e2e|bench|scripts)\//.test(f) || f.endsWith('.map') || f.endsWith('.ts'),
      ),
    ).toEqual([]);
    expect(files).not.toContain('/dist/cli/pack-agent.cjs');
  });

  it('the CLIs and the repository are unpacked for the privileged child, which runs on the shipped Node runtime', () => {
    const resources = path.join(unpacked, 'resources');
    // The root helper pkexec runs (its polkit action names /opt/mobility-service-setup/resources/asr-setup-helper).
    expect(fs.statSync(path.join(resources, 'asr-setup-helper')).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(path.join(resources, 'asr-setup-helper'), 'utf8')).toContain('unified-agent.cjs');
    for (const file of ['dist/cli/unified-agent.cjs', 'dist/cli/unified-agent-configurator.cjs'])
      expect(fs.existsSync(path.join(resources, 'app.asar.unpacked', file))).toBe(true);
    expect(
      fs.readdirSync(path.join(resources, 'app.asar.unpacked', 'assets', 'repository')).length,
    ).toBeGreaterThanOrEqual(20);
    const help = spawnSync(
      path.join(resources, 'runtime', 'node'),
      [path.join(resources, 'app.asar.unpacked', 'dist', 'cli', 'unified-agent.cjs'), '--version'],
      { encoding: 'utf8' },
    );
    expect(help.stdout).toMatch(/^Mobility Service Setup \d/);
  });

  it('the Electron fuses are set for an app that runs privileged work', async () => {
    const fuses = require('@electron/fuses') as {
      getCurrentFuseWire(file: string): Promise<Record<string, number | string>>;
      FuseV1Options: Record<string, number>;
    };
    const wire = await fuses.getCurrentFuseWire(path.join(unpacked, 'mobility-service-setup'));
    const state = (name: string): string => String.fromCharCode(Number(wire[String(fuses.FuseV1Options[name])]));
    expect(state('RunAsNode')).toBe('0');
    expect(state('EnableNodeOptionsEnvironmentVariable')).toBe('0');
    expect(state('EnableNodeCliInspectArguments')).toBe('0');
    expect(state('EnableEmbeddedAsarIntegrityValidation')).toBe('1');
    expect(state('OnlyLoadAppFromAsar')).toBe('1');
    expect(state('EnableCookieEncryption')).toBe('1');
    expect(state('GrantFileProtocolExtraPrivileges')).toBe('0');
  });

  it('the Windows installer is configured to require administrator rights', () => {
    const config = require(path.join(TOP, 'electron-builder.config.cjs')) as {
      win: { requestedExecutionLevel: string; target: string };
      nsis: { perMachine: boolean };
    };
    expect(config.win).toMatchObject({ target: 'nsis', requestedExecutionLevel: 'requireAdministrator' });
    expect(config.nsis.perMachine).toBe(true);
  });
});
