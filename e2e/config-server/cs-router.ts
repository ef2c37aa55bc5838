import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import {
  LOGIN_START_PATH,
  MAX_MESSAGE_BYTES,
  REGISTER_PATH,
  UNREGISTER_PATH,
} from '../../shared/registration-protocol';
import { handleLoginStart, handleRegister, handleUnregister } from './cs-handlers';
import type { HandlerContext } from './cs-handlers';
import { HttpError } from './http-error';
import { readBody } from './request-body';
import type { BodyResult } from './request-body';

// Everything HTTP about the three endpoints: which path is which, the checks made before a body is trusted
// (method, content type, rate limit, size), turning handler outcomes and errors into JSON replies, and one
// log line per request. The handlers below it see only a bounded, complete body.

type Route = 'login/start' | 'register' | 'unregister';

const ROUTES: Record<string, Route> = {
  [LOGIN_START_PATH]: 'login/start',
  [REGISTER_PATH]: 'register',
  [UNREGISTER_PATH]: 'unregister',
};

interface Reply {
  status: number;
  payload: unknown;
  headers: Record<string, string>;
  /** Replaces the default "METHOD url" in the log line when the outcome says more. */
  describe?: string;
}

export function createRequestHandler(
  ctx: HandlerContext,
  log: (line: string) => void,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const address = remoteAddress(req);
    const url = req.url ?? '';
    const route: Route | undefined = Object.hasOwn(ROUTES, url) ? ROUTES[url] : undefined;
    let failure = refuseBeforeBody(ctx, req, route, address);

    const declared = Number(req.headers['content-length'] ?? 0);
    const result = await readBody(req, failure === undefined && declared <= MAX_MESSAGE_BYTES ? MAX_MESSAGE_BYTES : 0);
    if (result.kind === 'aborted') return;
    if (result.kind === 'over-limit' && failure === undefined)
      failure = new HttpError(413, 'BAD_REQUEST', `the body exceeds ${MAX_MESSAGE_BYTES} bytes`);
    const undrained = result.kind === 'over-limit' && !result.drained;
    if (undrained) res.shouldKeepAlive = false;

    const reply = answer(ctx, route, result, failure, address, log);
    for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
    const describe = reply.describe ?? `${req.method ?? '?'} ${JSON.stringify(url.slice(0, 200))}`;
    const status = reply.status;
    log(`${address} ${describe}: ${status}${status === 200 ? '' : ` ${(reply.payload as { error: string }).error}`}`);
    send(res, status, reply.payload);
    // Past the drain limit the client is abusive: close rather than read on.
    if (undrained) res.on('finish', () => req.socket.destroy());
  };
}

/** The refusal owed before the body is read, if any; the body is then only drained, never parsed. */
function refuseBeforeBody(
  ctx: HandlerContext,
  req: IncomingMessage,
  route: Route | undefined,
  address: string,
): HttpError | undefined {
  let failure: HttpError | undefined;
  if (route === undefined)
    failure = new HttpError(
      404,
      'BAD_REQUEST',
      `unknown path; the protocol (version 2) serves ${LOGIN_START_PATH}, ${REGISTER_PATH} and ${UNREGISTER_PATH}`,
    );
  else if (req.method !== 'POST') failure = new HttpError(405, 'BAD_REQUEST', `${route} takes POST`, { Allow: 'POST' });
  // A limited address is refused a login before its body is looked at: no OPAQUE answer to test a guess against.
  else if (route === 'login/start') failure = ctx.limiter.check(address, ctx.now());
  if (failure === undefined && !isJsonContentType(req.headers['content-type']))
    failure = new HttpError(400, 'BAD_REQUEST', 'content-type must be application/json');
  return failure;
}

function answer(
  ctx: HandlerContext,
  route: Route | undefined,
  result: BodyResult,
  failure: HttpError | undefined,
  address: string,
  log: (line: string) => void,
): Reply {
  try {
    if (failure !== undefined) throw failure;
    if (result.kind !== 'complete') throw new Error('unreachable: body missing');
    switch (route) {
      case 'login/start':
        return {
          status: 200,
          payload: handleLoginStart(ctx, result.body, address),
          headers: {},
          describe: 'login start',
        };
      case 'register': {
        const registered = handleRegister(ctx, result.body);
        const describe = `register ${JSON.stringify(registered.hostName)} -> ${registered.response.hostId}`;
        return { status: 200, payload: registered.response, headers: {}, describe };
      }
      case 'unregister': {
        const unregistered = handleUnregister(ctx, result.body);
        return {
          status: 200,
          payload: unregistered.response,
          headers: {},
          describe: `unregister ${unregistered.hostId}`,
        };
      }
      default:
        throw new Error('unreachable: no route');
    }
  } catch (error) {
    return errorReply(error, log);
  }
}

/** Protocol refusals go to the client as they are; anything else is our bug, so the client learns only that. */
function errorReply(error: unknown, log: (line: string) => void): Reply {
  if (error instanceof HttpError)
    return { status: error.status, payload: { error: error.code, message: error.message }, headers: error.headers };
  log(`internal error: ${(error as Error).stack ?? String(error)}`);
  return {
    status: 500,
    payload: { error: 'INTERNAL_ERROR', message: 'the reference server failed; see its log' },
    headers: {},
  };
}

function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && value.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function remoteAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; one client, one rate-limit bucket.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}
