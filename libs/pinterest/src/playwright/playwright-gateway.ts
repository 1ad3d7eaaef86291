import { join } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright';

import {
  ChallengeRequired,
  type Evidence,
  InvalidRequest,
  maskEmail,
  MemberNotFound,
  AssetNotFound,
  NotLoggedIn,
  PinterestError,
  Transient,
  UnexpectedPage,
} from '../errors';
import type { PinterestBusinessGateway } from '../gateway.port';
import { grantsByAsset, requestedEmails, samePermissions, sortPermissions } from '../gateway-rules';
import { Semaphore } from '../semaphore';
import {
  ASSET_PERMISSIONS,
  ASSET_TYPES,
  type AssetPermission,
  type BusinessRole,
  type BusinessSnapshot,
  type CancelInviteResult,
  type ChallengeKind,
  type ChangeRoleResult,
  type InviteMembersResult,
  type LoginResult,
  type PinterestCredentials,
  type RemoveMemberResult,
  type SetAssetPermissionsResult,
  type SnapshotAsset,
  type SnapshotInvite,
  type SnapshotOptions,
  type SnapshotPartner,
} from '../types';
import { acquireBrowser, releaseBrowser } from './browser';
import { isExhausted, normalizeError, PageDriver, SessionExpired } from './driver';
import { captureLoginEvidence, EvidenceStore, Tracer } from './evidence';
import { AssetListPage, type AssetListRow } from './pages/asset-list.page';
import { BusinessHomePage } from './pages/business-home.page';
import { EmployeesPage, type EmployeeRow, type EmployeesPageReading } from './pages/employees.page';
import { LoginPage, type LoginOutcome } from './pages/login.page';
import { MemberPage } from './pages/member.page';
import { PartnerPage, type PartnerDetails } from './pages/partner.page';
import { PartnersPage, type PartnerRow } from './pages/partners.page';
import { WorkPool } from '../work-pool';

export interface GatewayLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface PlaywrightGatewayOptions {
  /** Where Business Manager lives: the simulator's URL, or https://www.pinterest.com */
  baseUrl: string;
  /** Evidence goes to `<dataDir>/evidence/`. Default: DATA_DIR, else ./data */
  dataDir?: string;
  /** Overrides `<dataDir>/evidence`. */
  evidenceDir?: string;
  /** Pages driven at once by this gateway. Default 2. */
  concurrency?: number;
  /** Per step (navigation, click) time limit. Default 15 s. */
  timeoutMs?: number;
  /** Extra attempts after a transient failure. Default 2. */
  retries?: number;
  /** Wait before a retry, multiplied by the attempt number. Default 250 ms. */
  retryDelayMs?: number;
  /** Keep a rolling Playwright trace so failures can save it. Default true. */
  trace?: boolean;
  /**
   * DOM snapshots at every step of the trace. Telling, but measured here at +30–100% on the
   * time of a change; off by default, since each failure also keeps the page's HTML.
   */
  traceSnapshots?: boolean;
  /** Chromium binary; default from PLAYWRIGHT_CHROMIUM_PATH or the Debian paths. */
  executablePath?: string;
  /** Operation names, durations and failures; never credentials. */
  logger?: GatewayLogger;
}

/** A browser context of the session, with its trace and its idle tabs. */
interface Lane {
  context: BrowserContext;
  tracer: Tracer;
  idlePages: Page[];
}

type LaneKind = 'changes' | 'reads';

interface Session {
  credentials: PinterestCredentials;
  result: LoginResult;
  /** Changes: removals, invitations, roles, permissions. */
  changes: Lane;
  /**
   * Bulk reads (snapshots), in a second context made lazily with the same cookies, so a
   * long snapshot and its many tabs never hold up a change, nor mix into its trace.
   */
  reads?: Lane;
  readsReady?: Promise<Lane>;
  /** A re-login in progress, shared by every page that found the session expired. */
  relogin?: Promise<void>;
}

interface PendingChallenge {
  context: BrowserContext;
  page: Page;
  credentials: PinterestCredentials;
  kind: ChallengeKind;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * The gateway over Business Manager's web pages, driven in headless Chromium.
 *
 * One browser per process (shared), one context per login session, reused until Pinterest
 * ends the session and then logged in again with the same credentials. The login itself is
 * typed in a separate, untraced context so no trace or screenshot ever holds a password.
 */
export class PlaywrightPinterestGateway implements PinterestBusinessGateway {
  private browser?: Browser;
  private session?: Session;
  private pending?: PendingChallenge;
  private readonly limiter: Semaphore;
  private readonly evidence: EvidenceStore;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly trace: boolean;
  private readonly traceSnapshots: boolean;

  constructor(private readonly options: PlaywrightGatewayOptions) {
    this.limiter = new Semaphore(options.concurrency ?? 2);
    const dataDir = options.dataDir ?? process.env.DATA_DIR ?? './data';
    this.evidence = new EvidenceStore(options.evidenceDir ?? join(dataDir, 'evidence'));
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retries = options.retries ?? 2;
    this.retryDelayMs = options.retryDelayMs ?? 250;
    this.trace = options.trace ?? true;
    this.traceSnapshots = options.traceSnapshots ?? false;
  }

  get evidenceDir(): string {
    return this.evidence.dir;
  }

  // ------------------------------------------------------------------ sessions

  private async getBrowser(): Promise<Browser> {
    if (!this.browser || !this.browser.isConnected()) {
      this.browser = await acquireBrowser(this.options.executablePath);
    }
    return this.browser;
  }

  private async newContext(
    storageState?: Awaited<ReturnType<BrowserContext['storageState']>>,
  ): Promise<BrowserContext> {
    const context = await (
      await this.getBrowser()
    ).newContext({
      ...(storageState && { storageState }),
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(this.timeoutMs);
    context.setDefaultNavigationTimeout(this.timeoutMs);
    return context;
  }

  private driverFor(page: Page, session?: Session): PageDriver {
    return new PageDriver(page, {
      baseUrl: this.options.baseUrl,
      retries: this.retries,
      retryDelayMs: this.retryDelayMs,
      relogin: () => (session ? this.relogin(session) : Promise.reject(new NotLoggedIn())),
    });
  }

  async login(credentials: PinterestCredentials): Promise<LoginResult> {
    await this.logout();
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        const { context, result } = await this.loginInFreshContext(credentials);
        await this.openSession(context, credentials, result);
        this.options.logger?.log(
          `logged in as ${maskEmail(credentials.email)} in ${Date.now() - started} ms`,
        );
        return result;
      } catch (e) {
        if (e instanceof Transient && attempt < this.retries) {
          await sleep(this.retryDelayMs * (attempt + 1));
          continue;
        }
        this.options.logger?.warn(`login as ${maskEmail(credentials.email)} failed: ${String(e)}`);
        throw e;
      }
    }
  }

  async resumeLogin(code: string): Promise<LoginResult> {
    const pending = this.pending;
    if (!pending) throw new NotLoggedIn();
    this.pending = undefined;
    const outcome = await new LoginPage(this.driverFor(pending.page))
      .submitCode(pending.credentials.email, code)
      .catch((e: unknown) => ({ kind: 'failed' as const, error: asPinterestError(e) }));
    const { context, result } = await this.settleLogin(
      pending.context,
      pending.page,
      pending.credentials,
      outcome,
    );
    await this.openSession(context, pending.credentials, result);
    return result;
  }

  /** Types the credentials in a throw-away context; returns it logged in. */
  private async loginInFreshContext(
    credentials: PinterestCredentials,
  ): Promise<{ context: BrowserContext; result: LoginResult }> {
    const context = await this.newContext();
    try {
      const page = await context.newPage();
      const outcome = await new LoginPage(this.driverFor(page))
        .submitPassword(credentials.email, credentials.password)
        .catch((e: unknown) => ({ kind: 'failed' as const, error: asPinterestError(e) }));
      return await this.settleLogin(context, page, credentials, outcome);
    } catch (e) {
      if (!(e instanceof ChallengeRequired)) await context.close().catch(() => undefined);
      throw e;
    }
  }

  /** Follows a login outcome through code steps to a logged-in context, or a typed error. */
  private async settleLogin(
    context: BrowserContext,
    page: Page,
    credentials: PinterestCredentials,
    first: LoginOutcome,
  ): Promise<{ context: BrowserContext; result: LoginResult }> {
    let outcome = first;
    for (let step = 0; step < 3; step++) {
      if (outcome.kind === 'home') return { context, result: outcome.result };
      if (outcome.kind === 'failed') {
        outcome.error.evidence = await captureLoginEvidence(
          this.evidence,
          'login',
          context,
          page,
          this.trace,
        );
        await context.close().catch(() => undefined);
        throw outcome.error;
      }
      const provider = credentials.verificationCode;
      if (!provider) {
        this.pending = { context, page, credentials, kind: outcome.challenge };
        const error = new ChallengeRequired(
          outcome.challenge,
          `Pinterest asks ${maskEmail(credentials.email)} for a 6-digit code (${outcome.challenge}); call resumeLogin(code)`,
        );
        error.evidence = await captureLoginEvidence(
          this.evidence,
          'challenge',
          context,
          page,
          this.trace,
        );
        throw error;
      }
      const code = await provider({ kind: outcome.challenge });
      outcome = await new LoginPage(this.driverFor(page))
        .submitCode(credentials.email, code)
        .catch((e: unknown) => ({ kind: 'failed' as const, error: asPinterestError(e) }));
    }
    await context.close().catch(() => undefined);
    throw new UnexpectedPage(page.url(), 'Business Manager after the verification code');
  }

  private async openSession(
    loginContext: BrowserContext,
    credentials: PinterestCredentials,
    result: LoginResult,
  ): Promise<void> {
    await this.closeSession();
    const state = await loginContext.storageState();
    await loginContext.close().catch(() => undefined);
    const context = await this.newContext(state);
    const tracer = new Tracer(context, this.trace, this.traceSnapshots);
    await tracer.start();
    this.session = { credentials, result, changes: { context, tracer, idlePages: [] } };
  }

  private async lane(session: Session, kind: LaneKind): Promise<Lane> {
    if (kind === 'changes') return session.changes;
    // Shared by concurrent snapshots, so the session gets one reading context, not two.
    session.readsReady ??= (async () => {
      const context = await this.newContext(await session.changes.context.storageState());
      const tracer = new Tracer(context, this.trace, this.traceSnapshots);
      await tracer.start();
      session.reads = { context, tracer, idlePages: [] };
      return session.reads;
    })();
    return session.readsReady;
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.changes.context.close().catch(() => undefined);
    await session?.reads?.context.close().catch(() => undefined);
  }

  /** Logs in again after Pinterest ended the session; concurrent callers share one attempt. */
  private relogin(session: Session): Promise<void> {
    session.relogin ??= (async () => {
      try {
        this.options.logger?.log(
          `session of ${maskEmail(session.credentials.email)} expired; logging in again`,
        );
        const { context } = await this.loginInFreshContext(session.credentials);
        const cookies = await context.cookies();
        await context.close().catch(() => undefined);
        for (const lane of [session.changes, session.reads]) {
          if (!lane) continue;
          await lane.context.clearCookies();
          await lane.context.addCookies(cookies);
        }
      } finally {
        session.relogin = undefined;
      }
    })();
    return session.relogin;
  }

  async logout(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    await pending?.context.close().catch(() => undefined);
    await this.closeSession();
  }

  async close(): Promise<void> {
    await this.logout();
    const browser = this.browser;
    this.browser = undefined;
    if (browser) await releaseBrowser(browser);
  }

  // ------------------------------------------------------------------ operations

  private requireSession(): Session {
    if (!this.session) throw new NotLoggedIn();
    return this.session;
  }

  private async takePage(lane: Lane): Promise<Page> {
    const idle = lane.idlePages.pop();
    if (idle && !idle.isClosed()) return idle;
    return lane.context.newPage();
  }

  private returnPage(session: Session, lane: Lane, page: Page): void {
    if (this.session === session && !page.isClosed()) lane.idlePages.push(page);
  }

  /**
   * Runs one gateway call on a tab of the session: logs in again when the session expired,
   * repeats the whole call after a transient failure (calls re-read before they change, so
   * a repeat is safe), and attaches evidence to the error it finally throws.
   */
  private async operation<T>(
    name: string,
    kind: LaneKind,
    body: (driver: PageDriver, context: { session: Session; lane: Lane }) => Promise<T>,
  ): Promise<T> {
    const session = this.requireSession();
    const started = Date.now();
    await this.limiter.acquire();
    let page: Page | undefined;
    let lane: Lane | undefined;
    try {
      lane = await this.lane(session, kind);
      lane.tracer.enter();
      page = await this.takePage(lane);
      const driver = this.driverFor(page, session);
      let relogins = 0;
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await body(driver, { session, lane });
          this.options.logger?.log(`${name} done in ${Date.now() - started} ms`);
          return result;
        } catch (e) {
          const err = normalizeError(e);
          if (err instanceof SessionExpired && relogins < 2) {
            relogins += 1;
            await this.relogin(session);
            continue;
          }
          if (err instanceof Transient && !isExhausted(err) && attempt < this.retries) {
            await sleep(this.retryDelayMs * (attempt + 1));
            continue;
          }
          throw err;
        }
      }
    } catch (e) {
      const err = asPinterestError(normalizeError(e));
      err.evidence ??= await this.evidence.capture(name, page, lane?.tracer);
      this.options.logger?.warn(
        `${name} failed after ${Date.now() - started} ms: ${err.name}: ${err.message}`,
      );
      throw err;
    } finally {
      if (lane) {
        await lane.tracer.exit();
        if (page) this.returnPage(session, lane, page);
      }
      this.limiter.release();
    }
  }

  async fetchSnapshot(
    businessId: string,
    options: SnapshotOptions = {},
  ): Promise<BusinessSnapshot> {
    return this.operation('snapshot', 'reads', async (driver, { session, lane }) => {
      const progress = options.onProgress ?? (() => undefined);
      const takenAt = new Date().toISOString();
      const warnings: string[] = [];
      let home: { id: string; name: string } | undefined;
      const members = new Map<string, EmployeeRow>();
      let invites: SnapshotInvite[] = [];
      let expectedMembers: number | null = null;
      const assetRows: AssetListRow[] = [];
      let partnerRows: PartnerRow[] = [];
      const partnerDetails = new Map<string, PartnerDetails>();

      // Two chains run at once on separate tabs. People: home, then Employees 100 a page;
      // each row lists the person's assigned assets with permissions, so grants come with
      // them (no page per asset). Assets: the three lists, then Partners and each partner.
      const pool = new WorkPool<PageDriver>();
      const evidence: Evidence[] = [];
      const addMembers = async (read: EmployeesPageReading, d: PageDriver): Promise<void> => {
        for (const m of read.members) {
          if (members.has(m.id)) {
            warnings.push(`member ${m.id} was listed twice (the list changed while reading)`);
          }
          members.set(m.id, m);
        }
        progress({ phase: 'members', done: members.size, total: expectedMembers });
        if (read.missing === 0) return;
        // The page itself says it read part of the list: keep what it looked like.
        warnings.push(
          read.missing === null
            ? `the Employees page ${d.page.url()} states no count of people`
            : `the Employees page ${d.page.url()} states "${read.stated}" but lists ${read.members.length} people`,
        );
        // A few pages show what went wrong; a screenshot of every page of a long list would not.
        if (evidence.length < 3) {
          evidence.push(await this.evidence.capture('snapshot-incomplete', d.page, lane.tracer));
        }
      };
      pool.add(async (d) => {
        home = await new BusinessHomePage(d).read(businessId);
        progress({ phase: 'business', done: 1, total: 1 });
        const first = await new EmployeesPage(d).read(businessId);
        invites = first.invites;
        expectedMembers = first.total;
        await addMembers(first, d);
        if (!first.next) return;
        // The count on page one tells how many pages follow: every tab can take one.
        const perPage = first.members.length + Math.max(0, first.missing ?? 0);
        const pages = first.total !== null && perPage > 0 ? Math.ceil(first.total / perPage) : 0;
        if (pages < 2) {
          // No usable count: follow "Next page" one by one.
          let read = first;
          while (read.next) {
            read = await new EmployeesPage(d).read(businessId, read.next);
            await addMembers(read, d);
          }
          return;
        }
        for (let n = 2; n <= pages; n++) {
          pool.add(async (d2) => {
            const employees = new EmployeesPage(d2);
            let read = await employees.read(businessId, employees.pageUrl(businessId, n));
            await addMembers(read, d2);
            // People added while reading push the list past the count: follow it to the end.
            while (n === pages && read.next) {
              read = await employees.read(businessId, read.next);
              await addMembers(read, d2);
            }
          });
        }
      });
      pool.add(async (d) => {
        const lists = new AssetListPage(d);
        for (const type of ASSET_TYPES) {
          let url: string | undefined;
          do {
            const read = await lists.read(businessId, type, url);
            assetRows.push(...read.assets);
            url = read.next ?? undefined;
          } while (url);
        }
        progress({ phase: 'assets', done: assetRows.length, total: assetRows.length });
        partnerRows = await new PartnersPage(d).list(businessId);
        for (const row of partnerRows) {
          pool.add(async (d2) => {
            partnerDetails.set(row.id, await new PartnerPage(d2).details(businessId, row));
            progress({ phase: 'partners', done: partnerDetails.size, total: partnerRows.length });
          });
        }
      });
      await this.runPool(pool, driver, session, lane);

      if (expectedMembers === null) {
        warnings.push('the Employees list states no count of people');
      } else if (expectedMembers !== members.size) {
        warnings.push(`Employees said ${expectedMembers} people, ${members.size} were read`);
      }
      // Grants in asset order, then people in Employees order, then partners.
      const { place, grants } = grantsByAsset(
        assetRows.map((a) => a.id),
        warnings,
      );
      for (const m of members.values()) {
        if (m.assigned.length !== m.assetsCount) {
          warnings.push(
            `member ${m.id}: ${m.assetsCount} assets counted, ${m.assigned.length} listed`,
          );
        }
        for (const a of m.assigned) {
          place({
            principalType: 'MEMBER',
            principalId: m.id,
            assetId: a.assetId,
            permissions: sortPermissions(a.permissions),
          });
        }
      }
      const partners: SnapshotPartner[] = [];
      for (const p of partnerRows) {
        const details = partnerDetails.get(p.id);
        partners.push({ id: p.id, name: p.name, people: details?.people ?? null });
        for (const g of details?.shared ?? []) {
          place({
            principalType: 'PARTNER',
            principalId: p.id,
            assetId: g.assetId,
            permissions: sortPermissions(g.permissions),
          });
        }
      }
      const complete = warnings.length === 0;
      if (!complete && evidence.length === 0) {
        evidence.push(await this.evidence.capture('snapshot-incomplete', driver.page, lane.tracer));
      }
      return {
        businessId,
        businessName: home?.name ?? '',
        takenAt,
        members: [...members.values()].map(({ assigned: _assigned, ...member }) => member),
        pendingInvites: invites.filter((i) => i.status === 'PENDING'),
        invites,
        assets: assetRows.map((a): SnapshotAsset => ({ id: a.id, type: a.type, name: a.name })),
        partners,
        grants: grants(),
        warnings,
        complete,
        evidence,
      };
    });
  }

  /**
   * Runs a pool on the operation's tab plus a tab for each free slot of the concurrency
   * bound; a failure on an extra tab is photographed there before the tab goes back.
   */
  private async runPool(
    pool: WorkPool<PageDriver>,
    driver: PageDriver,
    session: Session,
    lane: Lane,
  ): Promise<void> {
    const extras: PageDriver[] = [];
    try {
      while (extras.length < this.limiter.capacity - 1 && this.limiter.tryAcquire()) {
        try {
          extras.push(this.driverFor(await this.takePage(lane), session));
        } catch (e) {
          this.limiter.release();
          throw e;
        }
      }
      try {
        await pool.run([driver, ...extras]);
      } catch (e) {
        const err = normalizeError(e);
        const failed = pool.failedWorker;
        if (err instanceof PinterestError && failed && failed !== driver) {
          err.evidence = await this.evidence.capture('snapshot', failed.page, lane.tracer);
        }
        throw err;
      }
    } finally {
      for (const d of extras) {
        this.returnPage(session, lane, d.page);
        this.limiter.release();
      }
    }
  }

  async removeMember(businessId: string, memberId: string): Promise<RemoveMemberResult> {
    let submitted = false;
    return this.operation('remove-member', 'changes', async (driver) => {
      const page = new MemberPage(driver);
      const absent = async (): Promise<RemoveMemberResult> => {
        const removedBy = await page.removedBy();
        return { memberId, outcome: 'already_absent', ...(removedBy ? { removedBy } : {}) };
      };
      const before = await page.read(businessId, memberId);
      if (!before) return submitted ? { memberId, outcome: 'removed' } : absent();
      submitted = true;
      try {
        await page.remove(businessId, memberId);
      } catch (e) {
        // Someone else removed them between our read and our confirmation.
        if (e instanceof MemberNotFound) return absent();
        throw e;
      }
      // Verified on a fresh load of the person's page, not on the redirect's message.
      const after = await page.read(businessId, memberId);
      if (after) {
        throw new UnexpectedPage(
          driver.page.url(),
          `member ${memberId} gone after Remove`,
          after.name,
        );
      }
      return { memberId, outcome: 'removed' };
    });
  }

  async changeRole(
    businessId: string,
    memberId: string,
    role: BusinessRole,
  ): Promise<ChangeRoleResult> {
    let submitted = false;
    return this.operation('change-role', 'changes', async (driver) => {
      const page = new MemberPage(driver);
      const before = await page.read(businessId, memberId);
      if (!before) throw new MemberNotFound(businessId, memberId);
      if (before.role === role)
        return { memberId, role, outcome: submitted ? 'changed' : 'unchanged' };
      submitted = true;
      await page.changeRole(businessId, memberId, role);
      const after = await page.read(businessId, memberId);
      if (!after) throw new MemberNotFound(businessId, memberId);
      if (after.role !== role) {
        throw new UnexpectedPage(driver.page.url(), `role ${role} after Edit role`, after.role);
      }
      return { memberId, role, outcome: 'changed' };
    });
  }

  async setAssetPermissions(
    businessId: string,
    memberId: string,
    assetId: string,
    permissions: readonly AssetPermission[],
  ): Promise<SetAssetPermissionsResult> {
    const wanted = sortPermissions(permissions);
    const unknown = wanted.filter((p) => !ASSET_PERMISSIONS.includes(p));
    if (unknown.length > 0) throw new InvalidRequest(`unknown permissions ${unknown.join(', ')}`);
    let firstSeen: AssetPermission[] | undefined;
    return this.operation('set-asset-permissions', 'changes', async (driver) => {
      const page = new MemberPage(driver);
      const before = await page.read(businessId, memberId);
      if (!before) throw new MemberNotFound(businessId, memberId);
      const current = before.assets.find((a) => a.id === assetId);
      const currentPerms = current?.permissions ?? [];
      firstSeen ??= currentPerms;
      const result = (
        outcome: SetAssetPermissionsResult['outcome'],
      ): SetAssetPermissionsResult => ({
        memberId,
        assetId,
        permissions: wanted,
        outcome,
      });
      const outcomeFrom = (
        from: readonly AssetPermission[],
      ): SetAssetPermissionsResult['outcome'] =>
        samePermissions(from, wanted)
          ? 'unchanged'
          : wanted.length === 0
            ? 'removed'
            : from.length === 0
              ? 'granted'
              : 'updated';
      if (samePermissions(currentPerms, wanted)) {
        // Already so: either from the start, or an earlier attempt's change went through.
        return result(outcomeFrom(firstSeen));
      }
      const type = await page.setPermissions(businessId, memberId, assetId, current, wanted);
      if (type === undefined) throw new AssetNotFound(businessId, assetId);
      const after = await page.read(businessId, memberId);
      if (!after) throw new MemberNotFound(businessId, memberId);
      const now = after.assets.find((a) => a.id === assetId)?.permissions ?? [];
      if (!samePermissions(now, wanted)) {
        throw new UnexpectedPage(
          driver.page.url(),
          `permissions ${wanted.join(', ') || 'none'} on ${assetId}`,
          now.join(', '),
        );
      }
      return result(outcomeFrom(firstSeen));
    });
  }

  async inviteMembers(
    businessId: string,
    emails: readonly string[],
    role: BusinessRole,
  ): Promise<InviteMembersResult> {
    const requested = requestedEmails(emails);
    if (requested.length === 0) return { results: [] };
    const sent = new Set<string>();
    return this.operation('invite-members', 'changes', async (driver) => {
      const employees = new EmployeesPage(driver);
      const outcomes = new Map<string, InviteMembersResult['results'][number]['outcome']>();
      const pendingOf = async (): Promise<Set<string>> => {
        const { invites } = await employees.read(businessId);
        return new Set(
          invites.filter((i) => i.status === 'PENDING').map((i) => i.email.toLowerCase()),
        );
      };
      const pending = await pendingOf();
      const toSend: string[] = [];
      for (const email of requested) {
        const key = email.toLowerCase();
        if (pending.has(key)) {
          outcomes.set(email, sent.has(key) ? 'invited' : 'already_invited');
        } else if (await employees.findByEmail(businessId, email)) {
          outcomes.set(email, 'already_member');
        } else {
          toSend.push(email);
        }
      }
      if (toSend.length > 0) {
        await employees.read(businessId);
        for (const e of toSend) sent.add(e.toLowerCase());
        await employees.invite(businessId, toSend, role);
        const after = await pendingOf();
        const missing = toSend.filter((e) => !after.has(e.toLowerCase()));
        if (missing.length > 0) {
          throw new UnexpectedPage(
            driver.page.url(),
            `pending invitations for ${missing.length} email(s)`,
          );
        }
        for (const e of toSend) outcomes.set(e, 'invited');
      }
      return { results: requested.map((email) => ({ email, outcome: outcomes.get(email)! })) };
    });
  }

  async cancelInvite(businessId: string, email: string): Promise<CancelInviteResult> {
    const key = email.trim().toLowerCase();
    let submitted = false;
    return this.operation('cancel-invite', 'changes', async (driver) => {
      const employees = new EmployeesPage(driver);
      const { invites } = await employees.read(businessId);
      const invite = invites.find((i) => i.email.toLowerCase() === key && i.status === 'PENDING');
      if (!invite) return { email, outcome: submitted ? 'cancelled' : 'already_absent' };
      submitted = true;
      await employees.cancelInvite(businessId, invite.email);
      const after = await employees.read(businessId);
      if (after.invites.some((i) => i.email.toLowerCase() === key && i.status === 'PENDING')) {
        throw new UnexpectedPage(
          driver.page.url(),
          `the invitation for ${maskEmail(email)} cancelled`,
        );
      }
      return { email, outcome: 'cancelled' };
    });
  }
}

function asPinterestError(e: unknown): PinterestError {
  if (e instanceof PinterestError) return e;
  if (e instanceof SessionExpired) {
    return new UnexpectedPage(e.url, 'a logged-in page after logging in again', 'the login page');
  }
  const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  return new UnexpectedPage('', 'a page the adapter knows', message);
}

export function createPlaywrightGateway(
  options: PlaywrightGatewayOptions,
): PinterestBusinessGateway {
  return new PlaywrightPinterestGateway(options);
}
