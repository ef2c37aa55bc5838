import { RATE_LIMIT_FAILURES, RATE_LIMIT_WINDOW_MS } from '../../shared/registration-protocol';
import { HttpError } from './http-error';

// docs/protocol.md's guard against guessing the passphrase: an address with too many failed proofs in the window is
// refused with 429 until the oldest failure ages out. Addresses are unauthenticated, so the table is bounded.

const MAX_TRACKED_ADDRESSES = 10_000;

export class RateLimiter {
  private readonly failures = new Map<string, number[]>(); // remote address -> times of failed proofs in the window

  /** The 429 to answer with when `address` is over the limit at `at`, else undefined. */
  check(address: string, at: number): HttpError | undefined {
    const times = this.recent(address, at);
    if (times.length < RATE_LIMIT_FAILURES) return undefined;
    const oldest = Math.min(...times);
    const retryAfter = Math.max(1, Math.ceil((oldest + RATE_LIMIT_WINDOW_MS - at) / 1000));
    return new HttpError(429, 'RATE_LIMITED', `too many failed proofs from this address; retry in ${retryAfter} s`, {
      'Retry-After': String(retryAfter),
    });
  }

  recordFailure(address: string, at: number): void {
    const times = this.recent(address, at);
    this.failures.delete(address); // re-insert so eviction order follows the latest failure
    this.failures.set(address, [...times, at]);
  }

  purge(at: number): void {
    for (const [address, times] of this.failures) {
      const recent = times.filter((time) => at - time < RATE_LIMIT_WINDOW_MS);
      if (recent.length === 0 || this.failures.size > MAX_TRACKED_ADDRESSES) this.failures.delete(address);
      else this.failures.set(address, recent);
    }
  }

  private recent(address: string, at: number): number[] {
    return (this.failures.get(address) ?? []).filter((time) => at - time < RATE_LIMIT_WINDOW_MS);
  }
}
