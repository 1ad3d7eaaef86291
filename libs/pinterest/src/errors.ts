import type { ChallengeKind } from './types';

/**
 * What was kept of a failure: a screenshot, the Playwright trace of the operation (open with
 * `npx playwright show-trace`) and the page's HTML as it was.
 */
export interface Evidence {
  screenshotPath?: string;
  tracePath?: string;
  htmlPath?: string;
  /** The page the browser was on. */
  url?: string;
}

/**
 * Base of every gateway failure. Messages never hold passwords or codes; emails appear
 * masked (`a***@example.com`).
 */
export abstract class PinterestError extends Error {
  abstract readonly code: string;
  /** True when the same call may succeed if made again later. */
  readonly retryable: boolean = false;
  evidence?: Evidence;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class InvalidCredentials extends PinterestError {
  override readonly name = 'InvalidCredentials';
  readonly code = 'INVALID_CREDENTIALS';
  constructor(
    message: string,
    /** Which secret was refused. */
    readonly reason: 'password' | 'unknown_account' | 'verification_code',
  ) {
    super(message);
  }
}

/**
 * Pinterest wants a 6-digit code before letting the login through. The login is kept open:
 * call `resumeLogin(code)` on the same gateway.
 */
export class ChallengeRequired extends PinterestError {
  override readonly name = 'ChallengeRequired';
  readonly code = 'CHALLENGE_REQUIRED';
  constructor(
    readonly kind: ChallengeKind,
    message: string,
  ) {
    super(message);
  }
}

export class RateLimited extends PinterestError {
  override readonly name = 'RateLimited';
  readonly code = 'RATE_LIMITED';
  override readonly retryable = true;
  constructor(
    message: string,
    /** From the server's Retry-After, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class PermissionDenied extends PinterestError {
  override readonly name = 'PermissionDenied';
  readonly code = 'PERMISSION_DENIED';
  constructor(
    message: string,
    readonly businessId?: string,
  ) {
    super(message);
  }
}

export class BusinessNotFound extends PinterestError {
  override readonly name = 'BusinessNotFound';
  readonly code = 'BUSINESS_NOT_FOUND';
  constructor(readonly businessId: string) {
    super(`business ${businessId} was not found, or the account is not part of it`);
  }
}

export class MemberNotFound extends PinterestError {
  override readonly name = 'MemberNotFound';
  readonly code = 'MEMBER_NOT_FOUND';
  constructor(
    readonly businessId: string,
    readonly memberId: string,
  ) {
    super(`member ${memberId} is not part of business ${businessId}`);
  }
}

export class AssetNotFound extends PinterestError {
  override readonly name = 'AssetNotFound';
  readonly code = 'ASSET_NOT_FOUND';
  constructor(
    readonly businessId: string,
    readonly assetId: string,
  ) {
    super(`asset ${assetId} was not found in business ${businessId}`);
  }
}

/** Pinterest failed in a way that usually passes: server errors, time-outs, dropped pages. */
export class Transient extends PinterestError {
  override readonly name = 'Transient';
  readonly code = 'TRANSIENT';
  override readonly retryable = true;
}

/** The browser landed somewhere the adapter did not expect: the site changed, or a bug. */
export class UnexpectedPage extends PinterestError {
  override readonly name = 'UnexpectedPage';
  readonly code = 'UNEXPECTED_PAGE';
  constructor(
    readonly url: string,
    readonly expected: string,
    /** What was seen instead, e.g. the page heading. */
    readonly actual?: string,
  ) {
    super(`expected ${expected} at ${url}${actual ? `, found "${actual}"` : ''}`);
  }
}

/** A call that needs a session was made before login succeeded (or after logout). */
export class NotLoggedIn extends PinterestError {
  override readonly name = 'NotLoggedIn';
  readonly code = 'NOT_LOGGED_IN';
  constructor() {
    super('log in before calling the gateway');
  }
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at < 0) return '***';
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}

/** The call asked for something Pinterest cannot do, e.g. Publisher on an ad account. */
export class InvalidRequest extends PinterestError {
  override readonly name = 'InvalidRequest';
  readonly code = 'INVALID_REQUEST';
}

/**
 * The API refused the app's authorization: the refresh token was revoked or is unknown, or
 * the token lacks a scope the call needs. Nothing passes by retrying; someone must authorize
 * the app again, or grant the scope.
 */
export class AuthorizationFailed extends PinterestError {
  override readonly name = 'AuthorizationFailed';
  readonly code = 'AUTHORIZATION';
  constructor(
    message: string,
    /** The scope the token lacks, when that is why. */
    readonly missingScope?: string,
  ) {
    super(message);
  }
}
