import {
  InvalidCredentials,
  maskEmail,
  RateLimited,
  Transient,
  UnexpectedPage,
  type PinterestError,
} from '../../errors';
import type { ChallengeKind, LoginResult } from '../../types';
import type { Loaded, PageDriver } from '../driver';
import { parseRole, SITE } from './site';

export const LOGIN_SELECTORS = {
  path: SITE.loginPath,
  heading: SITE.headings.login,
  email: 'Email',
  password: 'Password',
  submit: 'Log in',
  code: 'Verification code',
  verify: 'Verify',
  challengeHeadings: {
    'Two-factor authentication': 'TWO_FACTOR',
    "Confirm it's you": 'SUSPICIOUS_LOGIN',
  } as Readonly<Record<string, ChallengeKind>>,
  homeHeading: 'Business Manager',
  businessesTable: 'Your businesses',
  columns: { name: 'Name', id: 'Business ID', role: 'Your role' },
  messages: {
    tooMany: /too many attempts/i,
    wrongPassword: /password you entered is incorrect/i,
    unknownAccount: /doesn't belong to an account/i,
    wrongCode: /code isn't right/i,
    codeExpired: /code expired/i,
  },
} as const;

const S = LOGIN_SELECTORS;
const SPEC = { tables: [S.businessesTable] };

export type LoginOutcome =
  | { kind: 'home'; result: LoginResult }
  | { kind: 'challenge'; challenge: ChallengeKind }
  | { kind: 'failed'; error: PinterestError };

/** The login form, the code step after it, and the page a good login lands on. */
export class LoginPage {
  constructor(private readonly driver: PageDriver) {}

  private get page() {
    return this.driver.page;
  }

  async submitPassword(email: string, password: string): Promise<LoginOutcome> {
    const loaded = await this.driver.load(S.path, SPEC);
    // Already logged in, or an error page: nothing to type.
    if (loaded.reading.h1 !== S.heading) return this.interpret(loaded, email);
    await this.page.getByLabel(S.email, { exact: true }).fill(email);
    await this.page.getByLabel(S.password, { exact: true }).fill(password);
    const after = await this.driver.submitRaw(
      () => this.page.getByRole('button', { name: S.submit, exact: true }).click(),
      SPEC,
    );
    return this.interpret(after, email);
  }

  async submitCode(email: string, code: string): Promise<LoginOutcome> {
    await this.page.getByLabel(S.code, { exact: true }).fill(code);
    const after = await this.driver.submitRaw(
      () => this.page.getByRole('button', { name: S.verify, exact: true }).click(),
      SPEC,
    );
    return this.interpret(after, email);
  }

  private interpret(loaded: Loaded, email: string): LoginOutcome {
    const { reading, status } = loaded;
    const who = maskEmail(email);
    const alert = reading.alerts.join(' ');
    if (reading.h1 === S.homeHeading) {
      const rows = reading.tables[S.businessesTable] ?? [];
      const c = S.columns;
      return {
        kind: 'home',
        result: {
          email,
          businesses: rows.map((row) => ({
            id: row[c.id]?.text ?? '',
            name: row[c.name]?.text ?? '',
            role: parseRole(row[c.role]?.text ?? '', reading.url),
          })),
        },
      };
    }
    const challenge = S.challengeHeadings[reading.h1];
    if (challenge) {
      if (S.messages.wrongCode.test(alert)) {
        return {
          kind: 'failed',
          error: new InvalidCredentials(
            `the verification code for ${who} was refused`,
            'verification_code',
          ),
        };
      }
      return { kind: 'challenge', challenge };
    }
    if (S.messages.tooMany.test(alert) || status === 429) {
      return {
        kind: 'failed',
        error: new RateLimited(
          `too many login attempts for ${who}; try again later`,
          loaded.retryAfterMs,
        ),
      };
    }
    if (S.messages.wrongPassword.test(alert)) {
      return {
        kind: 'failed',
        error: new InvalidCredentials(`the password for ${who} was refused`, 'password'),
      };
    }
    if (S.messages.unknownAccount.test(alert)) {
      return {
        kind: 'failed',
        error: new InvalidCredentials(`no Pinterest account for ${who}`, 'unknown_account'),
      };
    }
    if (S.messages.codeExpired.test(alert)) {
      return {
        kind: 'failed',
        error: new InvalidCredentials(
          `the verification code for ${who} expired`,
          'verification_code',
        ),
      };
    }
    if (status >= 500 || reading.h1 === SITE.headings.serverError) {
      return { kind: 'failed', error: new Transient(`Pinterest answered ${status} during login`) };
    }
    return {
      kind: 'failed',
      error: new UnexpectedPage(reading.url, 'the login form or Business Manager', reading.h1),
    };
  }
}
