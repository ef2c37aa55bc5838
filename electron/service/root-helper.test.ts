import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLKIT_ACTION, ROOT_HELPER_PATH } from './job-launcher';
import { TOP } from '../engine/test-support/run-cli';

// The one program the wizard may run as root (security review finding 12): the polkit action names it by
// its fixed path, and the helper finds everything it runs from that path, never from its caller.

const policy = fs.readFileSync(
  path.join(TOP, 'assets', 'polkit', 'com.microsoft.asr.mobility-service-setup.policy'),
  'utf8',
);
const helperFile = path.join(TOP, 'assets', 'polkit', 'asr-setup-helper');
const helper = fs.readFileSync(helperFile, 'utf8');

describe('the polkit policy', () => {
  it('defines one action, for the helper at its fixed path, with administrator authentication', () => {
    expect([...policy.matchAll(/<action id="([^"]+)"/g)].map((m) => m[1])).toEqual([POLKIT_ACTION]);
    expect(policy).toContain(`<annotate key="org.freedesktop.policykit.exec.path">${ROOT_HELPER_PATH}</annotate>`);
    expect(policy).toMatch(/<allow_active>auth_admin_keep<\/allow_active>/);
    expect(policy).not.toMatch(/<allow_\w+>yes</);
  });
});

describe('the root helper', () => {
  it('finds the runtime and the CLIs from its own fixed folder and sets its own PATH', () => {
    expect(helper).toContain(`resources=${path.dirname(ROOT_HELPER_PATH)}\n`);
    expect(helper).toMatch(/^PATH=\/usr\/sbin:\/usr\/bin:\/sbin:\/bin$/m);
    expect(helper).toContain('exec "$resources/runtime/node"');
    expect(helper).not.toMatch(/\$0|\$\{0|env /);
    expect(fs.statSync(helperFile).mode & 0o777).toBe(0o755);
    expect(spawnSync('sh', ['-n', helperFile]).status).toBe(0);
  });

  it('runs only the installer or the configurator', () => {
    const run = spawnSync('sh', [helperFile, 'sh', '-c', 'id'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('expected install or configure');
  });
});
