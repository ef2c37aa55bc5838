import {
  createSetupApi,
  encodeIpcError,
  type Envelope,
  type EventChannels,
  type InvokeArg,
  type InvokeChannel,
  type InvokeResult,
  type SetupApi,
} from '../../shared/ipc-contract';

// Test-only stand-in for the preload: the same SetupApi, carried over loopback HTTP to the harness, which
// serves the very handlers main uses. The token comes in the page's URL fragment (never sent to a server
// by the browser) and goes back on every call.

declare global {
  interface Window {
    mobilitySetup?: SetupApi;
  }
}

const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';

async function invoke<C extends InvokeChannel>(channel: C, arg: InvokeArg<C>): Promise<InvokeResult<C>> {
  const response = await fetch(`/__bridge/invoke/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bridge-token': token },
    body: JSON.stringify(arg === undefined ? {} : { arg }),
  });
  const envelope = (await response.json()) as Envelope<InvokeResult<C>>;
  if (envelope.ok) return envelope.value;
  throw new Error(encodeIpcError(envelope.error));
}

type AnyListener = (payload: unknown) => void;
const listeners = new Map<keyof EventChannels, Set<AnyListener>>();
const events = new EventSource(`/__bridge/events?token=${encodeURIComponent(token)}`);
events.onmessage = (message: MessageEvent<string>) => {
  const { channel, payload } = JSON.parse(message.data) as { channel: keyof EventChannels; payload: unknown };
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};

function listen<E extends keyof EventChannels>(channel: E, listener: (payload: EventChannels[E]) => void): () => void {
  const set = listeners.get(channel) ?? new Set<AnyListener>();
  listeners.set(channel, set);
  set.add(listener as AnyListener);
  return () => {
    set.delete(listener as AnyListener);
  };
}

window.mobilitySetup = createSetupApi(invoke, listen);
