import { setupError, type SetupError } from '../../shared/error-catalog';
import type { Envelope, InvokeArg, InvokeChannel, InvokeResult } from '../../shared/ipc-contract';
import { INVOKE_SCHEMAS } from '../../shared/ipc-schemas';
import '../../shared/zod-english';

// The single gate every call from a renderer passes, in Electron (ipcMain) and in the e2e bridge alike:
// the channel must be known and its argument must parse with the channel's schema before any handler runs.
// Results travel in an envelope so a failure reaches the wizard as a catalog error with its remedy
// (Electron would reduce a thrown Error to its message).

export type InvokeHandlers = { readonly [C in InvokeChannel]: (arg: InvokeArg<C>) => Promise<InvokeResult<C>> };

export class IpcError extends Error {
  constructor(readonly error: SetupError) {
    super(error.message);
  }
}

export function isInvokeChannel(channel: string): channel is InvokeChannel {
  return Object.prototype.hasOwnProperty.call(INVOKE_SCHEMAS, channel);
}

export async function dispatchInvoke(
  handlers: InvokeHandlers,
  channel: string,
  rawArg: unknown,
): Promise<Envelope<unknown>> {
  if (!isInvokeChannel(channel))
    return { ok: false, error: setupError('INVALID_ARGUMENT', `unknown channel "${channel}"`) };
  const parsed = INVOKE_SCHEMAS[channel].safeParse(rawArg);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'argument';
    return {
      ok: false,
      error: setupError(
        'INVALID_ARGUMENT',
        `${channel}: ${where}: ${issue?.message ?? 'invalid'}`,
        'This is a bug in the wizard; please report it with the setup logs.',
      ),
    };
  }
  try {
    const handler = handlers[channel] as (arg: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof IpcError) return { ok: false, error: error.error };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: setupError('INSTALL_FAILED', `${channel} failed: ${message}`) };
  }
}
