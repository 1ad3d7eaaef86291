import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { BusinessAccessApi } from './api/business-access-api';
import { consentPage } from './api/consent-page';
import { OAuthRefused, OAuthServer } from './api/oauth';
import { Auth, type Session } from './auth';
import { InvalidFixture } from './fixture-validation';
import { generateBusiness } from './generator';
import { assetListPage, assetPage, partnerPage, partnersPage } from './pages/asset-pages';
import {
  ERROR_PAGES,
  errorPage,
  LOGIN_MESSAGES,
  loginPage,
  maskEmail,
  verifyPage,
} from './pages/auth-pages';
import {
  ASSET_SECTIONS,
  businessesPage,
  employeesPage,
  homePage,
  memberPage,
  type PageContext,
} from './pages/business-pages';
import { businessPath, parsePaging } from './pages/layout';
import { ChangeRefused, SimulatorState } from './state';
import {
  PERMISSIONS,
  ROLES,
  type AssetType,
  type Faults,
  type FaultsInput,
  type GenerateRequest,
  type Permission,
  type Role,
} from './types';

export interface SimulatorOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Initial state; same format as POST /__sim/reset. Empty when absent. */
  fixture?: unknown;
  /** How long a login session lasts. Default 30 minutes. */
  sessionTtlMs?: number;
  /** How long five wrong attempts lock an account. Default 15 minutes. */
  lockoutMs?: number;
  /** How long a verification code stays valid. Default 10 minutes. */
  codeTtlMs?: number;
  /** Delay before every UI response (realistic pacing); off by default. */
  latencyMs?: number;
}

export interface RunningSimulator {
  /** Base URL, e.g. http://127.0.0.1:3100 */
  url: string;
  port: number;
  /** Direct access for tests and the embedded service. */
  state: SimulatorState;
  /** The request handler, for faults and sessions without HTTP. */
  app: SimulatorApp;
  close(): Promise<void>;
}

const SESSION_COOKIE = 'sim_session';
const PENDING_COOKIE = 'sim_pending';
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), decodeURIComponent(part.slice(eq + 1).trim()));
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Only paths inside this site: an open redirect would be a bug a real site must not have. */
function safeNext(next: string | null | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

const defaultFaults = (latencyMs: number): Faults => ({
  latencyMs,
  failNext: 0,
  failStatus: 503,
  challengeNextLogin: false,
  rateLimitNextLogin: false,
  hideRows: 0,
  rateLimitApi: 0,
  failNextApi: 0,
});

interface Request {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  cookies: Map<string, string>;
  session?: Session;
  form?: URLSearchParams;
}

/** The whole simulator behind one request handler, so tests can also mount it elsewhere. */
export class SimulatorApp {
  readonly state = new SimulatorState();
  readonly auth: Auth;
  /** Registered apps and their tokens: Pinterest's side of OAuth, kept across resets. */
  readonly oauth = new OAuthServer(() => Date.now());
  private readonly api = new BusinessAccessApi(this.state, this.oauth);
  faults: Faults;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.auth = new Auth(this.state, {
      sessionTtlMs: options.sessionTtlMs ?? 30 * 60_000,
      lockoutMs: options.lockoutMs ?? 15 * 60_000,
      codeTtlMs: options.codeTtlMs ?? 10 * 60_000,
    });
    this.faults = defaultFaults(options.latencyMs ?? 0);
    if (options.fixture !== undefined) this.state.reset(options.fixture);
  }

  readonly handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    const r: Request = { req, res, url, cookies: parseCookies(req.headers.cookie) };
    try {
      if (url.pathname.startsWith('/__sim/')) {
        await this.control(r);
        return;
      }
      if (url.pathname.startsWith('/v5/')) {
        await this.restApi(r);
        return;
      }
      if (url.pathname === '/oauth' || url.pathname === '/oauth/') {
        await this.consent(r);
        return;
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
      if (this.faults.failNext > 0) {
        this.faults.failNext -= 1;
        this.sendHtml(r, this.faults.failStatus, errorPage(ERROR_PAGES.serverError));
        return;
      }
      await this.ui(r);
    } catch (e) {
      if (res.headersSent) {
        res.end();
        return;
      }
      const status = e instanceof HttpError ? e.status : 500;
      if (url.pathname.startsWith('/__sim/')) {
        this.sendJson(r, status, { error: e instanceof Error ? e.message : String(e) });
      } else {
        this.sendHtml(r, status, errorPage(ERROR_PAGES.serverError));
      }
    }
  };

  // ---------------- responses ----------------

  private sendHtml(
    r: Request,
    status: number,
    body: string,
    headers: Record<string, string | string[]> = {},
  ): void {
    r.res.writeHead(status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      ...headers,
    });
    r.res.end(body);
  }

  private sendJson(r: Request, status: number, body: unknown): void {
    r.res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    r.res.end(JSON.stringify(body));
  }

  private redirect(r: Request, location: string, cookies: string[] = []): void {
    r.res.writeHead(303, { location, ...(cookies.length > 0 && { 'set-cookie': cookies }) });
    r.res.end();
  }

  private takeFlash(r: Request): string | undefined {
    const flash = r.session?.flash;
    if (r.session) delete r.session.flash;
    return flash;
  }

  // ---------------- control API ----------------

  private async control(r: Request): Promise<void> {
    const { req, url } = r;
    const route = `${req.method} ${url.pathname}`;
    const json = async (): Promise<unknown> => {
      const text = await readBody(req);
      try {
        return text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        throw new HttpError(400, 'body must be JSON');
      }
    };
    switch (route) {
      case 'POST /__sim/reset': {
        const body = await json();
        try {
          this.state.reset(body);
        } catch (e) {
          if (e instanceof InvalidFixture) throw new HttpError(400, e.message);
          throw e;
        }
        this.auth.reset();
        this.faults = defaultFaults(this.options.latencyMs ?? 0);
        return this.sendJson(r, 200, { ok: true, businesses: this.state.businesses.size });
      }
      case 'GET /__sim/state':
        return this.sendJson(r, 200, this.state.toFixture());
      case 'POST /__sim/generate': {
        const body = parseGenerateRequest(await json());
        const fixture = generateBusiness(body);
        this.state.putBusiness(fixture);
        return this.sendJson(r, 200, {
          businessId: fixture.id,
          name: fixture.name,
          members: fixture.members.length,
          assets: fixture.assets?.length ?? 0,
          grants: fixture.grants?.length ?? 0,
          partners: fixture.partners?.length ?? 0,
          invites: fixture.invites?.length ?? 0,
          manager: { email: fixture.members.find((m) => m.password !== undefined)?.email },
        });
      }
      case 'GET /__sim/log': {
        const businessId = url.searchParams.get('businessId');
        return this.sendJson(
          r,
          200,
          businessId ? this.state.log.filter((e) => e.businessId === businessId) : this.state.log,
        );
      }
      case 'GET /__sim/faults':
        return this.sendJson(r, 200, this.faults);
      case 'POST /__sim/faults': {
        const input = parseFaults(await json());
        if (input.expireSessions) this.auth.expireAll();
        if (input.expireTokens) this.oauth.expireAll();
        if (input.revokeToken !== undefined && input.revokeToken !== false) {
          this.oauth.revoke(input.revokeToken === true ? undefined : input.revokeToken);
        }
        const {
          expireSessions: _sessions,
          expireTokens: _tokens,
          revokeToken: _revoke,
          ...rest
        } = input;
        this.faults = { ...this.faults, ...rest };
        return this.sendJson(r, 200, this.faults);
      }
      case 'GET /__sim/codes': {
        const email = url.searchParams.get('email') ?? '';
        const code = this.auth.lastCode(email);
        if (!code) return this.sendJson(r, 404, { error: `no code was sent to ${email}` });
        return this.sendJson(r, 200, code);
      }
      case 'POST /__sim/remove-member': {
        // Someone other than the service (another manager) removes a person.
        const body = (await json()) as { businessId?: unknown; memberId?: unknown; by?: unknown };
        if (typeof body.businessId !== 'string' || typeof body.memberId !== 'string') {
          throw new HttpError(400, 'businessId and memberId are required strings');
        }
        const by =
          typeof body.by === 'string' && body.by.trim() ? body.by.trim() : 'another manager';
        try {
          const removed = this.state.removeMember(body.businessId, body.memberId, by);
          return this.sendJson(r, 200, { removed: removed.id, by });
        } catch (e) {
          if (e instanceof ChangeRefused) throw new HttpError(404, e.message);
          throw e;
        }
      }
      case 'POST /__sim/oauth/apps': {
        const body = (await json()) as {
          businessId?: unknown;
          scopes?: unknown;
          userEmail?: unknown;
        };
        if (typeof body.businessId !== 'string') throw new HttpError(400, 'businessId is required');
        const business = this.state.businesses.get(body.businessId);
        if (!business) throw new HttpError(404, `no business ${body.businessId}`);
        if (!Array.isArray(body.scopes) || body.scopes.some((s) => typeof s !== 'string')) {
          throw new HttpError(400, 'scopes must be a list of scope names');
        }
        // The app acts as the user who registered it: by default the business's login Manager.
        const managers = [...business.members.values()].filter((m) => m.role === 'MANAGER');
        const actingAs =
          typeof body.userEmail === 'string'
            ? body.userEmail
            : (managers.find((m) => this.state.accounts.has(m.email.toLowerCase())) ?? managers[0])
                ?.email;
        if (!actingAs) throw new HttpError(400, `business ${body.businessId} has no Manager`);
        const app = this.oauth.createApp(body.businessId, body.scopes as string[], actingAs);
        return this.sendJson(r, 200, {
          clientId: app.clientId,
          clientSecret: app.clientSecret,
          refreshToken: app.refreshToken,
          scopes: app.scopes,
          actingAs,
        });
      }
      case 'GET /__sim/sessions':
        return this.sendJson(r, 200, this.auth.listSessions());
      default:
        throw new HttpError(404, `unknown control route ${route}`);
    }
  }

  // ---------------- REST API (v5) ----------------

  private async restApi(r: Request): Promise<void> {
    const body = await readBody(r.req);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      r.res.writeHead(status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        ...headers,
      });
      r.res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
    if (this.faults.rateLimitApi > 0) {
      this.faults.rateLimitApi -= 1;
      return send(429, { code: 8, message: 'Rate limit exceeded.' }, { 'retry-after': '1' });
    }
    if (this.faults.failNextApi > 0) {
      this.faults.failNextApi -= 1;
      return send(this.faults.failStatus, { code: 5, message: 'Something went wrong.' });
    }
    const answer = this.api.handle({
      method: r.req.method ?? 'GET',
      path: r.url.pathname.slice('/v5'.length),
      query: r.url.searchParams,
      authorization: r.req.headers.authorization,
      body,
    });
    send(answer.status, answer.body, answer.headers);
  }

  /** Pinterest's consent page (www.pinterest.com/oauth/): "Give access" sends a code back. */
  private async consent(r: Request): Promise<void> {
    const params =
      r.req.method === 'POST' ? new URLSearchParams(await readBody(r.req)) : r.url.searchParams;
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    const state = params.get('state') ?? '';
    const scopes = (params.get('scope') ?? '').split(/[,\s]+/).filter(Boolean);
    const app = this.oauth.app(clientId);
    if (!app || params.get('response_type') !== 'code' || !/^https?:\/\//.test(redirectUri)) {
      return this.sendHtml(
        r,
        400,
        errorPage({
          title: 'Something went wrong',
          message: 'This app asked for access in a way Pinterest does not accept.',
        }),
      );
    }
    if (r.req.method !== 'POST') {
      return this.sendHtml(r, 200, consentPage({ app, redirectUri, state, scopes }));
    }
    const target = new URL(redirectUri);
    if (params.get('decision') !== 'allow') {
      target.searchParams.set('error', 'access_denied');
    } else {
      try {
        target.searchParams.set('code', this.oauth.authorize(clientId, redirectUri, scopes));
      } catch (e) {
        if (!(e instanceof OAuthRefused)) throw e;
        target.searchParams.set('error', 'invalid_request');
      }
    }
    if (state) target.searchParams.set('state', state);
    return this.redirect(r, target.toString());
  }

  // ---------------- UI ----------------

  private async ui(r: Request): Promise<void> {
    const { req, url } = r;
    if (req.method === 'POST') r.form = new URLSearchParams(await readBody(req));
    r.session = this.auth.session(r.cookies.get(SESSION_COOKIE));
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;

    if (path === '/login') return req.method === 'POST' ? this.postLogin(r) : this.getLogin(r);
    if (path === '/login/verify')
      return req.method === 'POST' ? this.postVerify(r) : this.getVerify(r);
    if (path === '/logout' && req.method === 'POST') {
      this.auth.endSession(r.cookies.get(SESSION_COOKIE));
      return this.redirect(r, '/login', [`${SESSION_COOKIE}=; Path=/; Max-Age=0`]);
    }

    if (!r.session) {
      // Expired or absent session: back to the login page, then back here.
      const next = req.method === 'GET' ? `${url.pathname}${url.search}` : '/';
      return this.redirect(r, `/login?next=${encodeURIComponent(next)}`);
    }
    const viewer = { email: r.session.email };
    if (path === '/' && req.method === 'GET') {
      return this.sendHtml(
        r,
        200,
        businessesPage(viewer, this.state.businessesOf(r.session.email), this.takeFlash(r)),
      );
    }
    const m = /^\/business\/business-access\/([^/]+)(?:\/(.*))?$/.exec(path);
    if (!m) return this.sendHtml(r, 404, errorPage({ ...ERROR_PAGES.notFound, viewer }));
    const business = this.state.businesses.get(decodeURIComponent(m[1]!));
    const member = business?.memberByEmail(r.session.email);
    if (!business || !member) {
      return this.sendHtml(r, 404, errorPage({ ...ERROR_PAGES.businessNotFound, viewer }));
    }
    const ctx: PageContext = {
      viewer: { email: r.session.email, role: member.role },
      business,
    };
    const rest = (m[2] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    return req.method === 'POST' ? this.businessPost(r, ctx, rest) : this.businessGet(r, ctx, rest);
  }

  private getLogin(r: Request): void {
    const next = safeNext(r.url.searchParams.get('next'));
    if (r.session) return this.redirect(r, next);
    this.sendHtml(r, 200, loginPage({ next }));
  }

  private postLogin(r: Request): void {
    const form = r.form!;
    const email = (form.get('email') ?? '').trim();
    const next = safeNext(form.get('next'));
    if (this.faults.rateLimitNextLogin) {
      this.faults.rateLimitNextLogin = false;
      return this.sendHtml(r, 429, loginPage({ email, next, error: LOGIN_MESSAGES.tooMany }), {
        'retry-after': '60',
      });
    }
    const result = this.auth.login(
      email,
      form.get('password') ?? '',
      this.faults.challengeNextLogin,
      next,
    );
    switch (result.kind) {
      case 'ok':
        return this.redirect(r, next, [sessionCookie(result.session.token)]);
      case 'challenge':
        if (result.pending.kind === 'SUSPICIOUS_LOGIN') this.faults.challengeNextLogin = false;
        return this.redirect(r, '/login/verify', [
          `${PENDING_COOKIE}=${result.pending.token}; Path=/login; HttpOnly; SameSite=Lax`,
        ]);
      case 'wrong_password':
        return this.sendHtml(
          r,
          401,
          loginPage({ email, next, error: LOGIN_MESSAGES.wrongPassword }),
        );
      case 'unknown_email':
        return this.sendHtml(
          r,
          401,
          loginPage({ email, next, error: LOGIN_MESSAGES.unknownEmail }),
        );
      case 'locked':
        return this.sendHtml(r, 429, loginPage({ email, next, error: LOGIN_MESSAGES.tooMany }), {
          'retry-after': '900',
        });
    }
  }

  private getVerify(r: Request): void {
    const pending = this.auth.pendingLogin(r.cookies.get(PENDING_COOKIE));
    if (!pending) return this.redirect(r, '/login');
    this.sendHtml(
      r,
      200,
      verifyPage({ kind: pending.kind, maskedEmail: maskEmail(pending.email) }),
    );
  }

  private postVerify(r: Request): void {
    const token = r.cookies.get(PENDING_COOKIE);
    const pending = this.auth.pendingLogin(token);
    const result = this.auth.verify(token, r.form?.get('code') ?? '');
    switch (result.kind) {
      case 'ok':
        return this.redirect(r, result.next, [
          sessionCookie(result.session.token),
          `${PENDING_COOKIE}=; Path=/login; Max-Age=0`,
        ]);
      case 'wrong_code':
        return this.sendHtml(
          r,
          401,
          verifyPage({
            kind: pending?.kind ?? 'TWO_FACTOR',
            maskedEmail: maskEmail(pending?.email ?? ''),
            error: LOGIN_MESSAGES.wrongCode,
          }),
        );
      case 'expired':
        return this.sendHtml(r, 401, loginPage({ error: LOGIN_MESSAGES.codeExpired }));
      case 'locked':
        return this.sendHtml(r, 429, loginPage({ error: LOGIN_MESSAGES.tooMany }), {
          'retry-after': '900',
        });
    }
  }

  private forbidden(r: Request, ctx: PageContext): void {
    this.sendHtml(r, 403, errorPage({ ...ERROR_PAGES.forbidden, viewer: ctx.viewer }));
  }

  private businessGet(r: Request, ctx: PageContext, rest: string[]): void {
    const b = ctx.business;
    const manager = ctx.viewer.role === 'MANAGER';
    const query = r.url.searchParams;
    const page = (body: string): void => this.sendHtml(r, 200, body);
    const notFound = (e: { title: string; message: string; note?: string }): void =>
      this.sendHtml(r, 404, errorPage({ ...e, viewer: ctx.viewer }));
    const withFlash = (): PageContext => ({ ...ctx, flash: this.takeFlash(r) });
    const [section, id, ...more] = rest;
    if (more.length > 0) return notFound(ERROR_PAGES.notFound);
    if (section === undefined) return page(homePage(withFlash()));

    if (section === 'employees') {
      if (!manager) return this.forbidden(r, ctx);
      if (id === undefined) {
        const q = (query.get('q') ?? '').trim();
        const needle = q.toLowerCase();
        const all = [...b.members.values()];
        const matches = needle
          ? all.filter(
              (x) =>
                x.name.toLowerCase().includes(needle) ||
                x.email.toLowerCase().includes(needle) ||
                x.id === q,
            )
          : all;
        const invitedRaw = query.get('invited');
        const hideLastRow = this.faults.hideRows > 0;
        if (hideLastRow) this.faults.hideRows -= 1;
        return page(
          employeesPage(withFlash(), {
            q,
            ...parsePaging(query),
            matches,
            ...(invitedRaw !== null && { invited: Number(invitedRaw) || 0 }),
            ...(hideLastRow && { hideLastRow }),
          }),
        );
      }
      const member = b.members.get(id);
      if (!member) {
        const removal = this.state.log.findLast(
          (e) => e.businessId === b.id && e.action === 'remove_member' && e.target === id,
        );
        // Someone else's removal is named; our own needs no hint.
        const by = removal && removal.by !== ctx.viewer.email ? removal.by : null;
        return notFound({
          ...ERROR_PAGES.memberNotFound,
          ...(by ? { note: `Removed by ${by}` } : {}),
        });
      }
      return page(memberPage(withFlash(), member));
    }

    if (section === 'partners') {
      if (!manager) return this.forbidden(r, ctx);
      if (id === undefined) return page(partnersPage(withFlash()));
      const partner = b.partners.get(id);
      if (!partner) return notFound(ERROR_PAGES.partnerNotFound);
      return page(partnerPage(withFlash(), partner));
    }

    const type = (Object.keys(ASSET_SECTIONS) as AssetType[]).find(
      (t) => ASSET_SECTIONS[t].section === section,
    );
    if (type) {
      // An Employee sees only the assets granted to them.
      const visible = (assetId: string): boolean =>
        manager || b.permissionsOf(this.memberId(ctx), assetId).length > 0;
      if (id === undefined) {
        const assets = [...b.assets.values()].filter((a) => a.type === type && visible(a.id));
        return page(assetListPage(withFlash(), { type, ...parsePaging(query), assets }));
      }
      const asset = b.assets.get(id);
      if (!asset || asset.type !== type || !visible(asset.id)) {
        return notFound(ERROR_PAGES.assetNotFound);
      }
      return page(assetPage(withFlash(), asset));
    }
    return notFound(ERROR_PAGES.notFound);
  }

  private memberId(ctx: PageContext): string {
    return ctx.business.memberByEmail(ctx.viewer.email)?.id ?? '';
  }

  private businessPost(r: Request, ctx: PageContext, rest: string[]): void {
    const b = ctx.business;
    if (ctx.viewer.role !== 'MANAGER') return this.forbidden(r, ctx);
    const form = r.form ?? new URLSearchParams();
    const by = ctx.viewer.email;
    const session = r.session!;
    const done = (flash: string, location: string): void => {
      session.flash = flash;
      this.redirect(r, location);
    };
    try {
      const [section, id, verb] = rest;
      if (section === 'employees' && id === 'invite' && verb === undefined) {
        const role = parseRole(form.get('role'));
        const emails = (form.get('emails') ?? '').split(/[\s,;]+/).filter(Boolean);
        const bad = emails.filter((e) => !EMAIL.test(e));
        if (emails.length === 0 || bad.length > 0) {
          throw new ChangeRefused(
            bad.length > 0 ? `Check these emails: ${bad.join(', ')}` : 'Enter at least one email',
            400,
          );
        }
        const outcomes = this.state.invite(b.id, emails, role, by);
        const of = (kind: string): string[] =>
          outcomes.filter((o) => o.outcome === kind).map((o) => o.email);
        const parts = [
          of('invited').length > 0 && `Invitations sent to ${of('invited').join(', ')}.`,
          of('already_invited').length > 0 &&
            `Already invited: ${of('already_invited').join(', ')}.`,
          of('already_member').length > 0 &&
            `Already in your business: ${of('already_member').join(', ')}.`,
        ].filter((p): p is string => typeof p === 'string');
        return done(
          parts.join(' '),
          `${businessPath(b.id, 'employees')}?invited=${of('invited').length}`,
        );
      }
      if (section === 'employees' && id !== undefined && verb === 'remove') {
        const removed = this.state.removeMember(b.id, id, by);
        return done(`${removed.name} was removed from ${b.name}.`, businessPath(b.id, 'employees'));
      }
      if (section === 'employees' && id !== undefined && verb === 'role') {
        const member = this.state.changeRole(b.id, id, parseRole(form.get('role')), by);
        return done(
          `${member.name} is now ${member.role === 'MANAGER' ? 'a Manager' : 'an Employee'}.`,
          businessPath(b.id, `employees/${encodeURIComponent(member.id)}`),
        );
      }
      if (section === 'invites' && id === 'cancel' && verb === undefined) {
        const invite = this.state.cancelInvite(b.id, form.get('email') ?? '', by);
        return done(
          `The invitation for ${invite.email} was cancelled.`,
          businessPath(b.id, 'employees'),
        );
      }
      if (section === 'permissions' && id === undefined) {
        const email = form.get('email');
        const memberId = email ? b.memberByEmail(email)?.id : (form.get('memberId') ?? undefined);
        if (!memberId) throw new ChangeRefused("This person isn't part of your business", 404);
        const assetId = form.get('assetId') ?? '';
        const permissions = parsePermissions(form.getAll('permissions'));
        this.state.setAssetPermissions(b.id, memberId, assetId, permissions, by);
        const member = b.members.get(memberId)!;
        const asset = b.assets.get(assetId)!;
        const returnTo = form.get('returnTo');
        const location =
          returnTo && returnTo.startsWith(businessPath(b.id)) && !returnTo.includes('//', 1)
            ? returnTo
            : businessPath(b.id, `employees/${encodeURIComponent(memberId)}`);
        return done(
          permissions.length === 0
            ? `${member.name} no longer has access to ${asset.name}.`
            : `Permissions updated for ${member.name} on ${asset.name}.`,
          location,
        );
      }
      this.sendHtml(r, 404, errorPage({ ...ERROR_PAGES.notFound, viewer: ctx.viewer }));
    } catch (e) {
      if (!(e instanceof ChangeRefused)) throw e;
      const page =
        e.message === ERROR_PAGES.memberNotFound.title
          ? ERROR_PAGES.memberNotFound
          : e.message === ERROR_PAGES.assetNotFound.title
            ? ERROR_PAGES.assetNotFound
            : { title: ERROR_PAGES.badRequest.title, message: e.message };
      this.sendHtml(r, e.status, errorPage({ ...page, viewer: ctx.viewer }));
    }
  }
}

function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`;
}

function parseRole(value: string | null): Role {
  if (value && (ROLES as readonly string[]).includes(value)) return value as Role;
  throw new ChangeRefused('Choose a role: Employee or Manager', 400);
}

function parsePermissions(values: string[]): Permission[] {
  const bad = values.filter((v) => !(PERMISSIONS as readonly string[]).includes(v));
  if (bad.length > 0) throw new ChangeRefused(`Unknown permission ${bad.join(', ')}`, 400);
  return values as Permission[];
}

function parseGenerateRequest(body: unknown): GenerateRequest {
  if (typeof body !== 'object' || body === null) throw new HttpError(400, 'body must be an object');
  const o = body as Record<string, unknown>;
  const int = (key: string, fallback?: number): number => {
    const v = o[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000) {
      throw new HttpError(400, `${key} must be a whole number from 0 to 1,000,000`);
    }
    return v;
  };
  const optionalInt = (key: string): number | undefined =>
    o[key] === undefined ? undefined : int(key);
  const optionalString = (key: string): string | undefined => {
    const v = o[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw new HttpError(400, `${key} must be a string`);
    return v;
  };
  const businessId = optionalString('businessId');
  if (!businessId) throw new HttpError(400, 'businessId is required');
  return {
    businessId,
    name: optionalString('name'),
    members: int('members'),
    adAccounts: int('adAccounts', 10),
    profiles: optionalInt('profiles'),
    catalogs: optionalInt('catalogs'),
    grantsPerMember: int('grantsPerMember', 2),
    partners: int('partners', 3),
    seed: int('seed', 1),
    invites: optionalInt('invites'),
    managerEmail: optionalString('managerEmail'),
    managerPassword: optionalString('managerPassword'),
  };
}

function parseFaults(body: unknown): FaultsInput {
  if (typeof body !== 'object' || body === null) throw new HttpError(400, 'body must be an object');
  const o = body as Record<string, unknown>;
  const out: FaultsInput = {};
  for (const key of [
    'latencyMs',
    'failNext',
    'failStatus',
    'hideRows',
    'rateLimitApi',
    'failNextApi',
  ] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new HttpError(400, `${key} must be a whole number`);
    }
    out[key] = v;
  }
  if (out.failStatus !== undefined && (out.failStatus < 400 || out.failStatus > 599)) {
    throw new HttpError(400, 'failStatus must be an HTTP error status (400-599)');
  }
  for (const key of [
    'expireSessions',
    'challengeNextLogin',
    'rateLimitNextLogin',
    'expireTokens',
  ] as const) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new HttpError(400, `${key} must be true or false`);
    out[key] = v;
  }
  if (o.revokeToken !== undefined) {
    if (typeof o.revokeToken !== 'boolean' && typeof o.revokeToken !== 'string') {
      throw new HttpError(400, 'revokeToken must be true or a clientId');
    }
    out.revokeToken = o.revokeToken;
  }
  const known = new Set([
    'rateLimitApi',
    'failNextApi',
    'expireTokens',
    'revokeToken',
    'latencyMs',
    'failNext',
    'failStatus',
    'expireSessions',
    'challengeNextLogin',
    'rateLimitNextLogin',
    'hideRows',
  ]);
  const unknown = Object.keys(o).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new HttpError(400, `unknown fault ${unknown.join(', ')}`);
  return out;
}

/** Starts the simulator's HTTP server; resolves once it listens. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const app = new SimulatorApp(options);
  const server: Server = createServer((req, res) => void app.handle(req, res));
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    state: app.state,
    app,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
