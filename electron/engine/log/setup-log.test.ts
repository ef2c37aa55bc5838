import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { REDACTED, Redactor, SetupLog, type SetupLogHeader } from './setup-log';
import { Scratch } from '../test-support/fixtures';

const scratch = new Scratch();
afterAll(() => scratch.cleanup());

const TIME = new Date('2026-11-01T08:30:00.000Z');
const LATER = new Date('2026-11-01T08:30:05.250Z');

function redactor(...secrets: string[]): Redactor {
  const r = new Redactor();
  for (const secret of secrets) r.add(secret);
  return r;
}

function header(argv: readonly string[], time = TIME): SetupLogHeader {
  return { title: 'Mobility Service Setup', version: '9.60.0.0', argv, time };
}

describe('Redactor', () => {
  it('replaces every occurrence of a secret', () => {
    expect(redactor('hunter22').redact('pw=hunter22; again hunter22hunter22 end')).toBe(
      `pw=${REDACTED}; again ${REDACTED}${REDACTED} end`,
    );
  });

  it('replaces all secrets it was given', () => {
    expect(redactor('alpha-secret', 'beta-secret').redact('a alpha-secret b beta-secret c')).toBe(
      `a ${REDACTED} b ${REDACTED} c`,
    );
  });

  it('replaces a longer secret before a shorter one it contains, whatever the order they were added', () => {
    const text = 'full passphrase-extended, short passphrase';
    const expected = `full ${REDACTED}, short ${REDACTED}`;
    expect(redactor('passphrase', 'passphrase-extended').redact(text)).toBe(expected);
    expect(redactor('passphrase-extended', 'passphrase').redact(text)).toBe(expected);
  });

  it('leaves neither of two overlapping secrets whole', () => {
    const result = redactor('1234abcd', 'abcd5678').redact('x 1234abcd5678 y');
    expect(result).toContain(REDACTED);
    expect(result).not.toContain('1234abcd');
    expect(result).not.toContain('abcd5678');
    expect(result.startsWith('x ')).toBe(true);
    expect(result.endsWith(' y')).toBe(true);
  });

  it('ignores secrets shorter than 4 characters', () => {
    const r = redactor('abc', 'no', '');
    expect(r.redact('abc no abcd')).toBe('abc no abcd');
    r.add('abcd');
    expect(r.redact('abc no abcd')).toBe(`abc no ${REDACTED}`);
  });

  it('adds the same secret once and leaves text without secrets unchanged', () => {
    const r = redactor('same-secret', 'same-secret');
    expect(r.redact('the same-secret')).toBe(`the ${REDACTED}`);
    expect(r.redact('nothing to hide')).toBe('nothing to hide');
    expect(new Redactor().redact('no secrets at all')).toBe('no secrets at all');
  });

  it('treats secrets as plain text, not patterns', () => {
    expect(redactor('a.b*c$').redact('a.b*c$ axbbbc')).toBe(`${REDACTED} axbbbc`);
  });
});

describe('SetupLog', () => {
  it('writes a header with title, version, run time and the command line', () => {
    const file = path.join(scratch.path('logs'), 'nested', 'ASRUnifiedAgentInstaller.log');
    const log = new SetupLog(file, new Redactor());
    expect(log.open(header(['/Role', 'MS', '/InstallLocation', '/opt/ASR dir', '/Note', 'say "hi"']))).toBeUndefined();
    log.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines).toEqual([
      '='.repeat(100),
      'Mobility Service Setup 9.60.0.0: run started 2026-11-01T08:30:00.000Z',
      'Command line: /Role MS /InstallLocation "/opt/ASR dir" /Note "say \\"hi\\""',
      `Process ${process.pid} on ${process.platform} ${process.arch}, Node ${process.versions.node}`,
      '='.repeat(100),
      '',
    ]);
  });

  it('writes one timestamped, level-tagged line per line of a message', () => {
    const file = path.join(scratch.path('logs'), 'setup.log');
    const log = new SetupLog(file, new Redactor(), () => LATER);
    log.open(header([]));
    log.write('info', 'first line\nsecond line\r\nthird line');
    log.write('warn', 'careful', TIME);
    log.write('error', 'failed');
    log.write('debug', 'details');
    log.close();
    const body = fs.readFileSync(file, 'utf8').split('\n').slice(5);
    expect(body).toEqual([
      '2026-11-01T08:30:05.250Z INFO  first line',
      '2026-11-01T08:30:05.250Z INFO  second line',
      '2026-11-01T08:30:05.250Z INFO  third line',
      '2026-11-01T08:30:00.000Z WARN  careful',
      '2026-11-01T08:30:05.250Z ERROR failed',
      '2026-11-01T08:30:05.250Z DEBUG details',
      '',
    ]);
  });

  it('appends a second run after the first one', () => {
    const file = path.join(scratch.path('logs'), 'setup.log');
    const first = new SetupLog(file, new Redactor(), () => TIME);
    first.open(header(['/Role', 'MS'], TIME));
    first.write('info', 'first run');
    first.close();
    const second = new SetupLog(file, new Redactor(), () => LATER);
    second.open(header(['/Role', 'MasterTarget'], LATER));
    second.write('info', 'second run');
    second.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text.match(/: run started /g)).toHaveLength(2);
    const order = [
      'Command line: /Role MS\n',
      'INFO  first run\n',
      'run started 2026-11-01T08:30:05.250Z',
      'Command line: /Role MasterTarget\n',
      'INFO  second run\n',
    ].map((part) => text.indexOf(part));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('never writes a secret, neither in the command line nor in messages', () => {
    const file = path.join(scratch.path('logs'), 'setup.log');
    const log = new SetupLog(file, redactor('Pa55phrase!'), () => TIME);
    log.open(header(['/Role', 'MS', '/Passphrase', 'Pa55phrase!', '/CSEndpoint', '10.0.0.1']));
    log.write('error', 'registration with Pa55phrase! failed\nretrying with Pa55phrase!');
    log.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('Pa55phrase!');
    expect(text).toContain(`Command line: /Role MS /Passphrase ${REDACTED} /CSEndpoint 10.0.0.1\n`);
    expect(text).toContain(`2026-11-01T08:30:00.000Z ERROR registration with ${REDACTED} failed\n`);
    expect(text).toContain(`2026-11-01T08:30:00.000Z ERROR retrying with ${REDACTED}\n`);
  });

  it('redacts a secret with spaces in the command line, where it is quoted', () => {
    const file = path.join(scratch.path('logs'), 'setup.log');
    const log = new SetupLog(file, redactor('my pass phrase'));
    log.open(header(['/Passphrase', 'my pass phrase']));
    log.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('my pass phrase');
    expect(text).toContain(`Command line: /Passphrase ${REDACTED}\n`);
  });

  it('runs on without a file when the log cannot be created', () => {
    const blocker = scratch.path('regular-file');
    fs.writeFileSync(blocker, 'not a folder');
    const file = path.join(blocker, 'logs', 'setup.log');
    const log = new SetupLog(file, new Redactor());
    const message = log.open(header(['/Role', 'MS']));
    expect(message).toMatch(
      new RegExp(`^cannot open the setup log ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*(ENOTDIR|EEXIST)`),
    );
    expect(() => log.write('info', 'goes nowhere')).not.toThrow();
    expect(() => log.close()).not.toThrow();
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(blocker, 'utf8')).toBe('not a folder');
  });

  it('ignores writes before open and after close', () => {
    const file = path.join(scratch.path('logs'), 'setup.log');
    const log = new SetupLog(file, new Redactor(), () => TIME);
    log.write('info', 'before open');
    log.open(header([]));
    log.write('info', 'while open');
    log.close();
    log.write('info', 'after close');
    log.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('INFO  while open\n');
    expect(text).not.toContain('before open');
    expect(text).not.toContain('after close');
  });
});

describe('redaction in the log header (review findings)', () => {
  it('a secret with a quote in the command line is redacted before quoting', () => {
    const redactor = new Redactor();
    redactor.add('pa"ss word');
    const file = path.join(scratch.dir, 'quoted.log');
    const log = new SetupLog(file, redactor);
    log.open({ title: 'T', version: '1', argv: ['/Passphrase', 'pa"ss word'], time: new Date(0) });
    log.close();
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('Command line: /Passphrase [REDACTED]\n');
    expect(text).not.toContain('pa\\"ss');
  });
});

// Security review finding 4: the log followed symlinks, and text from outside reached it raw.
describe('opening the log safely', () => {
  const header = { title: 'T', version: '1', argv: [], time: TIME };

  it('does not follow a symbolic link planted as the log file', () => {
    const dir = scratch.path('linked-log');
    fs.mkdirSync(dir);
    const target = path.join(scratch.path('root-only'), 'file');
    fs.mkdirSync(path.dirname(target));
    fs.writeFileSync(target, 'root data\n', { mode: 0o600 });
    fs.symlinkSync(target, path.join(dir, 'ASRUnifiedAgentInstaller.log'));
    const log = new SetupLog(path.join(dir, 'ASRUnifiedAgentInstaller.log'), new Redactor(), () => TIME);
    expect(log.open(header)).toMatch(/cannot open the setup log .*ELOOP/);
    log.write('info', 'x');
    log.close();
    expect(fs.readFileSync(target, 'utf8')).toBe('root data\n');
  });

  it('refuses a log folder owned by another user', () => {
    const dir = scratch.path('users-log-dir');
    fs.mkdirSync(dir);
    fs.chownSync(dir, 65534, 65534);
    const log = new SetupLog(path.join(dir, 'ASRUnifiedAgentInstaller.log'), new Redactor(), () => TIME);
    expect(log.open(header)).toMatch(/owned by uid 65534/);
    log.close();
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a log file with a second hard link', () => {
    const dir = scratch.path('hardlinked');
    fs.mkdirSync(dir);
    const other = path.join(dir, 'other');
    fs.writeFileSync(other, 'keep\n');
    fs.linkSync(other, path.join(dir, 'setup.log'));
    const log = new SetupLog(path.join(dir, 'setup.log'), new Redactor(), () => TIME);
    expect(log.open(header)).toMatch(/one link/);
    expect(fs.readFileSync(other, 'utf8')).toBe('keep\n');
  });

  it('shows control characters instead of writing them (no cursor moves, no forged lines)', () => {
    const file = path.join(scratch.path('controls'), 'setup.log');
    const log = new SetupLog(file, new Redactor(), () => TIME);
    log.open(header);
    log.write('error', 'server said \u001b[2Jcleared\rSucceeded\u009b1m');
    log.close();
    const last = fs.readFileSync(file, 'utf8').trimEnd().split('\n').pop();
    expect(last).toBe(`${TIME.toISOString()} ERROR server said \\x1b[2Jcleared\\rSucceeded\\x9b1m`);
  });

  it.skipIf(process.geteuid?.() !== 0 || spawnSync('setpriv', ['--reuid=65534', 'true']).status !== 0)(
    "as nobody, a symlink in a log folder of nobody's makes root append nothing anywhere",
    () => {
      // nobody must reach the folder: the scratch root is 0700 by default.
      fs.chmodSync(scratch.dir, 0o755);
      const dir = scratch.path('nobody-logs');
      fs.mkdirSync(dir, { mode: 0o755 });
      fs.chownSync(dir, 65534, 65534);
      const target = path.join(scratch.path('root-file'), 'secret');
      fs.mkdirSync(path.dirname(target));
      fs.writeFileSync(target, 'root\n', { mode: 0o600 });
      const made = spawnSync('setpriv', [
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        'ln',
        '-s',
        target,
        path.join(dir, 'ASRUnifiedAgentInstaller.log'),
      ]);
      expect(made.status).toBe(0);
      const log = new SetupLog(path.join(dir, 'ASRUnifiedAgentInstaller.log'), new Redactor(), () => TIME);
      expect(log.open(header)).toBeDefined();
      log.write('info', 'x'.repeat(10));
      log.close();
      expect(fs.readFileSync(target, 'utf8')).toBe('root\n');
    },
  );
});
