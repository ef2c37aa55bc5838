import { describe, expect, it } from 'vitest';
import { parseAppOptions, type AppOptions } from './app-options';

// The desktop app's own command-line options (--root, --repository, --log-dir), picked out of an argv that
// Chromium and Electron share.

const NONE: AppOptions = {
  root: undefined,
  repository: undefined,
  logDir: undefined,
  knownHosts: undefined,
  lang: undefined,
};

function options(argv: readonly string[]): AppOptions {
  const result = parseAppOptions(argv);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(argv)} to parse, got: ${result.message}`);
  return result.options;
}

function refusal(argv: readonly string[]): string {
  const result = parseAppOptions(argv);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(argv)} to be refused, got ${JSON.stringify(result.options)}`);
  return result.message;
}

describe('parseAppOptions', () => {
  it('gives no options for an empty command line', () => {
    expect(options([])).toEqual(NONE);
  });

  it.each([
    [['--root', '/tmp/root'], { root: '/tmp/root' }],
    [['--root=/tmp/root'], { root: '/tmp/root' }],
    [['--repository', '/srv/repo'], { repository: '/srv/repo' }],
    [['--repository=/srv/repo'], { repository: '/srv/repo' }],
    [['--log-dir', '/var/tmp/logs'], { logDir: '/var/tmp/logs' }],
    [['--log-dir=/var/tmp/logs'], { logDir: '/var/tmp/logs' }],
    [['--ROOT', '/r'], { root: '/r' }],
    [['--Repository=/srv/repo'], { repository: '/srv/repo' }],
    [['--LOG-DIR', '/l'], { logDir: '/l' }],
    [['--known-hosts', '/home/admin/.ssh/known_hosts'], { knownHosts: '/home/admin/.ssh/known_hosts' }],
    [['--root', '/r', '--repository=/p', '--log-dir', '/l'], { root: '/r', repository: '/p', logDir: '/l' }],
  ])('reads %j', (argv, expected) => {
    expect(options(argv)).toEqual({ ...NONE, ...expected });
  });

  it('keeps a value that itself contains "="', () => {
    expect(options(['--root=/tmp/a=b'])).toEqual({ ...NONE, root: '/tmp/a=b' });
  });

  it('normalises the folder it is given', () => {
    expect(options(['--root', '/tmp/a/../b/./c/'])).toEqual({ ...NONE, root: '/tmp/b/c' });
  });

  it('lets a later occurrence win', () => {
    expect(options(['--root', '/first', '--root=/second'])).toEqual({ ...NONE, root: '/second' });
  });

  it('ignores Chromium and Electron switches and the app path around its own options', () => {
    const argv = [
      '.',
      '--no-sandbox',
      '--enable-logging',
      '--inspect=9229',
      '--js-flags=--root=/evil',
      '--root',
      '/tmp/root',
      '--lang=fr',
      '--remote-debugging-port=0',
      '/opt/mobility-setup/resources/app.asar',
      '--log-dir=/tmp/logs',
      '--rootfoo=/x',
      '-root',
      'relative',
    ];
    expect(options(argv)).toEqual({ ...NONE, root: '/tmp/root', logDir: '/tmp/logs', lang: 'fr' });
  });

  it('takes --lang CODE or --lang=CODE, and refuses what is not a language tag', () => {
    expect(options(['--lang', 'de'])).toEqual({ ...NONE, lang: 'de' });
    expect(options(['--lang=de-AT'])).toEqual({ ...NONE, lang: 'de-AT' });
    expect(options(['--LANG', 'en-XA'])).toEqual({ ...NONE, lang: 'en-XA' });
    expect(refusal(['--lang', '<script>'])).toMatch(/--lang "<script>" is not a language tag/);
    expect(refusal(['--lang'])).toMatch(/--lang "" is not a language tag/);
  });

  it.each([
    [['--root', 'relative/dir'], /--root "relative\/dir" is not an absolute path/],
    [['--repository=repo'], /--repository "repo" is not an absolute path/],
    [['--log-dir', './logs'], /--log-dir "\.\/logs" is not an absolute path/],
    [['--root', '~/root'], /not an absolute path/],
    [['--root'], /--root needs a folder/],
    [['--root='], /--root needs a folder/],
    [['--log-dir', ''], /--log-dir needs a folder/],
    [['--repository', '/ok', '--log-dir'], /--log-dir needs a folder/],
    [['--root', '--repository', '/srv/repo'], /--root "--repository" is not an absolute path/],
  ])('refuses %j', (argv, message) => {
    expect(refusal(argv)).toMatch(message);
  });

  it('names the option as the admin typed it', () => {
    expect(refusal(['--ROOT', 'x'])).toBe('--ROOT "x" is not an absolute path');
  });
});
