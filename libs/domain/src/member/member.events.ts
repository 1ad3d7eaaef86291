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
/**
 * How a requested change ended, said on the change event the saga records (absent on changes
 * a check observed): `changed` by our click, or `already_done` when Pinterest already showed it.
 */
export interface ChangeAnswer {
  taskId: string;
  outcome: 'changed' | 'already_done';
  afterInterruptedAttempt: boolean;
}

export type MemberBusinessRoleChanged = DomainEvent<
  'MemberBusinessRoleChanged',
  MemberRef & { from: BusinessRole; to: BusinessRole } & Partial<ChangeAnswer>
>;
export type MemberAssetPermissionsChanged = DomainEvent<
  'MemberAssetPermissionsChanged',
  MemberRef & {
    assetId: string;
    from: AssetPermission[];
    to: AssetPermission[];
  } & Partial<ChangeAnswer>
>;
/** Gone from Pinterest without the service asking: every permission they had ends here. */
export type MemberLeftBusiness = DomainEvent<
  'MemberLeftBusiness',
  MemberRef & { businessRole: BusinessRole; revokedAssets: AssetGrants }
>;
export type MemberMatched = DomainEvent<
  'MemberMatched',
  MemberRef & { identityId: string; how: MatchHow; rule: string; role?: MatchRole }
>;
export type MemberMatchAmbiguous = DomainEvent<
  'MemberMatchAmbiguous',
  MemberRef & { candidates: string[]; rule: string }
>;
export type MemberAmbiguityCleared = DomainEvent<'MemberAmbiguityCleared', MemberRef>;

export type MatchRole = 'owner' | 'collaborator';

/** What a failed step on Pinterest left behind (the task keeps the same). */
export interface ActionFailure {
  kind: string;
  message: string;
  evidence: string[];
}

/** `expiresAt` (absent: no end): when the exemption ends by itself. */
export type MemberExempted = DomainEvent<
  'MemberExempted',
  MemberRef & { reason: string; expiresAt?: string }
>;
export type MemberUnexempted = DomainEvent<'MemberUnexempted', MemberRef>;
/** The exemption's `expiresAt` came: back to the Unmatched tab, matchable again. */
export type MemberExemptionExpired = DomainEvent<
  'MemberExemptionExpired',
  MemberRef & { reason: 'exemption_expired'; expiresAt: string }
>;

/** The saga's steps: requested → attempted (n times) → one outcome. */
export type MemberRemovalRequested = DomainEvent<
  'MemberRemovalRequested',
  MemberRef & { taskId: string }
>;
export type MemberInviteRequested = DomainEvent<
  'MemberInviteRequested',
  MemberRef & { taskId: string; identityId: string; email: string; businessRole: BusinessRole }
>;
export type MemberBusinessRoleChangeRequested = DomainEvent<
  'MemberBusinessRoleChangeRequested',
  MemberRef & { taskId: string; from: BusinessRole; to: BusinessRole }
>;
export type MemberAssetPermissionsChangeRequested = DomainEvent<
  'MemberAssetPermissionsChangeRequested',
  MemberRef & { taskId: string; assetId: string; from: AssetPermission[]; to: AssetPermission[] }
>;
export type MemberActionAttempted = DomainEvent<
  'MemberActionAttempted',
  MemberRef & { taskId: string; attempt: number }
>;
export type MemberActionAttemptFailed = DomainEvent<
  'MemberActionAttemptFailed',
  MemberRef & { taskId: string; attempt: number; failure: ActionFailure; retryAt: string }
>;
/**
 * What the saga saw when a request turned out to be already done on Pinterest: whether an
 * earlier attempt of ours had been cut off before it (it may have done it), and who the page
 * says did it, when it says so (then it was not us).
 */
export interface AlreadyDone {
  afterInterruptedAttempt: boolean;
  removedBy?: string;
}

/** Schema 2: `already_absent` says whether it followed an interrupted attempt of ours. */
export type MemberRemoved = DomainEvent<
  'MemberRemoved',
  MemberRef & {
    taskId: string;
    businessRole: BusinessRole;
    revokedAssets: AssetGrants;
  } & ({ outcome: 'removed' } | ({ outcome: 'already_absent' } & AlreadyDone))
>;
export type MemberRemovalFailed = DomainEvent<
  'MemberRemovalFailed',
  MemberRef & { taskId: string; attempts: number; failure: ActionFailure }
>;
/** Schema 2: an `already_…` outcome says whether it followed an interrupted attempt of ours. */
export type MemberInvited = DomainEvent<
  'MemberInvited',
  MemberRef & { taskId: string; email: string } & (
      | { outcome: 'invited' }
      | { outcome: 'already_invited' | 'already_member'; afterInterruptedAttempt: boolean }
    )
>;
export type MemberInviteFailed = DomainEvent<
  'MemberInviteFailed',
  MemberRef & { taskId: string; attempts: number; failure: ActionFailure }
>;
/** A later check saw the invited email join the business (or the invite end). */
export type MemberInviteClaimed = DomainEvent<'MemberInviteClaimed', MemberRef & { email: string }>;
export type MemberInviteExpired = DomainEvent<
  'MemberInviteExpired',
  MemberRef & { email: string; status: 'DECLINED' | 'CANCELLED' | 'EXPIRED' }
>;
export type MemberUpdateFailed = DomainEvent<
  'MemberUpdateFailed',
  MemberRef & { taskId: string; attempts: number; failure: ActionFailure }
>;
export type MemberAccountConnected = DomainEvent<
  'MemberAccountConnected',
  MemberRef & { credentialsRef: string }
>;
export type MemberAccountConnectionFailed = DomainEvent<
  'MemberAccountConnectionFailed',
  MemberRef & { reason: string }
>;

export type MemberActionEvent =
  | MemberExempted
  | MemberUnexempted
  | MemberExemptionExpired
  | MemberRemovalRequested
  | MemberInviteRequested
  | MemberBusinessRoleChangeRequested
  | MemberAssetPermissionsChangeRequested
  | MemberActionAttempted
  | MemberActionAttemptFailed
  | MemberRemoved
  | MemberRemovalFailed
  | MemberInvited
  | MemberInviteFailed
  | MemberInviteClaimed
  | MemberInviteExpired
  | MemberUpdateFailed
  | MemberAccountConnected
  | MemberAccountConnectionFailed;

export const MEMBER_ACTION_REQUEST_TYPES = [
  'MemberRemovalRequested',
  'MemberInviteRequested',
  'MemberBusinessRoleChangeRequested',
  'MemberAssetPermissionsChangeRequested',
] as const;

export type MemberEvent =
  | MemberActionEvent
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
  'MemberExempted',
  'MemberUnexempted',
  'MemberExemptionExpired',
  ...MEMBER_ACTION_REQUEST_TYPES,
  'MemberActionAttempted',
  'MemberActionAttemptFailed',
  'MemberRemoved',
  'MemberRemovalFailed',
  'MemberInvited',
  'MemberInviteFailed',
  'MemberInviteClaimed',
  'MemberInviteExpired',
  'MemberUpdateFailed',
  'MemberAccountConnected',
  'MemberAccountConnectionFailed',
];

export const memberStream = (memberId: string): string => `member-${memberId}`;
