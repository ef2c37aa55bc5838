import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { EventChannels } from '../../shared/ipc-contract';
import { liveSystemProbe } from '../../electron/engine/system/system-probe';
import { dispatchInvoke } from '../../electron/service/ipc-dispatch';
import { elevationModeFor } from '../../electron/service/job-launcher';
import { CONTENT_SECURITY_POLICY, contentTypeOf, rendererFileFor } from '../../electron/service/renderer-files';
import { createSetupService, type SetupService } from '../../electron/service/setup-service';

// The e2e (and try-it-in-a-browser) harness: serves the built renderer and a bridge to the same setup
// service main uses, so the real renderer drives the real engine in Debian's Chromium where no Electron
// binary can be had. Loopback only; every bridge call carries a random token; the Host header is checked
// so a page on another origin cannot reach it through DNS rebinding.

export interface HarnessOptions {
  readonly host?: string;
  readonly port?: number;
  readonly root?: string;
  readonly repository: string;
  readonly logDir?: string;
  /** What the stand-in for the native folder dialog answers (null: the admin cancelled it). */
  readonly browseAnswer?: string | null;
  /** The top of the checkout (dist/ lives there). */
  readonly appRoot: string;
  /** The push CLI the wizard's "Push to servers" runs (default dist/cli/push-install.cjs; tests pass a stand-in). */
  readonly pushCli?: string;
  /** The SSH known hosts file pushes check servers against (default ~/.ssh/known_hosts). */
  readonly knownHosts?: string;
  /** What the stand-in for the native file dialog (the SSH key file) answers (null: cancelled). */
  readonly browseFileAnswer?: string | null;
  /** Where the stand-in for the native save dialog saves (null: the admin cancelled it). */
  readonly saveDir?: string | null;
  /** Extra environment for the jobs' child processes (tests pass engine failpoints this way). */
  readonly childEnv?: Readonly<Record<string, string>>;
  /**
   * The wizard's language, as --lang gives it to the app (de, en-XA). Default English: Chromium's own locale
   * here is en-US, and the harness stands in for main, which would ask the system.
   */
  readonly lang?: string;
  /**
   * The built page to serve (default the renderer, dist/renderer). bench/wizard serves its bare page through
   * a harness too, so the baseline pays the same server and bridge (the preload's stand-in) as the wizard.
   */
  readonly rendererDir?: string;
}

export interface Harness {
  readonly url: string;
  readonly token: string;
  readonly port: number;
  /** Calls of app:close, logs:open-folder and the save dialog, for tests. */
  readonly calls: string[];
  /** What main would have put on the clipboard (logs:copy), latest last. */
  readonly clipboard: string[];
  close(): Promise<void>;
}

const BRIDGE_SCRIPT = '/__bridge/bridge-client.js';

function tokenMatches(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(request: http.IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const host = options.host ?? '127.0.0.1';
  const token = randomBytes(32).toString('hex');
  // Absolute, as the file lookup answers: a relative one would never match and the bridge not be put in.
  const rendererDir = path.resolve(options.rendererDir ?? path.join(options.appRoot, 'dist', 'renderer'));
  const bridgeFile = path.join(options.appRoot, 'dist', 'e2e', 'bridge-client.js');
  for (const file of [path.join(rendererDir, 'index.html'), bridgeFile]) {
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
  const calls: string[] = [];
  const clipboard: string[] = [];
  const probe = liveSystemProbe();
  const service: SetupService = createSetupService({
    paths: {
      root: options.root,
      repository: options.repository,
      logDir: options.logDir,
      knownHosts: options.knownHosts,
    },
    probe,
    runtime: { command: process.execPath, env: { ...options.childEnv }, nodeOptions: ['--max-semi-space-size=1'] },
    scripts: {
      unifiedAgent: path.join(options.appRoot, 'dist', 'cli', 'unified-agent.cjs'),
      configurator: path.join(options.appRoot, 'dist', 'cli', 'unified-agent-configurator.cjs'),
      pushInstall: options.pushCli ?? path.join(options.appRoot, 'dist', 'cli', 'push-install.cjs'),
    },
    elevation: elevationModeFor(process.platform, process.getuid?.(), undefined),
    elevator: undefined,
    locale: options.lang ?? 'en',
    browseFolder: async () => options.browseAnswer ?? null,
    browseFile: async () => options.browseFileAnswer ?? null,
    saveFile: async (suggestedName) => {
      if (!options.saveDir) return null;
      fs.mkdirSync(options.saveDir, { recursive: true });
      const file = path.join(options.saveDir, suggestedName);
      calls.push(`save ${file}`);
      return file;
    },
    openFolder: async (folder) => {
      calls.push(`open-folder ${folder}`);
    },
    writeClipboard: (text) => {
      clipboard.push(text);
    },
    closeApp: () => {
      calls.push('close');
    },
  });
  const streams = new Set<http.ServerResponse>();
  const unsubscribe = service.subscribe(<E extends keyof EventChannels>(channel: E, payload: EventChannels[E]) => {
    const data = `data: ${JSON.stringify({ channel, payload })}\n\n`;
    for (const stream of streams) stream.write(data);
  });
  let expectedHost = '';

  const server = http.createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://harness');
      if (request.headers.host !== expectedHost) {
        response.writeHead(421).end('wrong host');
        return;
      }
      if (url.pathname === '/__bridge/events') {
        if (!tokenMatches(url.searchParams.get('token') ?? undefined, token)) {
          response.writeHead(403).end();
          return;
        }
        response.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        response.write(': connected\n\n');
        streams.add(response);
        request.on('close', () => streams.delete(response));
        return;
      }
      if (url.pathname.startsWith('/__bridge/invoke/')) {
        if (
          request.method !== 'POST' ||
          !tokenMatches(request.headers['x-bridge-token'] as string | undefined, token)
        ) {
          response.writeHead(403, { 'content-type': 'application/json' }).end('{"ok":false}');
          return;
        }
        const body = await readBody(request, 256 * 1024);
        let arg: unknown;
        try {
          arg = body ? (JSON.parse(body) as { arg?: unknown }).arg : undefined;
        } catch {
          arg = Symbol('malformed');
        }
        const envelope = await dispatchInvoke(service.handlers, url.pathname.slice('/__bridge/invoke/'.length), arg);
        response
          .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
          .end(JSON.stringify(envelope));
        return;
      }
      const file = url.pathname === BRIDGE_SCRIPT ? bridgeFile : rendererFileFor(rendererDir, url.pathname);
      if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        response.writeHead(404).end('not found');
        return;
      }
      let content: Buffer | string = fs.readFileSync(file);
      if (path.basename(file) === 'index.html' && file.startsWith(rendererDir)) {
        // The bridge stands in for the preload: a deferred classic script runs, in document order, before
        // the renderer's module script, without blocking the parse while it loads.
        content = content
          .toString('utf8')
          .replace('<head>', `<head>\n    <script defer src="${BRIDGE_SCRIPT}"></script>`);
      }
      response.writeHead(200, {
        'content-type': contentTypeOf(file),
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      });
      response.end(content);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String((error as Error).message));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  expectedHost = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    url: `http://${expectedHost}/#token=${token}`,
    token,
    port,
    calls,
    clipboard,
    close: async () => {
      unsubscribe();
      for (const stream of streams) stream.end();
      service.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
