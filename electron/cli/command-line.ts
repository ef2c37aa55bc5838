// Both command-line syntaxes of the seed on every OS: Windows style (/Role MS /Silent) and POSIX style
// (-r MS -q, --role MS, --role=MS). Switch names and enumerated values are case-insensitive, since the seed
// itself writes both "VMware" and "VmWare". Values are taken positionally after their switch, so a Linux
// path such as /usr/local/ASR is never mistaken for a Windows-style switch.

export interface OptionSpec {
  readonly key: string;
  readonly windows: readonly string[];
  readonly posix: readonly string[];
  /** Placeholder in help, e.g. DIR; absent for flags. */
  readonly value?: string;
  /** Allowed values (canonical spelling); matched case-insensitively. */
  readonly choices?: readonly string[];
  readonly required?: boolean;
  readonly description: string;
}

/**
 * The release's ./install passes its own folder (--package-dir) ahead of whatever the admin typed, so
 * `./install --status` or `./install --uninstall` reach their subcommands with it: they accept and ignore it.
 */
export const RELEASE_PACKAGE_DIR_OPTION: OptionSpec = {
  key: 'packageDir',
  windows: [],
  posix: ['--package-dir'],
  value: 'DIR',
  description: "Ignored (passed by the release's ./install)",
};

export type ParsedOptions = Readonly<Record<string, string | true>>;

export type ParseResult =
  { readonly ok: true; readonly options: ParsedOptions } | { readonly ok: false; readonly message: string };

const HELP = new Set(['/?', '/help', '-h', '--help', '-?']);
const VERSION = new Set(['/version', '--version']);

export function wantsHelp(args: readonly string[]): boolean {
  return args.some((arg) => HELP.has(arg.toLowerCase()));
}

export function wantsVersion(args: readonly string[]): boolean {
  return args.some((arg) => VERSION.has(arg.toLowerCase()));
}

export function wantsJson(args: readonly string[]): boolean {
  return args.some((arg) => ['/json', '--json'].includes(arg.toLowerCase()));
}

function findSpec(specs: readonly OptionSpec[], name: string): OptionSpec | undefined {
  const lower = name.toLowerCase();
  return specs.find(
    (spec) => spec.windows.some((w) => w.toLowerCase() === lower) || spec.posix.some((p) => p.toLowerCase() === lower),
  );
}

function spelled(spec: OptionSpec): string {
  return [...spec.windows, ...spec.posix].join(', ');
}

export function parseCommandLine(args: readonly string[], specs: readonly OptionSpec[]): ParseResult {
  const options: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as string;
    let name = token;
    let inline: string | undefined;
    if (token.startsWith('--') && token.includes('=')) {
      name = token.slice(0, token.indexOf('='));
      inline = token.slice(token.indexOf('=') + 1);
    } else if (token.startsWith('/') && token.indexOf(':') > 1 && findSpec(specs, token.slice(0, token.indexOf(':')))) {
      name = token.slice(0, token.indexOf(':'));
      inline = token.slice(token.indexOf(':') + 1);
    }
    const spec = findSpec(specs, name);
    if (!spec) {
      const looksLikeSwitch = token.startsWith('-') || (token.startsWith('/') && !token.slice(1).includes('/'));
      return {
        ok: false,
        message: looksLikeSwitch
          ? `unknown option "${token}"; the options are ${specs.map((s) => s.windows[0] ?? s.posix[0]).join(' ')} (run with --help for details)`
          : `unexpected argument "${token}"; every value must follow its option (for example /InstallLocation ${token})`,
      };
    }
    if (Object.prototype.hasOwnProperty.call(options, spec.key))
      return { ok: false, message: `option ${spelled(spec)} is given more than once` };
    if (!spec.value) {
      if (inline !== undefined) return { ok: false, message: `option ${name} takes no value` };
      options[spec.key] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined) {
        return {
          ok: false,
          message: `option ${name} needs a value${spec.choices ? ` (${spec.choices.join(' or ')})` : ` (${spec.value})`}`,
        };
      }
      value = next;
      i++;
    }
    if (spec.choices) {
      const canonical = spec.choices.find((choice) => choice.toLowerCase() === value?.toLowerCase());
      if (!canonical)
        return {
          ok: false,
          message: `"${value}" is not a valid value for ${name}; expected ${spec.choices.join(' or ')}`,
        };
      value = canonical;
    }
    if (value === '') return { ok: false, message: `option ${name} needs a non-empty value (${spec.value})` };
    options[spec.key] = value;
  }
  for (const spec of specs) {
    if (spec.required && !Object.prototype.hasOwnProperty.call(options, spec.key)) {
      return {
        ok: false,
        message: `option ${spelled(spec)} is required${spec.choices ? ` (${spec.choices.join(' or ')})` : ''}`,
      };
    }
  }
  return { ok: true, options };
}

export function formatHelp(usage: readonly string[], specs: readonly OptionSpec[], footer: readonly string[]): string {
  const rows = specs.map((spec) => {
    const names = [...spec.windows, ...spec.posix].join(', ');
    const value = spec.value ? ` ${spec.choices ? spec.choices.join('|') : spec.value}` : '';
    return [`${names}${value}`, `${spec.required ? '(required) ' : ''}${spec.description}`] as const;
  });
  const width = Math.min(44, Math.max(...rows.map(([left]) => left.length)) + 2);
  const lines = [
    'Usage:',
    ...usage.map((u) => `  ${u}`),
    '',
    'Options (switch names and values are case-insensitive; both syntaxes work on every OS):',
    ...rows.map(([left, right]) =>
      left.length + 2 > width ? `  ${left}\n  ${' '.repeat(width)}${right}` : `  ${left.padEnd(width)}${right}`,
    ),
    '  /?, -h, --help                  Show this help',
    '  /Version, --version             Show the setup version',
    '',
    ...footer,
  ];
  return `${lines.join('\n')}\n`;
}
