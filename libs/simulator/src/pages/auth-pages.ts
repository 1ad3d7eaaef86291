import type { ChallengeKind } from '../auth';
import { html } from '../html';
import { layout, type Viewer } from './layout';

export const LOGIN_MESSAGES = {
  wrongPassword: 'The password you entered is incorrect. Try again or reset your password.',
  unknownEmail: "The email you entered doesn't belong to an account.",
  tooMany: 'Too many attempts. Try again later',
  wrongCode: "That code isn't right. Check the code and try again.",
  codeExpired: 'Your code expired. Log in again to get a new one.',
} as const;

/** The login form. The password is never echoed back, only the email. */
export function loginPage(opts: { email?: string; error?: string; next?: string }): string {
  return layout({
    title: 'Log in',
    body: html`<h1>Log in</h1>
      <p>Welcome to Pinterest Business</p>
      ${opts.error ? html`<p role="alert">${opts.error}</p>` : ''}
      <form method="post" action="/login">
        <input type="hidden" name="next" value="${opts.next ?? '/'}" />
        <label for="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="username"
          required
          value="${opts.email ?? ''}"
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
        />
        <p><button type="submit" class="primary">Log in</button></p>
      </form>`,
  });
}

export const CHALLENGE_TITLES: Record<ChallengeKind, string> = {
  TWO_FACTOR: 'Two-factor authentication',
  SUSPICIOUS_LOGIN: "Confirm it's you",
};

export function verifyPage(opts: {
  kind: ChallengeKind;
  maskedEmail: string;
  error?: string;
}): string {
  const intro =
    opts.kind === 'TWO_FACTOR'
      ? `We sent a 6-digit code to ${opts.maskedEmail}. Enter it to finish logging in.`
      : `We noticed a login from a device we don't recognise. We sent a 6-digit code to ${opts.maskedEmail}.`;
  return layout({
    title: CHALLENGE_TITLES[opts.kind],
    body: html`<h1>${CHALLENGE_TITLES[opts.kind]}</h1>
      <p>${intro}</p>
      ${opts.error ? html`<p role="alert">${opts.error}</p>` : ''}
      <form method="post" action="/login/verify">
        <label for="code">Verification code</label>
        <input
          id="code"
          name="code"
          inputmode="numeric"
          autocomplete="one-time-code"
          pattern="[0-9]{6}"
          maxlength="6"
          required
        />
        <p><button type="submit" class="primary">Verify</button></p>
      </form>`,
  });
}

export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export interface ErrorPageInput {
  title: string;
  message: string;
  viewer?: Viewer;
  /** A hint under the message, e.g. who removed the person. */
  note?: string;
}

export function errorPage(e: ErrorPageInput): string {
  return layout({
    title: e.title,
    viewer: e.viewer,
    body: html`<h1>${e.title}</h1>
      <p>${e.message}</p>
      ${e.note ? html`<p role="note">${e.note}</p>` : ''}
      <p><a href="/">Go to Business Manager</a></p>`,
  });
}

export const ERROR_PAGES = {
  businessNotFound: {
    title: "We couldn't find that business",
    message: "It doesn't exist, or your account isn't part of it.",
  },
  memberNotFound: {
    title: "This person isn't part of your business",
    message: 'They may have been removed already.',
  },
  assetNotFound: {
    title: "We couldn't find that asset",
    message: "It doesn't exist, or you don't have access to it.",
  },
  partnerNotFound: { title: "We couldn't find that partner", message: 'Check the business ID.' },
  notFound: { title: 'Page not found', message: "We couldn't find that page." },
  forbidden: {
    title: "You don't have permission",
    message: 'Only a Manager of this business can do that. Ask a Manager for access.',
  },
  serverError: { title: 'Something went wrong', message: 'Try again in a few minutes.' },
  badRequest: { title: "We couldn't do that", message: '' },
} as const;
