import { UnexpectedPage } from '../../errors';
import type { AssetPermission, AssetType, BusinessRole, InviteStatus } from '../../types';

/**
 * Site-wide selectors: URL shapes, the headings of pages any request can land on (login,
 * errors), and the words the UI uses for roles, permissions and statuses. Pointing the
 * adapter at pinterest.com means changing this file and the page files beside it.
 */
export const SITE = {
  loginPath: '/login',
  homePath: '/',
  businessPath: (businessId: string, rest = ''): string =>
    `/business/business-access/${encodeURIComponent(businessId)}/${rest}`,
  headings: {
    login: 'Log in',
    serverError: 'Something went wrong',
    forbidden: "You don't have permission",
    businessNotFound: "We couldn't find that business",
    memberNotFound: "This person isn't part of your business",
    assetNotFound: "We couldn't find that asset",
    partnerNotFound: "We couldn't find that partner",
    notFound: 'Page not found',
  },
} as const;

export const ROLE_LABELS: Readonly<Record<BusinessRole, string>> = {
  MANAGER: 'Manager',
  EMPLOYEE: 'Employee',
};

export const PERMISSION_LABELS: Readonly<Record<AssetPermission, string>> = {
  ADMIN: 'Admin',
  ANALYST: 'Analyst',
  CAMPAIGN_MANAGER: 'Campaign',
  FINANCE_MANAGER: 'Finance',
  AUDIENCE_MANAGER: 'Audience',
  CATALOGS_MANAGER: 'Catalogs',
  PROFILE_PUBLISHER: 'Publisher',
  FINANCE_EDIT: 'Finance edit',
  FINANCE_VIEW: 'Finance view',
  CATALOGS_VIEWER: 'Catalogs viewer',
};

export const ASSET_TYPE_LABELS: Readonly<Record<AssetType, string>> = {
  AD_ACCOUNT: 'Ad account',
  PROFILE: 'Profile',
  CATALOG: 'Catalog',
};

export const INVITE_STATUS_LABELS: Readonly<Record<InviteStatus, string>> = {
  PENDING: 'Pending',
  ACCEPTED: 'Accepted',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
};

function inverse<K extends string>(labels: Readonly<Record<K, string>>): Map<string, K> {
  return new Map(Object.entries(labels).map(([k, v]) => [v as string, k as K]));
}

const ROLE_BY_LABEL = inverse(ROLE_LABELS);
const PERMISSION_BY_LABEL = inverse(PERMISSION_LABELS);
const ASSET_TYPE_BY_LABEL = inverse(ASSET_TYPE_LABELS);
const INVITE_STATUS_BY_LABEL = inverse(INVITE_STATUS_LABELS);

function parseLabel<K extends string>(
  map: Map<string, K>,
  text: string,
  url: string,
  what: string,
): K {
  const value = map.get(text.trim());
  if (value === undefined) throw new UnexpectedPage(url, what, text.trim());
  return value;
}

export const parseRole = (text: string, url: string): BusinessRole =>
  parseLabel(ROLE_BY_LABEL, text, url, 'a business role (Manager or Employee)');

export const parseAssetType = (text: string, url: string): AssetType =>
  parseLabel(ASSET_TYPE_BY_LABEL, text, url, 'an asset type');

export const parseInviteStatus = (text: string, url: string): InviteStatus =>
  parseLabel(INVITE_STATUS_BY_LABEL, text, url, 'an invitation status');

/** "Admin, Analyst" → ['ADMIN', 'ANALYST'] */
export function parsePermissions(text: string, url: string): AssetPermission[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return trimmed
    .split(',')
    .map((label) => parseLabel(PERMISSION_BY_LABEL, label, url, 'a permission name'));
}

/** The last path segment of a link, e.g. a member id from its profile link. */
export function idFromHref(href: string | null, url: string, what: string): string {
  if (!href) throw new UnexpectedPage(url, `a link to ${what}`);
  const segments = new URL(href).pathname.split('/').filter(Boolean);
  const last = segments[segments.length - 1];
  if (!last) throw new UnexpectedPage(url, `a link to ${what}`, href);
  return decodeURIComponent(last);
}

/** "Showing 1–100 of 2,001 people" → 2001 */
export function parseTotal(text: string | null | undefined): number | null {
  const m = /of\s+([\d,]+)/.exec(text ?? '');
  return m ? Number(m[1]!.replace(/,/g, '')) : null;
}

/**
 * "Showing 101–200 of 2,001 people" → { first: 101, last: 200, total: 2001 }: the rows the page
 * says it lists, so a page that lists fewer can be caught. "Showing 0–0 of 0" lists none.
 */
export function parseRange(
  text: string | null | undefined,
): { first: number; last: number; total: number } | null {
  const m = /([\d,]+)\s*[–-]\s*([\d,]+)\s+of\s+([\d,]+)/.exec(text ?? '');
  if (!m) return null;
  const [first, last, total] = [m[1]!, m[2]!, m[3]!].map((n) => Number(n.replace(/,/g, '')));
  return { first: first!, last: last!, total: total! };
}

/** How many rows a range states: "1–100" is 100, "0–0" is none. */
export function rowsInRange(range: { first: number; last: number }): number {
  return range.first > 0 && range.last >= range.first ? range.last - range.first + 1 : 0;
}
