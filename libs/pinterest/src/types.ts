import type { Evidence } from './errors';

/** Names from Pinterest Business Manager (see DOMAIN.md), as the API spells them. */

export const BUSINESS_ROLES = ['MANAGER', 'EMPLOYEE'] as const;
export type BusinessRole = (typeof BUSINESS_ROLES)[number];

export const ASSET_TYPES = ['AD_ACCOUNT', 'PROFILE', 'CATALOG'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];

export const ASSET_PERMISSIONS = [
  'ADMIN',
  'ANALYST',
  'CAMPAIGN_MANAGER',
  'FINANCE_MANAGER',
  'AUDIENCE_MANAGER',
  'CATALOGS_MANAGER',
  'PROFILE_PUBLISHER',
  // The rest of the API's vocabulary (its Permissions enum). OWNER is not a grant: it names
  // the business that owns an asset (the assets list's filter), so no adapter reads or sets it.
  'FINANCE_EDIT',
  'FINANCE_VIEW',
  'CATALOGS_VIEWER',
] as const;
export type AssetPermission = (typeof ASSET_PERMISSIONS)[number];

export const PERMISSIONS_BY_ASSET_TYPE: Readonly<Record<AssetType, readonly AssetPermission[]>> = {
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

export const INVITE_STATUSES = ['PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED', 'EXPIRED'] as const;
export type InviteStatus = (typeof INVITE_STATUSES)[number];

export interface PinterestCredentials {
  email: string;
  password: string;
  /**
   * Supplies the 6-digit code when Pinterest asks for one (two-factor or a suspicious-login
   * challenge). Without it, login throws ChallengeRequired and resumeLogin takes the code.
   */
  verificationCode?: (challenge: { kind: ChallengeKind }) => Promise<string> | string;
}

export type ChallengeKind = 'TWO_FACTOR' | 'SUSPICIOUS_LOGIN';

export interface LoginResult {
  email: string;
  /** Businesses the account belongs to, with its role in each. */
  businesses: { id: string; name: string; role: BusinessRole }[];
}

export interface SnapshotMember {
  id: string;
  name: string;
  email: string;
  role: BusinessRole;
  /** ISO date-time the person was added. */
  addedAt: string;
  /** How many assets the person can reach, as the Employees table shows it. */
  assetsCount: number;
}

export interface SnapshotInvite {
  email: string;
  role: BusinessRole;
  status: InviteStatus;
  sentAt: string;
}

export interface SnapshotAsset {
  id: string;
  type: AssetType;
  name: string;
}

export interface SnapshotPartnerPerson {
  id: string;
  name: string;
  email: string;
}

export interface SnapshotPartner {
  /** The partner's business ID. */
  id: string;
  name: string;
  /** The partner's people, or null when they cannot be seen from our business. */
  people: SnapshotPartnerPerson[] | null;
}

export type PrincipalType = 'MEMBER' | 'PARTNER';

export interface SnapshotGrant {
  principalType: PrincipalType;
  /** Member id, or the partner's business ID. */
  principalId: string;
  assetId: string;
  permissions: AssetPermission[];
}

export interface BusinessSnapshot {
  businessId: string;
  businessName: string;
  /** ISO time the snapshot started. */
  takenAt: string;
  members: SnapshotMember[];
  /** Invitations still waiting for an answer (status PENDING). */
  pendingInvites: SnapshotInvite[];
  /** Every invitation listed, whatever its status. */
  invites: SnapshotInvite[];
  assets: SnapshotAsset[];
  partners: SnapshotPartner[];
  grants: SnapshotGrant[];
  /** Inconsistencies seen while reading (e.g. a change made during the snapshot). */
  warnings: string[];
  /**
   * True only when the reading found nothing amiss: the Employees list stated its count, every
   * page listed the rows its count states, and no warning was raised. Someone absent from an
   * incomplete snapshot may simply not have been read: it proves no departure.
   */
  complete: boolean;
  /** Screenshot, page HTML and trace of what made the snapshot incomplete; empty when complete. */
  evidence: Evidence[];
}

export type SnapshotPhase = 'business' | 'members' | 'assets' | 'partners';

export interface SnapshotProgress {
  phase: SnapshotPhase;
  done: number;
  /** Unknown until the first page of a list is read. */
  total: number | null;
}

export interface SnapshotOptions {
  onProgress?: (progress: SnapshotProgress) => void;
}

export interface RemoveMemberResult {
  memberId: string;
  outcome: 'removed' | 'already_absent';
  /** Who the page says removed them, when it names someone other than us. */
  removedBy?: string;
}

export interface InviteMembersResult {
  results: { email: string; outcome: 'invited' | 'already_invited' | 'already_member' }[];
}

export interface ChangeRoleResult {
  memberId: string;
  role: BusinessRole;
  outcome: 'changed' | 'unchanged';
}

export interface SetAssetPermissionsResult {
  memberId: string;
  assetId: string;
  permissions: AssetPermission[];
  outcome: 'granted' | 'updated' | 'removed' | 'unchanged';
}

export interface CancelInviteResult {
  email: string;
  outcome: 'cancelled' | 'already_absent';
}
