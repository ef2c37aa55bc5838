import { BrowserWindow, session, type WebPreferences } from 'electron';
import { APP_ORIGIN } from '../service/trusted-sender';

// The window the wizard runs in, locked down as docs/architecture.md asks: an isolated, sandboxed renderer without
// Node, no navigation away from our bundle, no new windows, no permission ever granted. Kept apart from
// main.ts so a unit test (with a mocked electron module) can read exactly what main applies.

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export function isOwnUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

export function createSecureWindow(preload: string, title: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 960,
    height: 720,
    minWidth: 720,
    minHeight: 560,
    title,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preload),
  });
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window.show());
  return window;
}

/** No permission (camera, notifications, clipboard-read, ...) is ever granted to any page. */
export function denyAllPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}
