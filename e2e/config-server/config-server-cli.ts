import { isIP } from 'node:net';
import * as path from 'node:path';
import { startReferenceConfigServer } from './reference-config-server';
import type { ReferenceConfigServer } from './reference-config-server';

// npm run -s config-server -- --port P --passphrase-file F [--state FILE] [--host 127.0.0.1]
// stdout carries exactly one line, the ready line, so scripts can wait for it; the request log goes to stderr.

const USAGE = `Usage:
  config-server --port P --passphrase-file F [--state FILE] [--host ADDRESS]

Serves the registration protocol v2 (OPAQUE login, then register or unregister; docs/protocol.md) over
HTTPS with a fresh self-signed certificate, then prints one line
"listening https://HOST:PORT fingerprint=<sha256 of the certificate>" and serves until SIGINT or SIGTERM.

At its first start the server makes an OPAQUE server setup and the record for "mobility-agent" from the
passphrase and keeps those (never the passphrase): in the state file when there is one, else in memory.

Options:
  --port P               (required) TCP port, 0 to 65535; 0 picks a free one
  --passphrase-file F    (required) passphrase file; created with a random passphrase (mode 0600) when missing.
                         Read only when the state holds no OPAQUE record yet, or when F was missing (a new
                         passphrase gets a new record). To change the passphrase, delete F (a random one is
                         made), or write the new one to F and remove "opaque" from the state file
  --state FILE           JSON state: the OPAQUE server setup and record, and the registered hosts; loaded at
                         start and rewritten on each change (mode 0600)
  --host ADDRESS         IPv4 or IPv6 address to listen on (default 127.0.0.1), e.g. ::1
  -h, --help             Show this help
`;

interface CliOptions {
  port: number;
  passphraseFile: string;
  stateFile: string | undefined;
  host: string;
}

const VALUE_OPTIONS = ['--port', '--passphrase-file', '--state', '--host'] as const;
type ValueOption = (typeof VALUE_OPTIONS)[number];

class UsageError extends Error {}

function parseArgs(args: readonly string[]): CliOptions {
  const values = new Map<ValueOption, string>();
  for (let i = 0; i < args.length; i++) {
    const token = args[i] as string;
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const name = eq > 0 ? token.slice(0, eq) : token;
    const option = VALUE_OPTIONS.find((o) => o === name);
    if (option === undefined) {
      throw new UsageError(
        token.startsWith('-')
          ? `unknown option "${token}"; expected ${VALUE_OPTIONS.join(', ')} or --help`
          : `unexpected argument "${token}"; every value follows its option, e.g. --port 8443`,
      );
    }
    if (values.has(option)) throw new UsageError(`option ${option} is given more than once`);
    let value = eq > 0 ? token.slice(eq + 1) : args[++i];
    if (value === undefined || value === '')
      throw new UsageError(`option ${option} needs a value (${placeholder(option)})`);
    if (option === '--host') value = value.replace(/^\[(.*)\]$/, '$1');
    values.set(option, value);
  }
  const portText = values.get('--port');
  const passphraseFile = values.get('--passphrase-file');
  if (portText === undefined) throw new UsageError('option --port is required (--port P, 0 to 65535)');
  if (passphraseFile === undefined) throw new UsageError('option --passphrase-file is required (--passphrase-file F)');
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UsageError(`--port "${portText}" is not a port; expected a whole number from 0 to 65535`);
  const host = values.get('--host') ?? '127.0.0.1';
  if (isIP(host) === 0)
    throw new UsageError(
      `--host "${host}" is not an IP address; expected an IPv4 or IPv6 literal such as 127.0.0.1 or ::1`,
    );
  const state = values.get('--state');
  return {
    port,
    passphraseFile: path.resolve(passphraseFile),
    stateFile: state === undefined ? undefined : path.resolve(state),
    host,
  };
}

function placeholder(option: ValueOption): string {
  return {
    '--port': 'P, 0 to 65535',
    '--passphrase-file': 'F',
    '--state': 'FILE',
    '--host': 'an IP address such as 127.0.0.1',
  }[option];
}

async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  let options: CliOptions;
  try {
    options = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`config-server: ${error.message}\nRun config-server --help for the expected options.\n`);
    process.exitCode = 2;
    return;
  }

  let server: ReferenceConfigServer;
  try {
    server = await startReferenceConfigServer({
      ...options,
      log: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
    });
  } catch (error) {
    process.stderr.write(
      `config-server: cannot start on ${options.host} port ${options.port}: ${(error as Error).message}\n`,
    );
    process.exitCode = 1;
    return;
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal} received: closing\n`);
    server.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`config-server: close failed: ${(error as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`listening ${server.url} fingerprint=${server.fingerprint}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`config-server: internal error: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
