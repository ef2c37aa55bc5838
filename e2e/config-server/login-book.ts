import { newLoginId } from '../../electron/engine/registration/registration-crypto';
import { LOGIN_TTL_MS } from '../../shared/registration-protocol';

// The OPAQUE logins started by /login/start and not yet finished, by login id. Anyone may start one without
// authenticating, so the book is bounded and sheds its oldest entries first.

const MAX_OUTSTANDING_LOGINS = 10_000;

export interface PendingLogin {
  /** server.startLogin's state, needed by server.finishLogin; never leaves the server. */
  serverLoginState: string;
  /** The address the login was started from: its rate-limit bucket. */
  address: string;
  expiresAt: number;
}

export class LoginBook {
  private readonly logins = new Map<string, PendingLogin>(); // insertion order is start order

  /** Files a started login under a fresh id and returns the id. */
  open(serverLoginState: string, address: string, at: number): string {
    const loginId = newLoginId();
    this.logins.set(loginId, { serverLoginState, address, expiresAt: at + LOGIN_TTL_MS });
    return loginId;
  }

  /**
   * Removes the login whatever its state, so a failed or malformed finish cannot be retried with it; returns
   * it when it was live at `at`.
   */
  take(loginId: string, at: number): PendingLogin | undefined {
    const login = this.logins.get(loginId);
    this.logins.delete(loginId);
    return login !== undefined && at < login.expiresAt ? login : undefined;
  }

  purge(at: number): void {
    for (const [loginId, login] of this.logins) {
      if (login.expiresAt > at && this.logins.size <= MAX_OUTSTANDING_LOGINS) break;
      this.logins.delete(loginId);
    }
  }
}
