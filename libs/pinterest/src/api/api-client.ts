import {
  AuthorizationFailed,
  BusinessNotFound,
  InvalidRequest,
  PermissionDenied,
  PinterestError,
  RateLimited,
  Transient,
} from '../errors';
import { Semaphore } from '../semaphore';

/** What the app was given: never logged, never put in an error. */
export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export interface TokenInfo {
  /** Scopes Pinterest granted, as the token answer lists them. */
  scopes: string[];
  /** ISO time the current access token expires. */
  expiresAt: string;
}

export interface PinterestApiClientOptions extends OAuthClientCredentials {
  /** e.g. https://api.pinterest.com/v5, or the simulator's `<url>/v5`. */
  baseUrl: string;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Extra attempts after a 429, a 5xx or a dropped connection. Default 4. */
  retries?: number;
  /** First back-off when no Retry-After is given; doubles on each attempt. Default 500 ms. */
  retryDelayMs?: number;
  /** Longest wait a Retry-After may impose before the call gives up as RateLimited. Default 60 s. */
  maxRetryAfterMs?: number;
  /** A token is refreshed this long before its expiry. Default 5 minutes. */
  refreshMarginMs?: number;
  /** Told each time a token is obtained (scopes, expiry): for the app card. */
  onToken?: (info: TokenInfo) => void;
  /** Time-out of one request. Default 30 s. */
  timeoutMs?: number;
}

/** A 404 from the API, for the caller to name (business, member, asset). */
export class ApiNotFound extends PinterestError {
  override readonly name = 'ApiNotFound';
  readonly code = 'API_NOT_FOUND';
  constructor(
    where: string,
    /** Pinterest's own message: what was not found. */
    readonly detail: string,
  ) {
    super(`${where}: ${detail}`);
  }
}

export interface ApiCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** For a 404 that means the business. */
  businessId?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface ErrorBody {
  code?: number;
  message?: string;
}

/**
 * Calls Pinterest's REST API v5 with an OAuth access token obtained from the refresh token:
 * refreshed before it expires and once on a 401; 429 waits for Retry-After (else backs off
 * exponentially); server errors and dropped connections are retried; concurrency bounded.
 */
export class PinterestApiClient {
  private readonly slots: Semaphore;
  private access: { token: string; expiresAt: number; scopes: string[] } | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly base: string;

  constructor(private readonly options: PinterestApiClientOptions) {
    this.slots = new Semaphore(options.concurrency ?? 4);
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  get tokenInfo(): TokenInfo | undefined {
    return this.access
      ? {
          scopes: [...this.access.scopes],
          expiresAt: new Date(this.access.expiresAt).toISOString(),
        }
      : undefined;
  }

  /** Drops the access token; the next call obtains a new one. */
  forget(): void {
    this.access = undefined;
  }

  async ensureToken(force = false): Promise<TokenInfo> {
    const margin = this.options.refreshMarginMs ?? 5 * 60_000;
    if (force || !this.access || this.access.expiresAt - margin <= Date.now()) {
      // Calls that meet an old token together share one refresh.
      this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    return this.tokenInfo!;
  }

  private async refresh(): Promise<void> {
    const { clientId, clientSecret, refreshToken } = this.options;
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
    const response = await this.send(`${this.base}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      }).toString(),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      scope?: string;
    } & ErrorBody;
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      this.access = undefined;
      throw new AuthorizationFailed(
        'Pinterest refused the app authorization (refresh token revoked, expired or unknown, or wrong client secret); authorize the app again',
      );
    }
    if (!response.ok || typeof body.access_token !== 'string') {
      throw response.status === 429
        ? new RateLimited('Pinterest rate-limited the token refresh', retryAfterMs(response))
        : new Transient(`the token endpoint answered ${response.status}`);
    }
    this.access = {
      token: body.access_token,
      expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000,
      scopes: (body.scope ?? '').split(/[,\s]+/).filter(Boolean),
    };
    this.options.onToken?.(this.tokenInfo!);
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, {
        ...init,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new Transient(
        `Pinterest could not be reached: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  /** One call, retried as described above; answers the parsed JSON body. */
  async call<T>(call: ApiCall): Promise<T> {
    const url = new URL(`${this.base}${call.path}`);
    for (const [k, v] of Object.entries(call.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const retries = this.options.retries ?? 4;
    const delay = this.options.retryDelayMs ?? 500;
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const { token } = await this.ensureToken().then(() => this.access!);
      let response: Response;
      try {
        response = await this.slots.run(() =>
          this.send(url.toString(), {
            method: call.method,
            headers: {
              authorization: `Bearer ${token}`,
              accept: 'application/json',
              ...(call.body !== undefined && { 'content-type': 'application/json' }),
            },
            body: call.body === undefined ? undefined : JSON.stringify(call.body),
          }),
        );
      } catch (e) {
        if (attempt < retries) {
          await sleep(delay * 2 ** attempt);
          continue;
        }
        throw e;
      }
      if (response.ok) return (await response.json()) as T;
      const body = (await response.json().catch(() => ({}))) as ErrorBody;
      const message = body.message ?? `HTTP ${response.status}`;
      const where = `${call.method} ${url.pathname}`;
      if (response.status === 401) {
        const scope = /scope\s+(\S+)/i.exec(message)?.[1];
        if (body.code === 3 || scope) {
          throw new AuthorizationFailed(`the app's token lacks a scope: ${message}`, scope);
        }
        // An access token that expired or was dropped early: one refresh, then believe it.
        if (!refreshed) {
          refreshed = true;
          await this.ensureToken(true);
          attempt--;
          continue;
        }
        throw new AuthorizationFailed(
          `Pinterest refused the app's fresh token at ${where}: ${message}`,
        );
      }
      if (response.status === 429) {
        const wait = retryAfterMs(response) ?? delay * 2 ** attempt;
        if (attempt < retries && wait <= (this.options.maxRetryAfterMs ?? 60_000)) {
          await sleep(wait);
          continue;
        }
        throw new RateLimited(`Pinterest rate-limited ${where}`, retryAfterMs(response));
      }
      if (response.status >= 500) {
        if (attempt < retries) {
          await sleep(delay * 2 ** attempt);
          continue;
        }
        throw new Transient(`Pinterest answered ${response.status} to ${where}: ${message}`);
      }
      if (response.status === 403)
        throw new PermissionDenied(`${where}: ${message}`, call.businessId);
      if (response.status === 404) {
        if (call.businessId && /business/i.test(message))
          throw new BusinessNotFound(call.businessId);
        throw new ApiNotFound(where, message);
      }
      throw new InvalidRequest(`${where}: ${message}`);
    }
  }
}

function retryAfterMs(response: Response): number | undefined {
  const raw = response.headers.get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * The authorization-code grant: the code Pinterest sent to the redirect URI, for a refresh
 * token. @throws AuthorizationFailed when refused (code used, expired, or secret wrong)
 */
export async function exchangeAuthorizationCode(input: {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  code: string;
  redirectUri: string;
}): Promise<TokenInfo & { refreshToken: string }> {
  const basic = Buffer.from(`${input.clientId}:${input.clientSecret}`).toString('base64');
  let response: Response;
  try {
    response = await fetch(`${input.baseUrl.replace(/\/+$/, '')}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
      }).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new Transient(
      `Pinterest could not be reached: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as {
    refresh_token?: string;
    expires_in?: number;
    scope?: string;
  };
  if (!response.ok || typeof body.refresh_token !== 'string') {
    if (response.status >= 500)
      throw new Transient(`the token endpoint answered ${response.status}`);
    throw new AuthorizationFailed(
      'Pinterest refused the authorization code (used, expired, or a wrong client secret)',
    );
  }
  return {
    refreshToken: body.refresh_token,
    scopes: (body.scope ?? '').split(/[,\s]+/).filter(Boolean),
    expiresAt: new Date(Date.now() + (body.expires_in ?? 3600) * 1000).toISOString(),
  };
}
