import type { DomainEvent } from '../shared/decider';
import type { AssetGrants, AssetPermission, BusinessRole } from '../pinterest/business';

/** Personal data sits under `personal` so that it can later be encrypted per person and forgotten. */
export interface MemberPersonalData {
  name: string;
  email: string;
}

interface MemberRef {
  memberId: string;
  integrationId: string;
}

export type MatchHow = 'auto' | 'manual';

export type MemberDiscovered = DomainEvent<
  'MemberDiscovered',
  MemberRef & {
    pinterestUserId: string;
    personal: MemberPersonalData;
    businessRole: BusinessRole;
    assets: AssetGrants;
  }
>;
export type MemberProfileChanged = DomainEvent<
  'MemberProfileChanged',
  MemberRef & { personal: MemberPersonalData }
>;
export type MemberBusinessRoleChanged = DomainEvent<
  'MemberBusinessRoleChanged',
  MemberRef & { from: BusinessRole; to: BusinessRole }
>;
export type MemberAssetPermissionsChanged = DomainEvent<
  'MemberAssetPermissionsChanged',
  MemberRef & { assetId: string; from: AssetPermission[]; to: AssetPermission[] }
>;
/** Gone from Pinterest without the service asking: every permission they had ends here. */
export type MemberLeftBusiness = DomainEvent<
  'MemberLeftBusiness',
  MemberRef & { businessRole: BusinessRole; revokedAssets: AssetGrants }
>;
export type MemberMatched = DomainEvent<
  'MemberMatched',
  MemberRef & { identityId: string; how: MatchHow; rule: string }
>;
export type MemberMatchAmbiguous = DomainEvent<
  'MemberMatchAmbiguous',
  MemberRef & { candidates: string[]; rule: string }
>;
export type MemberAmbiguityCleared = DomainEvent<'MemberAmbiguityCleared', MemberRef>;

export type MemberEvent =
  | MemberDiscovered
  | MemberProfileChanged
  | MemberBusinessRoleChanged
  | MemberAssetPermissionsChanged
  | MemberLeftBusiness
  | MemberMatched
  | MemberMatchAmbiguous
  | MemberAmbiguityCleared;

export const MEMBER_EVENT_TYPES: readonly MemberEvent['type'][] = [
  'MemberDiscovered',
  'MemberProfileChanged',
  'MemberBusinessRoleChanged',
  'MemberAssetPermissionsChanged',
  'MemberLeftBusiness',
  'MemberMatched',
  'MemberMatchAmbiguous',
  'MemberAmbiguityCleared',
];

export const memberStream = (memberId: string): string => `member-${memberId}`;
