import { setupApi } from '../setup-api';

// Copy buttons put their text on the clipboard through main: the app grants a page no clipboard permission
// (window-security.ts), so the browser's clipboard API would be refused there.

/** True when main put the text on the clipboard. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await setupApi().copyText(text);
    return true;
  } catch {
    return false;
  }
}
