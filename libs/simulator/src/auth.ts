import { randomBytes, randomInt } from 'node:crypto';

import type { SimulatorState } from './state';

export const MAX_FAILED_ATTEMPTS = 5;

export interface Session {
  token: string;
  email: string;
  createdAt: number;
  expiresAt: number;
  /** One-time message shown on the next page, as sites do after a form post. */
  flash?: string;
}

export type ChallengeKind = 'TWO_FACTOR' | 'SUSPICIOUS_LOGIN';

export interface PendingLogin {
  token: string;
  email: string;
  kind: ChallengeKind;
  code: string;
  expiresAt: number;
  next: string;
}

export interface SentCode {
  email: string;
  code: string;
  kind: ChallengeKind;
  sentAt: string;
}

export type LoginResult =
  | { kind: 'ok'; session: Session }
  | { kind: 'challenge'; pending: PendingLogin }
  | { kind: 'wrong_password' }
  | { kind: 'unknown_email' }
  | { kind: 'locked' };

export type VerifyResult =
  | { kind: 'ok'; session: Session; next: string }
  | { kind: 'wrong_code' }
  | { kind: 'expired' }
  | { kind: 'locked' };

export interface AuthOptions {
  sessionTtlMs: number;
  lockoutMs: number;
  codeTtlMs: number;
}

const token = (): string => randomBytes(24).toString('base64url');

/** Logins, lock-outs, second steps and sessions. Times are epoch ms from the injected clock. */
export class Auth {
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new Map<string, PendingLogin>();
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();
  private readonly codes = new Map<string, SentCode>();

  constructor(
    private readonly state: SimulatorState,
    private readonly options: AuthOptions,
    private readonly now: () => number = Date.now,
  ) {}

  reset(): void {
    this.sessions.clear();
    this.pending.clear();
    this.failures.clear();
    this.codes.clear();
  }

  expireAll(): void {
    this.sessions.clear();
  }

  listSessions(): { email: string; createdAt: string; expiresAt: string }[] {
    const now = this.now();
    return [...this.sessions.values()]
      .filter((s) => s.expiresAt > now)
      .map((s) => ({
        email: s.email,
        createdAt: new Date(s.createdAt).toISOString(),
        expiresAt: new Date(s.expiresAt).toISOString(),
      }));
  }

  session(tokenValue: string | undefined): Session | undefined {
    if (!tokenValue) return undefined;
    const s = this.sessions.get(tokenValue);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(tokenValue);
      return undefined;
    }
    return s;
  }

  endSession(tokenValue: string | undefined): void {
    if (tokenValue) this.sessions.delete(tokenValue);
  }

  pendingLogin(tokenValue: string | undefined): PendingLogin | undefined {
    if (!tokenValue) return undefined;
    return this.pending.get(tokenValue);
  }

  lastCode(email: string): SentCode | undefined {
    return this.codes.get(email.trim().toLowerCase());
  }

  isLocked(email: string): boolean {
    const f = this.failures.get(email.trim().toLowerCase());
    return f !== undefined && f.lockedUntil > this.now();
  }

  /** Counts a failure; the fifth in a row locks the account for lockoutMs. */
  private fail(email: string): 'failed' | 'locked' {
    const key = email.trim().toLowerCase();
    const now = this.now();
    const f = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
    if (f.lockedUntil !== 0 && f.lockedUntil <= now) {
      f.count = 0;
      f.lockedUntil = 0;
    }
    f.count += 1;
    if (f.count >= MAX_FAILED_ATTEMPTS) f.lockedUntil = now + this.options.lockoutMs;
    this.failures.set(key, f);
    return f.lockedUntil > now ? 'locked' : 'failed';
  }

  login(email: string, password: string, challenge: boolean, next: string): LoginResult {
    const key = email.trim().toLowerCase();
    if (this.isLocked(key)) return { kind: 'locked' };
    const account = this.state.accounts.get(key);
    if (!account)
      return this.fail(key) === 'locked' ? { kind: 'locked' } : { kind: 'unknown_email' };
    if (account.password !== password) {
      return this.fail(key) === 'locked' ? { kind: 'locked' } : { kind: 'wrong_password' };
    }
    this.failures.delete(key);
    if (challenge || account.twoFactor) {
      const pending: PendingLogin = {
        token: token(),
        email: account.email,
        kind: challenge ? 'SUSPICIOUS_LOGIN' : 'TWO_FACTOR',
        code: String(randomInt(0, 1_000_000)).padStart(6, '0'),
        expiresAt: this.now() + this.options.codeTtlMs,
        next,
      };
      this.pending.set(pending.token, pending);
      this.codes.set(key, {
        email: account.email,
        code: pending.code,
        kind: pending.kind,
        sentAt: new Date(this.now()).toISOString(),
      });
      return { kind: 'challenge', pending };
    }
    return { kind: 'ok', session: this.open(account.email) };
  }

  verify(pendingToken: string | undefined, code: string): VerifyResult {
    const pending = this.pendingLogin(pendingToken);
    if (!pending || pending.expiresAt <= this.now()) return { kind: 'expired' };
    if (this.isLocked(pending.email)) return { kind: 'locked' };
    if (code.trim() !== pending.code) {
      return this.fail(pending.email) === 'locked' ? { kind: 'locked' } : { kind: 'wrong_code' };
    }
    this.pending.delete(pending.token);
    this.failures.delete(pending.email.toLowerCase());
    return { kind: 'ok', session: this.open(pending.email), next: pending.next };
  }

  private open(email: string): Session {
    const now = this.now();
    const s: Session = {
      token: token(),
      email,
      createdAt: now,
      expiresAt: now + this.options.sessionTtlMs,
    };
    this.sessions.set(s.token, s);
    return s;
  }
}
