import * as fs from 'node:fs';
import * as path from 'node:path';
import { app, clipboard, dialog, protocol, shell, type IpcMainInvokeEvent } from 'electron';
import { PRODUCT_NAME } from '../../shared/product';
import { parseAppOptions } from '../service/app-options';
import { liveSystemProbe } from '../engine/system/system-probe';
import { elevationModeFor, ROOT_HELPER_PATH, type CliRuntime } from '../service/job-launcher';
import { registerInvokeHandlers, sendEvent } from './ipc-main-typed';
import { CONTENT_SECURITY_POLICY, contentTypeOf, rendererFileFor } from '../service/renderer-files';
import { createSetupService } from '../service/setup-service';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, isTrustedSender } from '../service/trusted-sender';
import { createSecureWindow, denyAllPermissions } from './window-security';

// The desktop wizard's main process: one locked-down window showing the renderer bundle over app://, and
// the setup service behind the typed IPC. Privileged work runs in a child process (see job-launcher.ts);
// this process stays unprivileged, and never adds --no-sandbox.

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

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
  // Chromium reads --lang only in its --lang=CODE form: appended here, its own UI (dialogs) follows too.
  if (parsed.options.lang) app.commandLine.appendSwitch('lang', parsed.options.lang);
  await app.whenReady();
  denyAllPermissions();
  const appRoot = app.getAppPath();
  const rendererDir = path.join(appRoot, 'dist', 'renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? rendererFileFor(rendererDir, url.pathname) : undefined;
    if (!file || !fs.statSync(file, { throwIfNoEntry: false })?.isFile())
      return new Response('not found', { status: 404 });
    return new Response(await fs.promises.readFile(file), {
      headers: {
        'content-type': contentTypeOf(file),
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  });

  const probe = liveSystemProbe();
  // The CLIs and the repository are unpacked beside app.asar: the privileged child is a separate Node
  // process, which cannot read inside the archive.
  const unpackedRoot = appRoot.endsWith('.asar') ? `${appRoot}.unpacked` : appRoot;
  // A packaged app has RunAsNode fused off, so the child runs on the Node runtime shipped in resources/;
  // from a checkout (npx electron .) the app binary runs the CLI as Node, as VS Code's `code` CLI does.
  const packagedNode = path.join(process.resourcesPath, 'runtime', process.platform === 'win32' ? 'node.exe' : 'node');
  const runtime: CliRuntime =
    app.isPackaged && fs.existsSync(packagedNode)
      ? { command: packagedNode, env: {}, nodeOptions: ['--max-semi-space-size=1'] }
      : { command: process.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, nodeOptions: ['--max-semi-space-size=1'] };
  // Only the helper the package installed at its fixed path, which the polkit action names, is ever run as root.
  const pkexec = process.platform === 'linux' ? which('pkexec') : undefined;
  const elevator = pkexec && fs.existsSync(ROOT_HELPER_PATH) ? { pkexec, helper: ROOT_HELPER_PATH } : undefined;
  const window = createSecureWindow(path.join(appRoot, 'dist', 'electron', 'preload.js'), PRODUCT_NAME);
  const service = createSetupService({
    paths: {
      root: parsed.options.root,
      repository: parsed.options.repository ?? path.join(unpackedRoot, 'assets', 'repository'),
      logDir: parsed.options.logDir,
      knownHosts: parsed.options.knownHosts,
    },
    probe,
    runtime,
    scripts: {
      unifiedAgent: path.join(unpackedRoot, 'dist', 'cli', 'unified-agent.cjs'),
      configurator: path.join(unpackedRoot, 'dist', 'cli', 'unified-agent-configurator.cjs'),
      pushInstall: path.join(unpackedRoot, 'dist', 'cli', 'push-install.cjs'),
    },
    elevation: elevationModeFor(process.platform, process.getuid?.(), elevator),
    elevator,
    browseFolder: async (current) => {
      const result = await dialog.showOpenDialog(window, {
        title: 'Install location',
        defaultPath: current,
        properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    browseFile: async (current) => {
      const result = await dialog.showOpenDialog(window, {
        title: 'SSH key file',
        defaultPath: current || undefined,
        properties: ['openFile', 'showHiddenFiles'],
      });
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    saveFile: async (suggestedName) => {
      const csv = suggestedName.endsWith('.csv');
      const result = await dialog.showSaveDialog(window, {
        title: csv ? 'Save results as CSV' : 'Save diagnostics',
        defaultPath: suggestedName,
        filters: csv
          ? [{ name: 'CSV', extensions: ['csv'] }]
          : [{ name: 'Diagnostics (gzip tar)', extensions: ['gz'] }],
      });
      return result.canceled ? null : (result.filePath ?? null);
    },
    openFolder: async (folder) => {
      await shell.openPath(folder);
    },
    // The page is denied clipboard permissions (window-security.ts): every Copy goes through main.
    writeClipboard: (text) => clipboard.writeText(text),
    closeApp: () => window.close(),
    // Checked with the shared localeTagSchema by the service; one it cannot read means English.
    locale: parsed.options.lang ?? app.getLocale(),
  });
  const isTrusted = (event: IpcMainInvokeEvent): boolean =>
    isTrustedSender(
      {
        senderId: event.sender.id,
        frameUrl: event.senderFrame?.url,
        isMainFrame: event.senderFrame === event.sender.mainFrame,
      },
      window.isDestroyed() ? undefined : window.webContents.id,
    );
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
