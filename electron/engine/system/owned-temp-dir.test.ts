import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Scratch } from '../test-support/fixtures';
import { makeOwnedTempDir } from './owned-temp-dir';
import { processRuns, processStart } from './process-identity';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

/** A process of this test's own, with its start time; stop() kills it and waits until it is gone. */
async function sleeper(): Promise<{ pid: number; start: string; stop: () => Promise<void> }> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  const pid = child.pid as number;
  await new Promise((resolve) => child.once('spawn', resolve));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid,
    start: processStart(pid) as string,
    stop: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('a temp folder named after the process that made it', () => {
  it('is made 0700 with this process in its name, after the folders of gone makers are removed', async () => {
    const tmp = scratch.path('tmp');
    fs.mkdirSync(tmp);
    const live = await sleeper();
    const dead = await sleeper();
    await dead.stop();
    expect(processRuns(dead.pid, dead.start)).toBe(false);
    expect(processRuns(live.pid, live.start)).toBe(true);
    const folder = (owner: string): string => {
      fs.mkdirSync(path.join(tmp, owner));
      fs.writeFileSync(path.join(tmp, owner, 'password'), 'x\n');
      return owner;
    };
    const kept = [
      folder(`asr-kind-${live.pid}-${live.start}-aB3dE6`), // its maker runs
      folder(`asr-other-${dead.pid}-${dead.start}-aB3dE6`), // another kind
      folder('asr-kind-left-by-hand'), // not named by a maker
    ];
    fs.writeFileSync(path.join(tmp, `asr-kind-${dead.pid}-${dead.start}-zZ9yY8`), 'a file, not a folder');
    kept.push(`asr-kind-${dead.pid}-${dead.start}-zZ9yY8`);
    folder(`asr-kind-${dead.pid}-${dead.start}-aB3dE6`); // its maker is gone
    folder(`asr-kind-${live.pid}-${live.start}1-aB3dE6`); // that pid now is another process
    try {
      const made = makeOwnedTempDir('asr-kind-', tmp);
      expect(path.basename(made)).toMatch(new RegExp(`^asr-kind-${process.pid}-${processStart(process.pid)}-\\w{6}$`));
      expect(fs.statSync(made).mode & 0o777).toBe(0o700);
      expect(fs.readdirSync(tmp).sort()).toEqual([...kept, path.basename(made)].sort());
      // The next one leaves this one alone: its maker (this process) runs.
      const next = makeOwnedTempDir('asr-kind-', tmp);
      expect(fs.existsSync(made) && fs.existsSync(next)).toBe(true);
    } finally {
      await live.stop();
    }
  });
});
