import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startReferenceConfigServer } from '../e2e/config-server/reference-config-server';
import { parseCsEndpoint } from '../shared/cs-endpoint';
import { registerWithCs } from '../electron/engine/registration/cs-client';
import { newLoginId } from '../electron/engine/registration/registration-crypto';
import { LOGIN_START_PATH, REGISTER_PATH, type HostInfo } from '../shared/registration-protocol';
import { median } from './bench-stats';

// bench/registration: registrations per second and median latency against the reference configuration
// server on loopback, each beside a baseline doing the same two HTTPS requests in the same run:
//   1. the configurator CLI (a process per registration, as an admin runs it) beside curl (a process per
//      request: POST login/start, then POST register);
//   2. the protocol client in-process beside Node's https client making the same two requests.
// The baselines' requests are the client's, the same size, without the OPAQUE work: the login start carries
// bytes that are no OPAQUE message, so the server refuses it before any (and it counts for no rate limit),
// and the register carries an unknown login id, so the server answers it without finishing a login.
// The gap between each pair is therefore the protocol's crypto (OPAQUE's key stretching foremost) plus its
// process and bundle costs.
// Usage: npm run build && npm run -s bench:registration [-- --count 30]

const execFileAsync = promisify(execFile);
const args = process.argv.slice(2);
const count = Number(args[args.indexOf('--count') + 1] ?? '') || 30;
const top = path.resolve(__dirname, '..', '..');
const configurator = path.join(top, 'dist', 'cli', 'unified-agent-configurator.cjs');
const unifiedAgent = path.join(top, 'dist', 'cli', 'unified-agent.cjs');

async function timeEach(
  label: string,
  run: () => Promise<void>,
): Promise<{ label: string; perSecond: number; medianMs: number }> {
  await run(); // warm-up
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  const total = (performance.now() - start) / 1000;
  return { label, perSecond: count / total, medianMs: median(times) };
}

function post(port: number, pathName: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: pathName,
        agent: false,
        // eslint-disable-next-line no-restricted-syntax -- baseline client against the self-signed reference server
        rejectUnauthorized: false,
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function main(): Promise<void> {
  for (const file of [configurator, unifiedAgent])
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'asr-bench-registration-'));
  try {
    const root = path.join(work, 'root');
    fs.mkdirSync(path.join(root, 'etc'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'etc', 'os-release'),
      'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n',
    );
    await execFileAsync(process.execPath, [unifiedAgent, '-r', 'MS', '-v', 'VmWare', '-q', '--root', root]);
    const passphraseFile = path.join(work, 'passphrase.txt');
    fs.writeFileSync(passphraseFile, 'benchmark-passphrase\n', { mode: 0o600 });
    const server = await startReferenceConfigServer({
      port: 0,
      passphraseFile,
      stateFile: path.join(work, 'state.json'),
    });
    // 96 bytes, the size of a real startLoginRequest, that decode to no OPAQUE message.
    const loginStartBody = JSON.stringify({ startLoginRequest: Buffer.alloc(96).toString('base64url') });
    const registerBody = JSON.stringify({
      loginId: newLoginId(),
      // The size of a real finishLoginRequest (64 bytes).
      finishLoginRequest: Buffer.alloc(64).toString('base64url'),
      host: {
        hostName: 'bench',
        os: 'DEBIAN12-64',
        agentVersion: '9.60.0.0',
        role: 'MS',
        platform: 'VmWare',
        ipAddresses: ['127.0.0.1'],
      },
      proof: '0'.repeat(64),
    });
    const curlAvailable = await execFileAsync('curl', ['--version']).then(
      () => true,
      () => false,
    );
    const results = [];
    try {
      results.push(
        await timeEach('configurator CLI (process per registration)', async () => {
          const { code } = await new Promise<{ code: number | null }>((resolve) => {
            const child = spawn(
              process.execPath,
              [configurator, '-i', `127.0.0.1:${server.port}`, '-P', passphraseFile, '-q', '--root', root],
              { stdio: 'ignore' },
            );
            child.on('exit', (exitCode) => resolve({ code: exitCode }));
          });
          if (code !== 0) throw new Error(`configurator exited ${code}`);
        }),
      );
      if (curlAvailable) {
        results.push(
          await timeEach('curl, two HTTPS requests (process per request)', async () => {
            const url = `https://127.0.0.1:${server.port}`;
            await execFileAsync('curl', [
              '-sk',
              '-o',
              '/dev/null',
              '-X',
              'POST',
              '-H',
              'content-type: application/json',
              '--data',
              loginStartBody,
              `${url}${LOGIN_START_PATH}`,
            ]);
            await execFileAsync('curl', [
              '-sk',
              '-o',
              '/dev/null',
              '-X',
              'POST',
              '-H',
              'content-type: application/json',
              '--data',
              registerBody,
              `${url}${REGISTER_PATH}`,
            ]);
          }),
        );
      }
      const endpoint = parseCsEndpoint(`127.0.0.1:${server.port}`);
      if (!endpoint.ok) throw new Error(endpoint.reason);
      const host: HostInfo = {
        hostName: 'bench-inprocess',
        os: 'DEBIAN12-64',
        agentVersion: '9.60.0.0',
        role: 'MS',
        platform: 'VmWare',
        ipAddresses: ['127.0.0.1'],
      };
      results.push(
        await timeEach('protocol client in-process (registerWithCs)', async () => {
          const result = await registerWithCs(endpoint.endpoint, 'benchmark-passphrase', host);
          if (!result.ok) throw new Error(result.error.message);
        }),
      );
      results.push(
        await timeEach("Node's https client, the same two requests", async () => {
          await post(server.port, LOGIN_START_PATH, loginStartBody);
          await post(server.port, REGISTER_PATH, registerBody);
        }),
      );
    } finally {
      await server.close();
    }
    process.stdout.write(
      `registration: ${count} registrations each against the reference CS on loopback, ${os.cpus().length} cores, Node ${process.versions.node}\n`,
    );
    for (const r of results)
      process.stdout.write(
        `  ${r.label.padEnd(48)} ${r.perSecond.toFixed(1).padStart(7)} /s   median ${r.medianMs.toFixed(1).padStart(7)} ms\n`,
      );
    const [cli, curl, inProcess, node] = [
      results[0],
      curlAvailable ? results[1] : undefined,
      results[curlAvailable ? 2 : 1],
      results[curlAvailable ? 3 : 2],
    ];
    if (cli && curl)
      process.stdout.write(
        `  ratio configurator CLI / curl (median latency): ${(cli.medianMs / curl.medianMs).toFixed(2)}x\n`,
      );
    if (inProcess && node)
      process.stdout.write(
        `  ratio protocol client / Node https (median latency): ${(inProcess.medianMs / node.medianMs).toFixed(2)}x\n`,
      );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
