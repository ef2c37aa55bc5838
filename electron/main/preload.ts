import { contextBridge, ipcRenderer } from 'electron';
import {
  createSetupApi,
  encodeIpcError,
  type Envelope,
  type EventChannels,
  type InvokeArg,
  type InvokeChannel,
  type InvokeResult,
} from '../../shared/ipc-contract';

// The page gets task-level calls (Electron Fiddle's preload style), never ipcRenderer or a channel name.
// Listeners can be removed. Failures arrive as catalog errors in an envelope and are rethrown encoded,
// since contextBridge carries only an Error's message.

async function invoke<C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<InvokeResult<C>> {
  const envelope = (await ipcRenderer.invoke(channel, arg)) as Envelope<InvokeResult<C>>;
  if (envelope.ok) return envelope.value;
  throw new Error(encodeIpcError(envelope.error));
}

function listen<E extends keyof EventChannels>(channel: E, listener: (payload: EventChannels[E]) => void): () => void {
  const wrapped = (_event: Electron.IpcRendererEvent, payload: EventChannels[E]): void => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

contextBridge.exposeInMainWorld('mobilitySetup', createSetupApi(invoke, listen));
