import * as path from 'node:path';
import { localeTagSchema } from '../../shared/ipc-schemas';

// The app takes --root, --repository and --log-dir like the CLI (for tests and image builds) and passes
// them to every job; --known-hosts names the SSH known hosts file pushes check servers against; --lang CODE
// chooses the wizard's language instead of the system's. Chromium's own switches share argv, so unknown
// arguments are left alone.

export interface AppOptions {
  readonly root: string | undefined;
  readonly repository: string | undefined;
  readonly logDir: string | undefined;
  readonly knownHosts: string | undefined;
  /** A language tag (de, en-US, en-XA); undefined: the system's. */
  readonly lang: string | undefined;
}

export type AppOptionsResult =
  { readonly ok: true; readonly options: AppOptions } | { readonly ok: false; readonly message: string };

const NAMES = {
  '--root': 'root',
  '--repository': 'repository',
  '--log-dir': 'logDir',
  '--known-hosts': 'knownHosts',
} as const;

export function parseAppOptions(argv: readonly string[]): AppOptionsResult {
  const found: Partial<Record<keyof AppOptions, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [name, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    if (name.toLowerCase() === '--lang') {
      const value = inline ?? argv[++i];
      if (!localeTagSchema.safeParse(value).success)
        return { ok: false, message: `--lang "${value ?? ''}" is not a language tag such as de or en-US` };
      found.lang = value;
      continue;
    }
    const key = NAMES[name.toLowerCase() as keyof typeof NAMES];
    if (!key) continue;
    const value = inline ?? argv[++i];
    if (value === undefined || value === '')
      return { ok: false, message: `${name} needs a ${key === 'knownHosts' ? 'file' : 'folder'}` };
    if (!path.isAbsolute(value)) return { ok: false, message: `${name} "${value}" is not an absolute path` };
    found[key] = path.resolve(value);
  }
  return {
    ok: true,
    options: {
      root: found.root,
      repository: found.repository,
      logDir: found.logDir,
      knownHosts: found.knownHosts,
      lang: found.lang,
    },
  };
}
