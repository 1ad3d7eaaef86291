import type { ObservedBusiness } from '@app/domain';

/** The browser connector's login: the automation account. */
export interface BrowserLogin {
  email: string;
  password: string;
}

/** The API connector's authorization: the app's secrets, out of the vault for one call. */
export interface ApiLogin {
  connector: 'api';
  /** Keeps one client (and its access token) per integration. */
  key: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

/** How a call reaches Pinterest; the adapter behind it is picked from its shape. */
export type PinterestLogin = BrowserLogin | ApiLogin;

export const isApiLogin = (login: PinterestLogin): login is ApiLogin =>
  'connector' in login && login.connector === 'api';

export const channelOf = (login: PinterestLogin): 'browser' | 'api' =>
  isApiLogin(login) ? 'api' : 'browser';

/**
 * What a check needs from Pinterest, in the domain's terms. The Playwright gateway is adapted
 * to it (pinterest-business-reader.ts); the sync benchmark hands snapshots in directly.
 */
export interface BusinessReader {
  readBusiness(
    login: PinterestLogin,
    businessId: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ObservedBusiness>;
}

export const BUSINESS_READER = Symbol('BusinessReader');

export type PinterestFailureKind =
  | 'invalid_credentials'
  | 'challenge_required'
  | 'rate_limited'
  | 'permission_denied'
  | 'business_not_found'
  | 'member_not_found'
  | 'transient'
  | 'unexpected_page'
  | 'integration_disconnected'
  | 'authorization'
  | 'internal';

/** A failure on Pinterest, classified: whether to retry, and what it says about the integration. */
export interface PinterestFailure {
  kind: PinterestFailureKind;
  retryable: boolean;
  message: string;
  evidence: string[];
}

export class PinterestOperationFailed extends Error {
  override readonly name = 'PinterestOperationFailed';
  constructor(readonly failure: PinterestFailure) {
    super(failure.message);
  }
}

/** Anything thrown while talking to Pinterest, as a failure the task can record. */
export function failureOf(error: unknown): PinterestFailure {
  if (error instanceof PinterestOperationFailed) return error.failure;
  // An unclassified error is most likely a glitch (a closed page, a timeout): worth a retry.
  return {
    kind: 'internal',
    retryable: true,
    message: error instanceof Error ? error.message : String(error),
    evidence: [],
  };
}

export type MemberActionRequest =
  | { kind: 'removal'; pinterestUserId: string }
  | { kind: 'invite'; email: string; businessRole: 'employee' | 'manager' }
  | { kind: 'role'; pinterestUserId: string; businessRole: 'employee' | 'manager' }
  | { kind: 'permissions'; pinterestUserId: string; assetId: string; permissions: string[] };

/** What the gateway saw a change do, and who the page says removed the person, if it says. */
export interface ActionObservation {
  outcome: string;
  removedBy?: string;
}

/**
 * The changes the service makes on Pinterest. Each is idempotent: asking for what already
 * holds succeeds, and the outcome says so (`already_absent`, `already_invited`, `unchanged`).
 */
export interface BusinessActions {
  perform(
    login: PinterestLogin,
    businessId: string,
    request: MemberActionRequest,
  ): Promise<ActionObservation>;
  /** Logs in once to check a password; throws PinterestOperationFailed when refused. */
  verifyLogin(login: { email: string; password: string }): Promise<void>;
}

/** The app's token as the API granted it. */
export interface ApiAuthorization {
  scopes: string[];
  tokenExpiresAt: string;
}

/** OAuth with Pinterest for the API connector: verify a refresh token, exchange a code. */
export interface PinterestAuthorizer {
  /** Where the user gives the app access (Pinterest's consent page). */
  readonly authorizeUrl: string;
  /** The scopes the connector needs. */
  readonly requiredScopes: readonly string[];
  /** Obtains an access token; throws PinterestOperationFailed (authorization) when refused. */
  verify(login: ApiLogin): Promise<ApiAuthorization>;
  exchangeCode(input: {
    clientId: string;
    clientSecret: string;
    code: string;
    redirectUri: string;
  }): Promise<ApiAuthorization & { refreshToken: string }>;
}

export const PINTEREST_AUTHORIZER = Symbol('PinterestAuthorizer');

export const BUSINESS_ACTIONS = Symbol('BusinessActions');
