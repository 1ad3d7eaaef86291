import { errors as playwrightErrors, type Page, type Response } from 'playwright';

import {
  AssetNotFound,
  BusinessNotFound,
  MemberNotFound,
  PermissionDenied,
  PinterestError,
  RateLimited,
  Transient,
  UnexpectedPage,
} from '../errors';
import { SITE } from './pages/site';
import { readPage, type PageReading, type ReadSpec } from './read-page';

/** The session cookie no longer works; the gateway logs in again and repeats the step. */
export class SessionExpired extends Error {
  override readonly name = 'SessionExpired';
  constructor(readonly url: string) {
    super(`session expired (landed on ${url})`);
  }
}

/** What a page object expects to land on, and what to read there. */
export interface Expectation {
  /** For error messages: "the Employees page of business 123". */
  description: string;
  spec?: ReadSpec;
  is(reading: PageReading): boolean;
  businessId?: string;
  memberId?: string;
  assetId?: string;
}

export interface Loaded {
  reading: PageReading;
  status: number;
  retryAfterMs?: number;
}

export interface DriverConfig {
  baseUrl: string;
  /** Extra tries for a page load that fails transiently. */
  retries: number;
  retryDelayMs: number;
  /** Logs in again in this context; shared by every page of the session. */
  relogin: () => Promise<void>;
}

/** Errors that already used up their retries, so outer loops do not multiply them. */
const exhausted = new WeakSet<object>();
export const isExhausted = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && exhausted.has(e);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function retryAfter(response: Response | null): number | undefined {
  const header = response?.headers()['retry-after'];
  const seconds = header === undefined ? NaN : Number(header);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Playwright's own failures in our terms: a time-out or a dropped page is worth retrying. */
export function normalizeError(e: unknown): unknown {
  if (e instanceof PinterestError || e instanceof SessionExpired) return e;
  if (e instanceof playwrightErrors.TimeoutError) {
    return new Transient(`Pinterest did not answer in time: ${firstLine(e.message)}`, { cause: e });
  }
  if (
    e instanceof Error &&
    /net::ERR_|ECONNREFUSED|ECONNRESET|Target page, context or browser has been closed|Navigation.*interrupted|frame was detached/i.test(
      e.message,
    )
  ) {
    return new Transient(`the page could not be loaded: ${firstLine(e.message)}`, { cause: e });
  }
  return e;
}

const firstLine = (s: string): string => s.split('\n')[0] ?? s;

/** Turns a page that is not the expected one into the typed error it stands for. */
export function classify(loaded: Loaded, exp: Expectation): Error {
  const { reading, status } = loaded;
  const h = reading.h1;
  const path = new URL(reading.url).pathname;
  if (path === SITE.loginPath || h === SITE.headings.login) return new SessionExpired(reading.url);
  if (status >= 500 || h === SITE.headings.serverError) {
    return new Transient(`Pinterest answered ${status || 'an error page'} for ${exp.description}`);
  }
  if (status === 429) {
    return new RateLimited(`Pinterest is rate limiting (${exp.description})`, loaded.retryAfterMs);
  }
  if (h === SITE.headings.forbidden || status === 403) {
    return new PermissionDenied(
      `the login account may not use ${exp.description}; it needs the Manager role`,
      exp.businessId,
    );
  }
  if (h === SITE.headings.businessNotFound) return new BusinessNotFound(exp.businessId ?? '');
  if (h === SITE.headings.memberNotFound) {
    return new MemberNotFound(exp.businessId ?? '', exp.memberId ?? '');
  }
  if (h === SITE.headings.assetNotFound)
    return new AssetNotFound(exp.businessId ?? '', exp.assetId ?? '');
  return new UnexpectedPage(reading.url, exp.description, h || reading.title);
}

/** Loads and reads pages for the page objects, with the checks every page needs. */
export class PageDriver {
  constructor(
    readonly page: Page,
    private readonly config: DriverConfig,
  ) {}

  url(pathOrUrl: string): string {
    return new URL(pathOrUrl, this.config.baseUrl).toString();
  }

  /** Loads a page and reads it, whatever it turns out to be. */
  async load(pathOrUrl: string, spec?: ReadSpec): Promise<Loaded> {
    try {
      const response = await this.page.goto(this.url(pathOrUrl), { waitUntil: 'domcontentloaded' });
      return this.loaded(response, spec);
    } catch (e) {
      throw normalizeError(e);
    }
  }

  /**
   * Loads the expected page: retries transient failures, logs in again once when the
   * session has expired, and throws the typed error for any other page.
   */
  async open(pathOrUrl: string, exp: Expectation): Promise<PageReading> {
    let relogged = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const loaded = await this.load(pathOrUrl, exp.spec);
        if (exp.is(loaded.reading)) return loaded.reading;
        throw classify(loaded, exp);
      } catch (e) {
        const err = normalizeError(e);
        if (err instanceof SessionExpired && !relogged) {
          relogged = true;
          await this.config.relogin();
          continue;
        }
        if (err instanceof Transient && attempt < this.config.retries) {
          await sleep(this.config.retryDelayMs * (attempt + 1));
          continue;
        }
        if (err instanceof Transient) exhausted.add(err);
        throw err;
      }
    }
  }

  /** Performs an action that submits a form and reads where it leads, whatever it is. */
  async submitRaw(action: () => Promise<void>, spec?: ReadSpec): Promise<Loaded> {
    try {
      // Registered before the click: the navigation can start while click() is resolving.
      const navigation = this.page.waitForNavigation({ waitUntil: 'domcontentloaded' });
      navigation.catch(() => undefined);
      await action();
      const response = await navigation;
      return await this.loaded(response, spec);
    } catch (e) {
      throw normalizeError(e);
    }
  }

  /** Submits and expects a page; no retry here (the operation decides, after re-reading). */
  async submit(action: () => Promise<void>, exp: Expectation): Promise<PageReading> {
    const loaded = await this.submitRaw(action, exp.spec);
    if (exp.is(loaded.reading)) return loaded.reading;
    throw classify(loaded, exp);
  }

  private async loaded(response: Response | null, spec?: ReadSpec): Promise<Loaded> {
    const reading = await readPage(this.page, spec);
    const retryAfterMs = retryAfter(response);
    return {
      reading,
      status: response?.status() ?? 0,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
  }
}
