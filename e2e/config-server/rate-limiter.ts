import { RATE_LIMIT_UNFINISHED_LOGINS, RATE_LIMIT_WINDOW_MS } from '../../shared/registration-protocol';
import { HttpError } from './http-error';

// docs/protocol.md's guard against online guessing. Each login start lets its caller test one passphrase guess
// against the server's answer, so an address whose login starts in the window did not end in a successful
// finish too often is refused new ones with 429 until the oldest of them ages out. Addresses are
// unauthenticated, so the table is bounded.

const MAX_TRACKED_ADDRESSES = 10_000;

export class RateLimiter {
  // remote address -> login id -> start time, for starts in the window without a successful finish
  private readonly unfinished = new Map<string, Map<string, number>>();

  /** The 429 to answer a login start with when `address` is over the limit at `at`, else undefined. */
  check(address: string, at: number): HttpError | undefined {
    const times = this.recent(address, at);
    if (times.length < RATE_LIMIT_UNFINISHED_LOGINS) return undefined;
    const oldest = Math.min(...times);
    const retryAfter = Math.max(1, Math.ceil((oldest + RATE_LIMIT_WINDOW_MS - at) / 1000));
    return new HttpError(
      429,
      'RATE_LIMITED',
      `too many unfinished logins from this address; retry in ${retryAfter} s`,
      { 'Retry-After': String(retryAfter) },
    );
  }

  /** A login started: it counts against its address until it ends in a successful finish. */
  started(address: string, loginId: string, at: number): void {
    const starts = this.unfinished.get(address) ?? new Map<string, number>();
    this.unfinished.delete(address); // re-insert so eviction order follows the latest start
    this.unfinished.set(address, starts.set(loginId, at));
  }

  /** The login ended in a successful finish (login and proof checked): it no longer counts. */
  finished(address: string, loginId: string): void {
    const starts = this.unfinished.get(address);
    starts?.delete(loginId);
    if (starts?.size === 0) this.unfinished.delete(address);
  }

  purge(at: number): void {
    for (const [address, starts] of this.unfinished) {
      for (const [loginId, time] of starts) if (at - time >= RATE_LIMIT_WINDOW_MS) starts.delete(loginId);
      if (starts.size === 0 || this.unfinished.size > MAX_TRACKED_ADDRESSES) this.unfinished.delete(address);
    }
  }

  private recent(address: string, at: number): number[] {
    return [...(this.unfinished.get(address)?.values() ?? [])].filter((time) => at - time < RATE_LIMIT_WINDOW_MS);
  }
}
