import { createHash } from 'node:crypto';
import type { AssetGrants, ObservedBusiness } from '@app/domain';
import { normalizeGrants } from '@app/domain';
import {
  type AssetPermission,
  type BusinessSnapshot,
  type Evidence,
  type PinterestBusinessGateway,
  PinterestError,
  type PlaywrightGatewayOptions,
  AuthorizationFailed,
  createApiGateway,
  createPlaywrightGateway,
  exchangeAuthorizationCode,
  REQUIRED_SCOPES,
} from '@app/pinterest';
import {
  type ActionObservation,
  type ApiAuthorization,
  type ApiLogin,
  isApiLogin,
  type PinterestAuthorizer,
  type PinterestLogin,
  type BusinessActions,
  type BusinessReader,
  type MemberActionRequest,
  type PinterestFailure,
  type PinterestFailureKind,
  PinterestOperationFailed,
  channelOf,
} from './business-reader.port';
import { pinterestActionDuration, secondsSince } from '@app/observability';

const KINDS: Record<string, PinterestFailureKind> = {
  INVALID_CREDENTIALS: 'invalid_credentials',
  CHALLENGE_REQUIRED: 'challenge_required',
  RATE_LIMITED: 'rate_limited',
  PERMISSION_DENIED: 'permission_denied',
  BUSINESS_NOT_FOUND: 'business_not_found',
  MEMBER_NOT_FOUND: 'member_not_found',
  TRANSIENT: 'transient',
  UNEXPECTED_PAGE: 'unexpected_page',
  NOT_LOGGED_IN: 'transient',
  AUTHORIZATION: 'authorization',
};

/** The gateway's typed error as a failure a task records: kind, retry or not, evidence paths. */
export function failureFromGateway(error: unknown): PinterestFailure {
  if (error instanceof PinterestError) {
    const kind = KINDS[error.code] ?? 'internal';
    return {
      kind,
      // A rate limit passes with time; the gateway already retried its transient failures.
      retryable: error.retryable || kind === 'rate_limited' || kind === 'transient',
      message: error.message,
      evidence: [error.evidence?.screenshotPath, error.evidence?.tracePath].filter(
        (p): p is string => !!p,
      ),
    };
  }
  return {
    kind: 'internal',
    retryable: true,
    message: error instanceof Error ? error.message : String(error),
    evidence: [],
  };
}

/** The gateway's snapshot in the domain's words. */
export function observedBusinessOf(snapshot: BusinessSnapshot): ObservedBusiness {
  const memberGrants = new Map<string, Record<string, string[]>>();
  const partnerGrants = new Map<string, Record<string, string[]>>();
  for (const g of snapshot.grants) {
    const target = g.principalType === 'MEMBER' ? memberGrants : partnerGrants;
    const grants = target.get(g.principalId) ?? {};
    grants[g.assetId] = [...g.permissions];
    target.set(g.principalId, grants);
  }
  const grantsOf = (map: Map<string, Record<string, string[]>>, id: string): AssetGrants =>
    normalizeGrants(map.get(id) ?? {});
  return {
    businessId: snapshot.businessId,
    members: snapshot.members.map((m) => ({
      pinterestUserId: m.id,
      name: m.name,
      email: m.email,
      businessRole: m.role === 'MANAGER' ? 'manager' : 'employee',
      assets: grantsOf(memberGrants, m.id),
    })),
    invites: snapshot.invites.map((i) => ({
      email: i.email,
      role: i.role === 'MANAGER' ? 'manager' : 'employee',
      status: i.status,
    })),
    assets: snapshot.assets.map((a) => ({ assetId: a.id, type: a.type, name: a.name })),
    partners: snapshot.partners.map((p) => ({
      partnerId: p.id,
      name: p.name,
      assets: grantsOf(partnerGrants, p.id),
      people: p.people ?? [],
    })),
    complete: snapshot.complete,
    warnings: [...snapshot.warnings],
    evidence: snapshot.evidence.flatMap(evidencePaths),
  };
}

/**
 * Times one call to Pinterest into pinterest_action_duration_seconds: its connector, its kind
 * and its outcome (what was observed, or the failure's kind), both few and fixed.
 */
function actionTimer(login: PinterestLogin, kind: string): { done(outcome: string): void } {
  const started = performance.now();
  return {
    done: (outcome) =>
      pinterestActionDuration.observe(
        { connector: channelOf(login), kind, outcome },
        secondsSince(started),
      ),
  };
}

const evidencePaths = (e: Evidence): string[] =>
  [e.screenshotPath, e.htmlPath, e.tracePath].filter((p): p is string => !!p);

export type PinterestReaderOptions = PlaywrightGatewayOptions & {
  /** The REST API's base, e.g. https://api.pinterest.com/v5 (the API connector). */
  apiBaseUrl?: string;
  /** Pinterest's consent page; default: www.pinterest.com/oauth/, or `<apiBaseUrl's origin>/oauth/`. */
  oauthAuthorizeUrl?: string;
};

const DEFAULT_API_BASE_URL = 'https://api.pinterest.com/v5';

/**
 * Reads and changes businesses through the gateway each integration's connector names: the
 * Playwright gateway (one login session per automation account, reused until it expires) or
 * the API gateway (one client and access token per integration).
 */
export class PinterestBusinessReader
  implements BusinessReader, BusinessActions, PinterestAuthorizer
{
  private readonly gateways = new Map<
    string,
    { gateway: Promise<PinterestBusinessGateway>; secretHash: string }
  >();
  readonly requiredScopes = REQUIRED_SCOPES;
  readonly authorizeUrl: string;
  private readonly apiBaseUrl: string;

  constructor(private readonly options: PinterestReaderOptions) {
    this.apiBaseUrl = options.apiBaseUrl ?? DEFAULT_API_BASE_URL;
    const api = new URL(this.apiBaseUrl);
    this.authorizeUrl =
      options.oauthAuthorizeUrl ??
      (api.hostname === 'api.pinterest.com'
        ? 'https://www.pinterest.com/oauth/'
        : `${api.origin}/oauth/`);
  }

  async verify(login: ApiLogin): Promise<ApiAuthorization> {
    const gateway = createApiGateway({ ...this.apiOptions(login) });
    try {
      await gateway.login().catch((e: unknown) => {
        // A missing scope is for the card to name, not a refusal of the app.
        if (!(e instanceof AuthorizationFailed && e.missingScope)) throw e;
      });
      const info = gateway.tokenInfo!;
      return { scopes: info.scopes, tokenExpiresAt: info.expiresAt };
    } catch (error) {
      throw new PinterestOperationFailed(failureFromGateway(error));
    }
  }

  async exchangeCode(input: {
    clientId: string;
    clientSecret: string;
    code: string;
    redirectUri: string;
  }): Promise<ApiAuthorization & { refreshToken: string }> {
    try {
      const got = await exchangeAuthorizationCode({ baseUrl: this.apiBaseUrl, ...input });
      return { refreshToken: got.refreshToken, scopes: got.scopes, tokenExpiresAt: got.expiresAt };
    } catch (error) {
      throw new PinterestOperationFailed(failureFromGateway(error));
    }
  }

  private apiOptions(login: ApiLogin) {
    return {
      baseUrl: this.apiBaseUrl,
      clientId: login.clientId,
      clientSecret: login.clientSecret,
      refreshToken: login.refreshToken,
      concurrency: this.options.concurrency,
    };
  }

  async readBusiness(
    login: PinterestLogin,
    businessId: string,
    onProgress?: (done: number, total: number) => void,
  ): Promise<ObservedBusiness> {
    const timer = actionTimer(login, 'read_business');
    try {
      const gateway = await this.gatewayFor(login);
      const snapshot = await gateway.fetchSnapshot(businessId, {
        onProgress: (p) => {
          if (p.phase === 'members') onProgress?.(p.done, p.total ?? p.done);
        },
      });
      timer.done(snapshot.complete ? 'complete' : 'partial');
      return observedBusinessOf(snapshot);
    } catch (error) {
      const failed = await this.failed(this.keyOf(login), error);
      timer.done(failed.failure.kind);
      throw failed;
    }
  }

  private keyOf(login: PinterestLogin): string {
    return isApiLogin(login) ? `api:${login.key}` : login.email;
  }

  private async failed(key: string, error: unknown): Promise<PinterestOperationFailed> {
    const failure = failureFromGateway(error);
    if (
      failure.kind === 'invalid_credentials' ||
      failure.kind === 'challenge_required' ||
      failure.kind === 'authorization'
    )
      await this.forget(key);
    return new PinterestOperationFailed(failure);
  }

  async perform(
    login: PinterestLogin,
    businessId: string,
    request: MemberActionRequest,
  ): Promise<ActionObservation> {
    const timer = actionTimer(login, request.kind);
    try {
      const observed = await this.change(login, businessId, request);
      timer.done(observed.outcome);
      return observed;
    } catch (error) {
      const failed = await this.failed(this.keyOf(login), error);
      timer.done(failed.failure.kind);
      throw failed;
    }
  }

  private async change(
    login: PinterestLogin,
    businessId: string,
    request: MemberActionRequest,
  ): Promise<ActionObservation> {
    const gateway = await this.gatewayFor(login);
    const role = (r: 'employee' | 'manager') => (r === 'manager' ? 'MANAGER' : 'EMPLOYEE');
    switch (request.kind) {
      case 'removal': {
        const removed = await gateway.removeMember(businessId, request.pinterestUserId);
        return {
          outcome: removed.outcome,
          ...(removed.removedBy ? { removedBy: removed.removedBy } : {}),
        };
      }
      case 'invite':
        return {
          outcome:
            (await gateway.inviteMembers(businessId, [request.email], role(request.businessRole)))
              .results[0]?.outcome ?? 'invited',
        };
      case 'role': {
        const changed = await gateway.changeRole(
          businessId,
          request.pinterestUserId,
          role(request.businessRole),
        );
        return { outcome: changed.outcome };
      }
      case 'permissions': {
        const set = await gateway.setAssetPermissions(
          businessId,
          request.pinterestUserId,
          request.assetId,
          request.permissions as AssetPermission[],
        );
        return { outcome: set.outcome };
      }
    }
  }

  async verifyLogin(login: { email: string; password: string }): Promise<void> {
    const gateway = createPlaywrightGateway(this.options);
    try {
      await gateway.login({ email: login.email, password: login.password });
    } catch (error) {
      throw new PinterestOperationFailed(failureFromGateway(error));
    } finally {
      await gateway.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    for (const email of [...this.gateways.keys()]) await this.forget(email);
  }

  private gatewayFor(login: PinterestLogin): Promise<PinterestBusinessGateway> {
    const key = this.keyOf(login);
    // A secret changed in the vault means a new login (or client), not the old session.
    const secretHash = createHash('sha256')
      .update(
        isApiLogin(login)
          ? `${login.clientId}\0${login.clientSecret}\0${login.refreshToken}`
          : login.password,
      )
      .digest('hex');
    const known = this.gateways.get(key);
    if (known && known.secretHash === secretHash) return known.gateway;
    // Concurrent actions for one account share one login instead of racing to make two.
    const entry = { secretHash } as {
      gateway: Promise<PinterestBusinessGateway>;
      secretHash: string;
    };
    entry.gateway = (async () => {
      if (known) await known.gateway.then((g) => g.close()).catch(() => undefined);
      if (isApiLogin(login)) {
        // No login: the API gateway obtains its token with its first call.
        return createApiGateway(this.apiOptions(login));
      }
      const created = createPlaywrightGateway(this.options);
      try {
        await created.login({ email: login.email, password: login.password });
        return created;
      } catch (error) {
        await created.close().catch(() => undefined);
        if (this.gateways.get(key) === entry) this.gateways.delete(key);
        throw error;
      }
    })();
    this.gateways.set(key, entry);
    return entry.gateway;
  }

  private async forget(email: string): Promise<void> {
    const known = this.gateways.get(email);
    this.gateways.delete(email);
    await known?.gateway.then((g) => g.close()).catch(() => undefined);
  }
}
