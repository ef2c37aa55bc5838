import { newNonce } from '../../electron/engine/registration/registration-crypto';
import { SERVER_NONCE_TTL_MS } from '../../shared/registration-protocol';

// The server nonces handed out by /challenge and not yet spent. Any caller may ask for one without
// authenticating, so the book is bounded and sheds its oldest entries first.

const MAX_OUTSTANDING_NONCES = 10_000;

export class NonceBook {
  private readonly expiries = new Map<string, number>(); // serverNonce -> expiry; insertion order is issue order

  issue(at: number): string {
    const serverNonce = newNonce();
    this.expiries.set(serverNonce, at + SERVER_NONCE_TTL_MS);
    return serverNonce;
  }

  /** Removes the nonce whatever its state (so a failed try cannot be replayed); true when it was live at `at`. */
  spend(serverNonce: string, at: number): boolean {
    const expiresAt = this.expiries.get(serverNonce);
    this.expiries.delete(serverNonce);
    return expiresAt !== undefined && at < expiresAt;
  }

  purge(at: number): void {
    for (const [nonce, expiresAt] of this.expiries) {
      if (expiresAt > at && this.expiries.size <= MAX_OUTSTANDING_NONCES) break;
      this.expiries.delete(nonce);
    }
  }
}
