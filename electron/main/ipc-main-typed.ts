import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { setupError } from '../../shared/error-catalog';
import type { Envelope, EventChannels } from '../../shared/ipc-contract';
import { INVOKE_SCHEMAS } from '../../shared/ipc-schemas';
import { dispatchInvoke, type InvokeHandlers } from '../service/ipc-dispatch';

// The only place main touches ipcMain: every channel of the contract is registered here, each call's
// sender is checked before its argument is parsed and its handler runs.

export function registerInvokeHandlers(
  handlers: InvokeHandlers,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  const channels = Object.keys(INVOKE_SCHEMAS);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, arg: unknown): Promise<Envelope<unknown>> => {
      if (!isTrusted(event))
        return { ok: false, error: setupError('INVALID_ARGUMENT', `refused ${channel} from an untrusted sender`) };
      return dispatchInvoke(handlers, channel, arg);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

export function sendEvent<E extends keyof EventChannels>(
  contents: WebContents,
  channel: E,
  payload: EventChannels[E],
): void {
  if (!contents.isDestroyed()) contents.send(channel, payload);
}
