import type * as z from 'zod/mini';
import '../../shared/zod-english';
import type { ServerErrorCode } from '../../shared/registration-protocol';

// One error type for every refusal the protocol defines, so handlers can throw and the router alone decides how
// a refusal is written (status, error code, extra headers) and logged.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ServerErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'the body is not valid JSON');
  }
}

/** The first issue only: enough for a client (or an operator reading the state file error) to find the fault. */
export function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'invalid' : `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}
