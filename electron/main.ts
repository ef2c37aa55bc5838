import * as fs from 'node:fs';
import * as path from 'node:path';
import { app, dialog, protocol, shell, type IpcMainInvokeEvent } from 'electron';
import { PRODUCT_NAME } from '../shared/product';
import { parseAppOptions } from './app-options';
import { liveSystemProbe } from './engine/system-probe';
import { elevationModeFor } from './job-launcher';
import { registerInvokeHandlers, sendEvent } from './ipc-main-typed';
import { CONTENT_SECURITY_POLICY, contentTypeOf, rendererFileFor } from './renderer-files';
import { createSetupService } from './setup-service';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isTrustedSender } from './trusted-sender';
import { createSecureWindow, denyAllPermissions } from './window-security';

// The desktop wizard's main process: one locked-down window showing the renderer bundle over app://, and
// the setup service behind the typed IPC. Privileged work runs in a child process (see job-launcher.ts);
// this process stays unprivileged, and never adds --no-sandbox.

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function which(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

async function start(): Promise<void> {
  const parsed = parseAppOptions(process.argv.slice(1));
  if (!parsed.ok) {
    dialog.showErrorBox(PRODUCT_NAME, `Invalid command line: ${parsed.message}`);
    app.exit(2);
    return;
  }
  await app.whenReady();
  denyAllPermissions();
  const appRoot = app.getAppPath();
  const rendererDir = path.join(appRoot, 'dist', 'renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? rendererFileFor(rendererDir, url.pathname) : undefined;
    if (!file || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return new Response('not found', { status: 404 });
    return new Response(await fs.promises.readFile(file), {
      headers: { 'content-type': contentTypeOf(file), 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
    });
  });

  const probe = liveSystemProbe();
  const pkexecPath = process.platform === 'linux' ? which('pkexec') : undefined;
  const window = createSecureWindow(path.join(appRoot, 'dist', 'electron', 'preload.cjs'), PRODUCT_NAME);
  const service = createSetupService({
    paths: { root: parsed.options.root, repository: parsed.options.repository ?? path.join(appRoot, 'assets', 'repository'), logDir: parsed.options.logDir },
    probe,
    // The app binary runs the CLI bundles as Node (as VS Code's `code` CLI does); see README, "Distribution".
    runtime: { command: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, nodeOptions: ['--max-semi-space-size=1'] },
    scripts: { unifiedAgent: path.join(appRoot, 'dist', 'cli', 'unified-agent.cjs'), configurator: path.join(appRoot, 'dist', 'cli', 'unified-agent-configurator.cjs') },
    elevation: elevationModeFor(process.platform, process.getuid?.(), pkexecPath),
    pkexecPath,
    browseFolder: async (current) => {
      const result = await dialog.showOpenDialog(window, { title: 'Install location', defaultPath: current, properties: ['openDirectory', 'createDirectory', 'promptToCreate'] });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    openFolder: async (folder) => {
      await shell.openPath(folder);
    },
    closeApp: () => window.close(),
  });
  const isTrusted = (event: IpcMainInvokeEvent): boolean =>
    isTrustedSender({ senderId: event.sender.id, frameUrl: event.senderFrame?.url, isMainFrame: event.senderFrame === event.sender.mainFrame }, window.isDestroyed() ? undefined : window.webContents.id);
  const unregister = registerInvokeHandlers(service.handlers, isTrusted);
  const unsubscribe = service.subscribe((channel, payload) => sendEvent(window.webContents, channel, payload));
  window.on('closed', () => {
    unsubscribe();
    unregister();
    service.dispose();
  });
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('window-all-closed', () => app.quit());
start().catch((error: unknown) => {
  dialog.showErrorBox(PRODUCT_NAME, (error as Error).stack ?? String(error));
  app.exit(1);
});
