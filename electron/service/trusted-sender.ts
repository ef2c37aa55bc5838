// Handlers first ask who is calling (GitHub Desktop's trusted-ipc-sender): only the main frame of our own
// window, showing our own bundle, may call; a navigated-away or injected frame may not.

export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export interface SenderFacts {
  readonly senderId: number;
  readonly frameUrl: string | undefined;
  readonly isMainFrame: boolean;
}

export function isTrustedSender(facts: SenderFacts, windowContentsId: number | undefined): boolean {
  if (windowContentsId === undefined || facts.senderId !== windowContentsId || !facts.isMainFrame || !facts.frameUrl)
    return false;
  try {
    const url = new URL(facts.frameUrl);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
