import { randomBytes, randomInt } from 'node:crypto';

/** The scopes the business-access endpoints ask for. */
export const BIZ_ACCESS_READ = 'biz_access:read';
export const BIZ_ACCESS_WRITE = 'biz_access:write';

export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  /** The business the app's authorizing user manages: the only one its tokens reach. */
  businessId: string;
  scopes: string[];
  /** Who the app acts as in the simulator's log. */
  actingAs: string;
}

interface RefreshGrant {
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

interface AccessGrant {
  clientId: string;
  businessId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
}

export interface TokenAnswer {
  access_token: string;
  refresh_token?: string;
  response_type: 'authorization_code' | 'refresh_token';
  token_type: 'bearer';
  expires_in: number;
  refresh_token_expires_in?: number;
  scope: string;
}

export class OAuthRefused extends Error {
  constructor(
    readonly status: number,
    /** Pinterest's error code (see the description's Error schema). */
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const secret = (prefix: string): string => `${prefix}${randomBytes(24).toString('base64url')}`;

/**
 * Apps, their refresh and access tokens and authorization codes. Tokens are opaque random
 * strings, as Pinterest's are to a client; times come from the injected clock.
 */
export class OAuthServer {
  private readonly apps = new Map<string, OAuthApp>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly accessTokens = new Map<string, AccessGrant>();
  private readonly codes = new Map<string, AuthorizationCode>();

  constructor(
    private readonly now: () => number,
    readonly accessTtlSec = 30 * 24 * 3600,
    readonly codeTtlMs = 10 * 60_000,
  ) {}

  reset(): void {
    this.apps.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
    this.codes.clear();
  }

  createApp(
    businessId: string,
    scopes: string[],
    actingAs: string,
  ): OAuthApp & { refreshToken: string } {
    const app: OAuthApp = {
      clientId: String(randomInt(1_000_000, 9_999_999)),
      clientSecret: secret('sec_'),
      businessId,
      scopes: [...new Set(scopes)],
      actingAs,
    };
    this.apps.set(app.clientId, app);
    const refreshToken = this.issueRefresh(app.clientId, app.scopes);
    return { ...app, refreshToken };
  }

  app(clientId: string): OAuthApp | undefined {
    return this.apps.get(clientId);
  }

  private issueRefresh(clientId: string, scopes: string[]): string {
    const token = secret('pinr.');
    this.refreshTokens.set(token, { clientId, scopes, revoked: false });
    return token;
  }

  private issueAccess(app: OAuthApp, scopes: string[]): string {
    const token = secret('pina.');
    this.accessTokens.set(token, {
      clientId: app.clientId,
      businessId: app.businessId,
      scopes,
      expiresAt: this.now() + this.accessTtlSec * 1000,
      revoked: false,
    });
    return token;
  }

  /** The consent page's "Give access": a single-use code for the redirect. */
  authorize(clientId: string, redirectUri: string, requested: string[]): string {
    const app = this.apps.get(clientId);
    if (!app) throw new OAuthRefused(400, 1, 'unknown client_id');
    if (!/^https?:\/\//.test(redirectUri))
      throw new OAuthRefused(400, 1, 'redirect_uri must be a URL');
    const scopes =
      requested.length > 0 ? requested.filter((s) => app.scopes.includes(s)) : app.scopes;
    const code = secret('code_');
    this.codes.set(code, { clientId, redirectUri, scopes, expiresAt: this.now() + this.codeTtlMs });
    return code;
  }

  /** POST /v5/oauth/token, client authenticated by HTTP Basic. */
  token(basic: string | undefined, form: URLSearchParams): TokenAnswer {
    const app = this.client(basic);
    const grant = form.get('grant_type');
    if (grant === 'authorization_code') {
      const code = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      if (!code || code.clientId !== app.clientId || code.expiresAt < this.now()) {
        throw new OAuthRefused(400, 1, 'invalid_grant: the code is unknown, used or expired');
      }
      if (form.get('redirect_uri') !== code.redirectUri) {
        throw new OAuthRefused(
          400,
          1,
          'invalid_grant: redirect_uri differs from the authorization',
        );
      }
      return {
        access_token: this.issueAccess(app, code.scopes),
        refresh_token: this.issueRefresh(app.clientId, code.scopes),
        response_type: 'authorization_code',
        token_type: 'bearer',
        expires_in: this.accessTtlSec,
        refresh_token_expires_in: 365 * 24 * 3600,
        scope: code.scopes.join(','),
      };
    }
    if (grant === 'refresh_token') {
      const refresh = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (!refresh || refresh.clientId !== app.clientId || refresh.revoked) {
        throw new OAuthRefused(400, 1, 'invalid_grant: the refresh token is unknown or revoked');
      }
      return {
        access_token: this.issueAccess(app, refresh.scopes),
        response_type: 'refresh_token',
        token_type: 'bearer',
        expires_in: this.accessTtlSec,
        scope: refresh.scopes.join(','),
      };
    }
    throw new OAuthRefused(400, 1, 'grant_type must be authorization_code or refresh_token');
  }

  private client(basic: string | undefined): OAuthApp {
    const m = /^Basic\s+(.+)$/i.exec(basic ?? '');
    const decoded = m ? Buffer.from(m[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const app = colon > 0 ? this.apps.get(decoded.slice(0, colon)) : undefined;
    if (!app || app.clientSecret !== decoded.slice(colon + 1)) {
      throw new OAuthRefused(401, 2, 'Authentication failed.');
    }
    return app;
  }

  /** The grant behind a Bearer header, or why there is none. */
  bearer(header: string | undefined): AccessGrant & { app: OAuthApp } {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    const grant = m ? this.accessTokens.get(m[1]!) : undefined;
    const app = grant ? this.apps.get(grant.clientId) : undefined;
    if (!grant || !app || grant.revoked || grant.expiresAt <= this.now()) {
      throw new OAuthRefused(401, 2, 'Authentication failed.');
    }
    return { ...grant, app };
  }

  /** Fault: every access token issued so far is past its expiry. */
  expireAll(): void {
    for (const grant of this.accessTokens.values()) grant.expiresAt = this.now() - 1;
  }

  /** Fault: the user revoked the app (one app, or every app): tokens stop working. */
  revoke(clientId?: string): number {
    let count = 0;
    for (const grant of [...this.refreshTokens.values(), ...this.accessTokens.values()]) {
      if (clientId === undefined || grant.clientId === clientId) {
        grant.revoked = true;
        count += 1;
      }
    }
    return count;
  }
}
