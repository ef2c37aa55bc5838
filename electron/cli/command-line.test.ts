import { describe, expect, it } from 'vitest';
import {
  formatHelp,
  parseCommandLine,
  wantsHelp,
  wantsJson,
  wantsVersion,
  type OptionSpec,
  type ParseResult,
} from './command-line';

const SPECS: readonly OptionSpec[] = [
  {
    key: 'role',
    windows: ['/Role'],
    posix: ['-r', '--role'],
    value: 'ROLE',
    choices: ['MS', 'MasterTarget'],
    required: true,
    description: 'Role of this machine',
  },
  {
    key: 'installLocation',
    windows: ['/InstallLocation'],
    posix: ['-d', '--install-location'],
    value: 'DIR',
    description: 'Where the agent is installed',
  },
  {
    key: 'platform',
    windows: ['/Platform'],
    posix: ['-v', '--platform'],
    value: 'PLATFORM',
    choices: ['VmWare', 'Azure'],
    description: 'Source platform',
  },
  { key: 'silent', windows: ['/Silent'], posix: ['-q', '--silent'], description: 'Install without prompts' },
];

function options(args: readonly string[]): Readonly<Record<string, string | true>> {
  const result = parseCommandLine(args, SPECS);
  if (!result.ok) throw new Error(`expected success, got: ${result.message}`);
  return result.options;
}

function failure(args: readonly string[], specs: readonly OptionSpec[] = SPECS): string {
  const result: ParseResult = parseCommandLine(args, specs);
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.options)}`);
  return result.message;
}

describe('parseCommandLine', () => {
  it('reads the Windows spelling', () => {
    expect(
      options(['/Role', 'MS', '/InstallLocation', 'C:\\Program Files\\ASR', '/Platform', 'VmWare', '/Silent']),
    ).toEqual({
      role: 'MS',
      installLocation: 'C:\\Program Files\\ASR',
      platform: 'VmWare',
      silent: true,
    });
  });

  it('reads the POSIX spellings, short and long', () => {
    expect(options(['-r', 'MS', '-d', '/usr/local/ASR', '-v', 'Azure', '-q'])).toEqual({
      role: 'MS',
      installLocation: '/usr/local/ASR',
      platform: 'Azure',
      silent: true,
    });
    expect(options(['--role', 'MasterTarget', '--install-location', '/opt/asr', '--silent'])).toEqual({
      role: 'MasterTarget',
      installLocation: '/opt/asr',
      silent: true,
    });
  });

  it('matches switch names case-insensitively', () => {
    expect(options(['/ROLE', 'MS', '/installlocation', '/opt', '/sIlEnT'])).toEqual({
      role: 'MS',
      installLocation: '/opt',
      silent: true,
    });
    expect(options(['--ROLE', 'MS', '-Q'])).toEqual({ role: 'MS', silent: true });
  });

  it('matches choice values case-insensitively and returns the canonical spelling', () => {
    expect(options(['/Role', 'mastertarget', '/Platform', 'VMware'])).toEqual({
      role: 'MasterTarget',
      platform: 'VmWare',
    });
    expect(options(['-r', 'ms', '-v', 'AZURE'])).toEqual({ role: 'MS', platform: 'Azure' });
  });

  it('keeps the case of free-form values', () => {
    expect(options(['/Role', 'MS', '/InstallLocation', '/Opt/MixedCase'])).toEqual({
      role: 'MS',
      installLocation: '/Opt/MixedCase',
    });
  });

  it('reads --name=value, splitting at the first "="', () => {
    expect(options(['--role=ms', '--install-location=/opt/a=b'])).toEqual({ role: 'MS', installLocation: '/opt/a=b' });
  });

  it('reads /Name:value, splitting at the first ":"', () => {
    expect(options(['/Role:MasterTarget', '/InstallLocation:C:\\ASR', '/platform:azure'])).toEqual({
      role: 'MasterTarget',
      installLocation: 'C:\\ASR',
      platform: 'Azure',
    });
  });

  it('takes a Linux path that starts with "/" as the value of the switch before it', () => {
    expect(options(['/Role', 'MS', '/InstallLocation', '/usr/local/ASR'])).toEqual({
      role: 'MS',
      installLocation: '/usr/local/ASR',
    });
    // Values are positional: even a token that looks like a switch is the value.
    expect(options(['/InstallLocation', '/Silent', '/Role', 'MS'])).toEqual({ role: 'MS', installLocation: '/Silent' });
  });

  it('takes a path with a colon after a switch as a value, not as /Name:value', () => {
    expect(options(['/Role', 'MS', '/InstallLocation', '/mnt/c:/data'])).toEqual({
      role: 'MS',
      installLocation: '/mnt/c:/data',
    });
  });

  it('refuses a value given to a flag', () => {
    expect(failure(['/Role', 'MS', '--silent=yes'])).toBe('option --silent takes no value');
    expect(failure(['/Role', 'MS', '/Silent:yes'])).toBe('option /Silent takes no value');
  });

  it('refuses a switch with its value missing, naming what it expects', () => {
    expect(failure(['/Role'])).toBe('option /Role needs a value (MS or MasterTarget)');
    expect(failure(['/Role', 'MS', '-d'])).toBe('option -d needs a value (DIR)');
  });

  it('refuses a value outside the choices', () => {
    expect(failure(['/Role', 'Agent'])).toBe('"Agent" is not a valid value for /Role; expected MS or MasterTarget');
    expect(failure(['--role=', '/Silent'])).toBe('"" is not a valid value for --role; expected MS or MasterTarget');
  });

  it('refuses an empty value', () => {
    expect(failure(['/Role', 'MS', '/InstallLocation', ''])).toBe(
      'option /InstallLocation needs a non-empty value (DIR)',
    );
    expect(failure(['/Role', 'MS', '--install-location='])).toBe(
      'option --install-location needs a non-empty value (DIR)',
    );
    expect(failure(['/Role', 'MS', '/InstallLocation:'])).toBe('option /InstallLocation needs a non-empty value (DIR)');
  });

  it('calls an unknown switch an unknown option and lists the options', () => {
    const expected = (token: string): string =>
      `unknown option "${token}"; the options are /Role /InstallLocation /Platform /Silent (run with --help for details)`;
    expect(failure(['/Role', 'MS', '/Bogus'])).toBe(expected('/Bogus'));
    expect(failure(['--bogus', 'x'])).toBe(expected('--bogus'));
    expect(failure(['-x'])).toBe(expected('-x'));
    expect(failure(['/Bogus:value'])).toBe(expected('/Bogus:value'));
  });

  it('calls a stray value an unexpected argument', () => {
    const expected = (token: string): string =>
      `unexpected argument "${token}"; every value must follow its option (for example /InstallLocation ${token})`;
    expect(failure(['/Role', 'MS', 'C:\\ASR'])).toBe(expected('C:\\ASR'));
    expect(failure(['/Role', 'MS', '/usr/local/ASR'])).toBe(expected('/usr/local/ASR'));
    expect(failure(['/Role', 'MS', 'extra'])).toBe(expected('extra'));
  });

  it('refuses an option given twice, in any spelling', () => {
    expect(failure(['/Role', 'MS', '-r', 'MS'])).toBe('option /Role, -r, --role is given more than once');
    expect(failure(['/Role', 'MS', '/Silent', '--SILENT'])).toBe(
      'option /Silent, -q, --silent is given more than once',
    );
  });

  it('refuses a command line without a required option', () => {
    expect(failure([])).toBe('option /Role, -r, --role is required (MS or MasterTarget)');
    expect(failure(['/Silent', '/InstallLocation', '/opt'])).toBe(
      'option /Role, -r, --role is required (MS or MasterTarget)',
    );
    const required: OptionSpec[] = [
      {
        key: 'config',
        windows: ['/Config'],
        posix: ['--config'],
        value: 'FILE',
        required: true,
        description: 'Configuration file',
      },
    ];
    expect(failure([], required)).toBe('option /Config, --config is required');
  });

  it('names a POSIX-only option by its POSIX spelling in the list of options', () => {
    const specs: OptionSpec[] = [{ key: 'x', windows: [], posix: ['--only-posix'], description: 'x' }];
    expect(failure(['--other'], specs)).toBe(
      'unknown option "--other"; the options are --only-posix (run with --help for details)',
    );
    expect(parseCommandLine(['--ONLY-POSIX'], specs)).toEqual({ ok: true, options: { x: true } });
  });

  it('returns no options for an empty command line when none is required', () => {
    expect(parseCommandLine([], SPECS.slice(1))).toEqual({ ok: true, options: {} });
  });
});

describe('wantsHelp, wantsVersion, wantsJson', () => {
  it.each([['/?'], ['/help'], ['/HELP'], ['-h'], ['-H'], ['--help'], ['--Help'], ['-?']])(
    'sees a request for help in %s',
    (arg) => {
      expect(wantsHelp(['/Role', 'MS', arg])).toBe(true);
    },
  );

  it('sees no request for help in ordinary arguments', () => {
    expect(wantsHelp(['/Role', 'MS', '/InstallLocation', '/opt/help', 'help', '--helpful'])).toBe(false);
    expect(wantsHelp([])).toBe(false);
  });

  it('sees a request for the version', () => {
    expect(wantsVersion(['/Version'])).toBe(true);
    expect(wantsVersion(['--VERSION'])).toBe(true);
    expect(wantsVersion(['-v', 'Azure', 'version'])).toBe(false);
  });

  it('sees a request for JSON output', () => {
    expect(wantsJson(['/JSON'])).toBe(true);
    expect(wantsJson(['-r', 'MS', '--json'])).toBe(true);
    expect(wantsJson(['json', '-j'])).toBe(false);
  });
});

describe('formatHelp', () => {
  const help = formatHelp(['UnifiedAgent /Role <MS|MasterTarget> [options]', 'UnifiedAgent --help'], SPECS, [
    'Exit codes: 0 success',
    'See the log for details.',
  ]);
  const lines = help.split('\n');
  /** The row of an option, joined with its continuation line when the names were too long to share one. */
  const rowOf = (names: string): string => {
    const at = lines.findIndex((line) => line.startsWith(`  ${names}`));
    if (at === -1) return '';
    const next = lines[at + 1] ?? '';
    return /^ {46}\S/.test(next) ? `${lines[at]}\n${next}` : (lines[at] ?? '');
  };

  it('lists every option with all its spellings, its value and its description', () => {
    expect(rowOf('/Role, -r, --role MS|MasterTarget')).toMatch(
      /^ {2}\/Role, -r, --role MS\|MasterTarget +\(required\) Role of this machine$/,
    );
    expect(rowOf('/InstallLocation, -d, --install-location DIR')).toMatch(
      /^ {2}\/InstallLocation, -d, --install-location DIR\n {46}Where the agent is installed$/,
    );
    expect(rowOf('/Platform, -v, --platform VmWare|Azure')).toMatch(/ Source platform$/);
    expect(rowOf('/Silent, -q, --silent')).toMatch(/^ {2}\/Silent, -q, --silent +Install without prompts$/);
    for (const spec of SPECS) expect(help).toContain(spec.description);
  });

  it('aligns the descriptions in one column, 44 wide at most', () => {
    const column = (text: string): number => (lines.find((line) => line.endsWith(text)) ?? '').indexOf(text);
    expect(column('(required) Role of this machine')).toBe(2 + 44);
    expect(column('Source platform')).toBe(2 + 44);
    expect(column('Install without prompts')).toBe(2 + 44);
    expect(column('Where the agent is installed')).toBe(2 + 44);
  });

  it('makes the column as narrow as the longest option allows', () => {
    const narrow = formatHelp([], [{ key: 'q', windows: ['/Q'], posix: ['-q'], description: 'Quiet' }], []);
    expect(narrow.split('\n')).toContain(`  /Q, -q${' '.repeat(2)}Quiet`);
  });

  it('has the usage lines, the help and version switches and the footer', () => {
    expect(lines[0]).toBe('Usage:');
    expect(lines[1]).toBe('  UnifiedAgent /Role <MS|MasterTarget> [options]');
    expect(lines[2]).toBe('  UnifiedAgent --help');
    expect(help).toContain('\n  /?, -h, --help                  Show this help\n');
    expect(help).toContain('\n  /Version, --version             Show the setup version\n');
    expect(help.endsWith('\nExit codes: 0 success\nSee the log for details.\n')).toBe(true);
  });
});
