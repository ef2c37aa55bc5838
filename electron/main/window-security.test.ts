import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createSecureWindow, denyAllPermissions, isOwnUrl, secureWebPreferences } from './window-security';

// The wizard's window as main builds it, read through a stand-in for the electron module (no Electron
// binary here): the web preferences it is created with, what it does on navigation, redirects, webviews and
// window.open, and the permission handlers installed on the default session.

interface FakeEvent {
  readonly preventDefault: () => void;
  readonly prevented: () => boolean;
}

type ContentsHandler = (event: FakeEvent, url: string) => void;
type WindowOpenHandler = (details: { url: string }) => unknown;
type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details?: unknown,
) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin?: string, details?: unknown) => boolean;

const fake = vi.hoisted(() => {
  const state = {
    windows: [] as FakeWindow[],
    permissionRequest: undefined as PermissionRequestHandler | undefined,
    permissionCheck: undefined as PermissionCheckHandler | undefined,
  };

  class FakeWebContents {
    readonly handlers = new Map<string, ContentsHandler[]>();
    windowOpenHandler: WindowOpenHandler | undefined;

    on(name: string, handler: ContentsHandler): this {
      this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler]);
      return this;
    }

    setWindowOpenHandler(handler: WindowOpenHandler): void {
      this.windowOpenHandler = handler;
    }
  }

  class FakeWindow {
    readonly webContents = new FakeWebContents();
    readonly onceHandlers = new Map<string, () => void>();
    shown = 0;

    constructor(readonly options: Record<string, unknown>) {
      state.windows.push(this);
    }

    once(name: string, handler: () => void): this {
      this.onceHandlers.set(name, handler);
      return this;
    }

    show(): void {
      this.shown++;
    }
  }

  const session = {
    defaultSession: {
      setPermissionRequestHandler: (handler: PermissionRequestHandler): void => {
        state.permissionRequest = handler;
      },
      setPermissionCheckHandler: (handler: PermissionCheckHandler): void => {
        state.permissionCheck = handler;
      },
    },
  };

  return { state, FakeWindow, session };
});

type FakeWindow = InstanceType<typeof fake.FakeWindow>;

vi.mock('electron', () => ({ BrowserWindow: fake.FakeWindow, session: fake.session }));

const PRELOAD = '/opt/mobility-setup/resources/app/dist/electron/preload.js';

function newEvent(): FakeEvent {
  let prevented = false;
  return {
    preventDefault: () => {
      prevented = true;
    },
    prevented: () => prevented,
  };
}

function lastWindow(): FakeWindow {
  const window = fake.state.windows.at(-1);
  if (!window) throw new Error('no BrowserWindow was created');
  return window;
}

function handlerOf(window: FakeWindow, name: string): ContentsHandler {
  const handlers = window.webContents.handlers.get(name) ?? [];
  expect(handlers, `handlers for ${name}`).toHaveLength(1);
  return handlers[0] as ContentsHandler;
}

/** Fires a webContents event and tells whether the window prevented it. */
function fire(window: FakeWindow, name: string, url: string): boolean {
  const event = newEvent();
  handlerOf(window, name)(event, url);
  return event.prevented();
}

beforeEach(() => {
  fake.state.windows.length = 0;
  fake.state.permissionRequest = undefined;
  fake.state.permissionCheck = undefined;
});

describe('the wizard window', () => {
  it('is created isolated, sandboxed and without Node, with the preload it was given', () => {
    createSecureWindow(PRELOAD, 'Mobility Service Setup');
    const options = lastWindow().options;
    expect(options).toMatchObject({ title: 'Mobility Service Setup', show: false });
    expect(options.webPreferences).toMatchObject({
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
  });

  it('uses exactly the preferences secureWebPreferences returns, with no experimental features or drag-and-drop navigation', () => {
    createSecureWindow(PRELOAD, 'title');
    expect(lastWindow().options.webPreferences).toEqual(secureWebPreferences(PRELOAD));
    expect(secureWebPreferences(PRELOAD)).toMatchObject({ experimentalFeatures: false, navigateOnDragDrop: false });
  });

  it('is shown only once it is ready to show', () => {
    createSecureWindow(PRELOAD, 'title');
    const window = lastWindow();
    expect(window.shown).toBe(0);
    window.onceHandlers.get('ready-to-show')?.();
    expect(window.shown).toBe(1);
  });

  it.each([
    'https://evil.example',
    'https://evil.example/app://bundle/',
    'file:///etc/passwd',
    'http://127.0.0.1:8080/',
    'app://evil/index.html',
    'app://bundle.evil.example/',
    'javascript:alert(1)',
    'not a url',
  ])('prevents navigating to %s', (url) => {
    createSecureWindow(PRELOAD, 'title');
    expect(fire(lastWindow(), 'will-navigate', url)).toBe(true);
  });

  it.each(['app://bundle/index.html', 'app://bundle/logs', 'app://bundle/'])(
    'lets the window navigate within its own bundle (%s)',
    (url) => {
      createSecureWindow(PRELOAD, 'title');
      expect(fire(lastWindow(), 'will-navigate', url)).toBe(false);
    },
  );

  it.each([
    ['https://evil.example', true],
    ['file:///etc/passwd', true],
    ['app://evil/index.html', true],
    ['app://bundle/index.html', false],
  ])('treats a redirect to %s like a navigation (prevented: %s)', (url, prevented) => {
    createSecureWindow(PRELOAD, 'title');
    expect(fire(lastWindow(), 'will-redirect', url)).toBe(prevented);
  });

  it.each(['app://bundle/index.html', 'https://evil.example', ''])('never attaches a webview (src %j)', (src) => {
    createSecureWindow(PRELOAD, 'title');
    expect(fire(lastWindow(), 'will-attach-webview', src)).toBe(true);
  });

  it.each(['https://evil.example', 'app://bundle/index.html', 'about:blank', 'file:///etc/passwd'])(
    'denies window.open of %s',
    (url) => {
      createSecureWindow(PRELOAD, 'title');
      const handler = lastWindow().webContents.windowOpenHandler;
      expect(handler).toBeTypeOf('function');
      expect(handler?.({ url })).toEqual({ action: 'deny' });
    },
  );
});

describe('permissions', () => {
  it.each(['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal', 'fullscreen'])(
    'denies a request for %s',
    (permission) => {
      denyAllPermissions();
      const handler = fake.state.permissionRequest;
      expect(handler).toBeTypeOf('function');
      const answers: boolean[] = [];
      handler?.({}, permission, (granted) => answers.push(granted), { requestingUrl: 'app://bundle/index.html' });
      expect(answers).toEqual([false]);
    },
  );

  it.each(['media', 'notifications', 'clipboard-read', 'clipboard-sanitized-write'])(
    'answers a permission check for %s with false',
    (permission) => {
      denyAllPermissions();
      const handler = fake.state.permissionCheck;
      expect(handler).toBeTypeOf('function');
      expect(handler?.({}, permission, 'app://bundle', {})).toBe(false);
    },
  );
});

describe('isOwnUrl', () => {
  it.each([
    ['app://bundle/index.html', true],
    ['app://bundle/', true],
    ['app://bundle', true],
    ['app://bundle/assets/index.js?x=1#top', true],
    ['app://bundle:8080/index.html', false],
    ['app://bundle.evil.example/index.html', false],
    ['app://bundlex/index.html', false],
    ['app://evil/bundle', false],
    ['app:bundle/index.html', false],
    ['app:///bundle/index.html', false],
    ['https://bundle/index.html', false],
    ['http://app.bundle/', false],
    ['https://evil.example', false],
    ['file:///etc/passwd', false],
    ['file://bundle/index.html', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['javascript:alert(1)', false],
    ['about:blank', false],
    ['', false],
    ['app://bundle\\evil', false],
    ['not a url', false],
  ])('%j -> %s', (url, own) => {
    expect(isOwnUrl(url)).toBe(own);
  });
});
