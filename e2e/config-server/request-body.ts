import type { IncomingMessage } from 'node:http';

// Reading a request body without trusting its declared length: keep what the protocol allows, drain a bounded
// excess so the client still reads our error, and give up on anything larger.

// Beyond the protocol's 64 KiB the body is discarded, not kept; this much is still drained so the client
// reads the error instead of a TCP reset (closing on unread bytes resets the connection).
const MAX_DRAINED_BYTES = 1024 * 1024;

// 'over-limit': more than the caller wanted to keep; drained means read to the end (the connection is reusable).
export type BodyResult =
  { kind: 'complete'; body: Buffer } | { kind: 'over-limit'; drained: boolean } | { kind: 'aborted' };

/** Keeps up to `keep` bytes; anything beyond is drained and dropped, up to MAX_DRAINED_BYTES. */
export function readBody(req: IncomingMessage, keep: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: BodyResult): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.length;
      if (total <= keep) chunks.push(chunk);
      else chunks.length = 0;
      if (total > keep + MAX_DRAINED_BYTES) {
        req.pause();
        finish({ kind: 'over-limit', drained: false });
      }
    };
    const onEnd = (): void =>
      finish(total <= keep ? { kind: 'complete', body: Buffer.concat(chunks) } : { kind: 'over-limit', drained: true });
    const onAbort = (): void => finish({ kind: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) onAbort();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}
