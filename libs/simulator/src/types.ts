/**
 * The simulator's vocabulary. It imitates an external system (Pinterest Business Manager), so
 * it keeps its own copy of these names instead of importing the gateway's: the two sides
 * must agree through the web pages only, as they would against pinterest.com.
 */

export const ROLES = ['MANAGER', 'EMPLOYEE'] as const;
export type Role = (typeof ROLES)[number];

export const ASSET_TYPES = ['AD_ACCOUNT', 'PROFILE', 'CATALOG'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const PERMISSIONS = [
  'ADMIN',
  'ANALYST',
  'CAMPAIGN_MANAGER',
  'FINANCE_MANAGER',
  'AUDIENCE_MANAGER',
  'CATALOGS_MANAGER',
  'PROFILE_PUBLISHER',
  // The rest of the API's vocabulary (Pinterest's Permissions enum).
  'FINANCE_EDIT',
  'FINANCE_VIEW',
  'CATALOGS_VIEWER',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const INVITE_STATUSES = ['PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED'] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];

/** Which permissions Business Manager offers on each kind of asset. */
export const PERMISSIONS_BY_ASSET_TYPE: Readonly<Record<AssetType, readonly Permission[]>> = {
  AD_ACCOUNT: [
    'ADMIN',
    'ANALYST',
    'CAMPAIGN_MANAGER',
    'FINANCE_MANAGER',
    'AUDIENCE_MANAGER',
    'CATALOGS_MANAGER',
    'FINANCE_EDIT',
    'FINANCE_VIEW',
  ],
  PROFILE: ['PROFILE_PUBLISHER'],
  CATALOG: ['CATALOGS_MANAGER', 'CATALOGS_VIEWER'],
};

/**
 * What the generator picks from: the permissions known before the API's full vocabulary, so
 * that a seed generates the same business it always did.
 */
export const GENERATED_PERMISSIONS_BY_ASSET_TYPE: Readonly<
  Record<AssetType, readonly Permission[]>
> = {
  AD_ACCOUNT: PERMISSIONS_BY_ASSET_TYPE.AD_ACCOUNT.slice(0, 6),
  PROFILE: ['PROFILE_PUBLISHER'],
  CATALOG: ['CATALOGS_MANAGER'],
};

/** Pinterest's own words in the UI. */
export const PERMISSION_LABELS: Readonly<Record<Permission, string>> = {
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

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  MANAGER: 'Manager',
  EMPLOYEE: 'Employee',
};

export const INVITE_STATUS_LABELS: Readonly<Record<InviteStatus, string>> = {
  PENDING: 'Pending',
  ACCEPTED: 'Accepted',
  DECLINED: 'Declined',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired',
};

export const ASSET_TYPE_LABELS: Readonly<Record<AssetType, string>> = {
  AD_ACCOUNT: 'Ad account',
  PROFILE: 'Profile',
  CATALOG: 'Catalog',
};

// ---- fixture: the JSON accepted by POST /__sim/reset and returned by GET /__sim/state ----

export interface MemberFixture {
  id: string;
  name: string;
  email: string;
  role: Role;
  /** Members with a password can log in. */
  password?: string;
  twoFactor?: boolean;
  /** ISO date; defaults to the time the fixture is loaded. */
  addedAt?: string;
}

export interface InviteFixture {
  email: string;
  role: Role;
  status: InviteStatus;
  sentAt?: string;
}

export interface AssetFixture {
  id: string;
  type: AssetType;
  name: string;
}

export interface GrantFixture {
  memberId: string;
  assetId: string;
  permissions: Permission[];
}

export interface PartnerGrantFixture {
  assetId: string;
  permissions: Permission[];
}

export interface PartnerPersonFixture {
  id: string;
  name: string;
  email: string;
}

export interface PartnerFixture {
  id: string;
  name: string;
  grants: PartnerGrantFixture[];
  /** The partner's people; absent when our monitor account cannot see into the partner. */
  members?: PartnerPersonFixture[];
}

export interface BusinessFixture {
  id: string;
  name: string;
  members: MemberFixture[];
  invites?: InviteFixture[];
  assets?: AssetFixture[];
  grants?: GrantFixture[];
  partners?: PartnerFixture[];
}

export interface SimulatorFixture {
  businesses: BusinessFixture[];
}

// ---- control API ----

export type LogAction =
  'remove_member' | 'invite' | 'change_role' | 'set_asset_permissions' | 'cancel_invite';

/** Which door a change came through: the web pages or the REST API. */
export type LogChannel = 'ui' | 'api';

export interface LogEntry {
  at: string;
  channel: LogChannel;
  businessId: string;
  action: LogAction;
  /** Member id, or the invited email for invite / cancel_invite. */
  target: string;
  /** Email of the login account that made the change. */
  by: string;
  details?: Record<string, unknown>;
}

export interface Faults {
  /** Added before every UI response. */
  latencyMs: number;
  /** How many of the next UI requests fail with failStatus. */
  failNext: number;
  failStatus: number;
  /** The next successful password login meets the "suspicious login" challenge. */
  challengeNextLogin: boolean;
  /** The next login attempt is refused with "Too many attempts". */
  rateLimitNextLogin: boolean;
  /**
   * How many of the next renders of the Employees list silently leave out their last row,
   * while the count on the page still states every person: a partial read to be caught.
   */
  hideRows: number;
  /** How many of the next REST API calls answer 429 with `Retry-After: 1`. */
  rateLimitApi: number;
  /** How many of the next REST API calls fail with failStatus (a server error by default). */
  failNextApi: number;
}

export type FaultsInput = Partial<Faults> & {
  /** One-shot: ends every open session now. */
  expireSessions?: boolean;
  /** One-shot: every API access token issued so far is past its expiry (refresh tokens stay). */
  expireTokens?: boolean;
  /** One-shot: revokes the tokens of one app (its clientId), or of every app (`true`). */
  revokeToken?: boolean | string;
};

export interface GenerateRequest {
  businessId: string;
  name?: string;
  members: number;
  adAccounts: number;
  profiles?: number;
  catalogs?: number;
  grantsPerMember: number;
  partners: number;
  seed: number;
  invites?: number;
  /** The Manager login the generated business is driven with. */
  managerEmail?: string;
  managerPassword?: string;
}
