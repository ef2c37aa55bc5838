import * as path from 'node:path';
import { formatHelp, parseCommandLine, wantsHelp, type OptionSpec } from '../../electron/cli/command-line';
import { localeTagSchema } from '../../shared/ipc-schemas';
import { startHarness } from './harness-server';

// npm run -s harness -- --port P --root R --repository DIR [--lang de]: serves the wizard for a browser on loopback
// and prints the URL (with its token) to open. For e2e tests and for trying the wizard without Electron.

const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'port',
    windows: [],
    posix: ['--port'],
    value: 'PORT',
    description: 'Port on 127.0.0.1 (0 picks one; default 0)',
  },
  {
    key: 'root',
    windows: [],
    posix: ['--root'],
    value: 'DIR',
    description: 'System root for every job, as the CLI takes it',
  },
  {
    key: 'repository',
    windows: [],
    posix: ['--repository'],
    value: 'DIR',
    description: 'Agent package repository (default: assets/repository)',
  },
  {
    key: 'logDir',
    windows: [],
    posix: ['--log-dir'],
    value: 'DIR',
    description: 'Log folder (default: under the root)',
  },
  {
    key: 'browseAnswer',
    windows: [],
    posix: ['--browse-answer'],
    value: 'DIR',
    description: 'What Browse… returns, standing in for the native dialog',
  },
  {
    key: 'pushCli',
    windows: [],
    posix: ['--push-cli'],
    value: 'FILE',
    description: 'The push CLI "Push to servers" runs (default dist/cli/push-install.cjs)',
  },
  {
    key: 'knownHosts',
    windows: [],
    posix: ['--known-hosts'],
    value: 'FILE',
    description: 'SSH known hosts file for pushes (default ~/.ssh/known_hosts)',
  },
  {
    key: 'browseFileAnswer',
    windows: [],
    posix: ['--browse-file-answer'],
    value: 'FILE',
    description: 'What Browse… for the SSH key file returns, standing in for the native dialog',
  },
  {
    key: 'saveDir',
    windows: [],
    posix: ['--save-dir'],
    value: 'DIR',
    description: 'Folder the stand-in for the save dialog saves results into',
  },
  {
    key: 'lang',
    windows: [],
    posix: ['--lang'],
    value: 'CODE',
    description: "The wizard's language: de, en, or en-XA for the pseudo-locale (default en)",
  },
];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (wantsHelp(args)) {
    process.stdout.write(formatHelp(['harness --port P --root R --repository DIR'], OPTIONS, []));
    return;
  }
  const parsed = parseCommandLine(args, OPTIONS);
  if (!parsed.ok) {
    process.stderr.write(`harness: ${parsed.message}\n`);
    process.exitCode = 2;
    return;
  }
  const o = parsed.options;
  const str = (key: string): string | undefined =>
    typeof o[key] === 'string' ? path.resolve(o[key] as string) : undefined;
  const port = typeof o.port === 'string' ? Number(o.port) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`harness: --port "${String(o.port)}" is not a port number (0-65535)\n`);
    process.exitCode = 2;
    return;
  }
  const lang = typeof o.lang === 'string' ? o.lang : undefined;
  if (lang !== undefined && !localeTagSchema.safeParse(lang).success) {
    process.stderr.write(`harness: --lang "${lang}" is not a language tag such as de or en-US\n`);
    process.exitCode = 2;
    return;
  }
  const appRoot = path.resolve(__dirname, '..', '..');
  const harness = await startHarness({
    port,
    root: str('root'),
    repository: str('repository') ?? path.join(appRoot, 'assets', 'repository'),
    logDir: str('logDir'),
    browseAnswer: str('browseAnswer') ?? null,
    pushCli: str('pushCli'),
    knownHosts: str('knownHosts'),
    browseFileAnswer: str('browseFileAnswer') ?? null,
    saveDir: str('saveDir') ?? null,
    appRoot,
    ...(lang ? { lang } : {}),
  });
  process.stdout.write(`harness ready: open ${harness.url}\n`);
  const stop = (): void => {
    void harness.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`harness: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
