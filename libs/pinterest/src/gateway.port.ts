import type {
  BusinessRole,
  BusinessSnapshot,
  CancelInviteResult,
  ChangeRoleResult,
  AssetPermission,
  InviteMembersResult,
  LoginResult,
  PinterestCredentials,
  RemoveMemberResult,
  SetAssetPermissionsResult,
  SnapshotOptions,
} from './types';

/** Nest injection token for the gateway. */
export const PINTEREST_BUSINESS_GATEWAY = Symbol('PinterestBusinessGateway');

/**
 * How the service acts on Pinterest Business Manager: as one login account (the automation
 * account, a Manager), the way a person would. One gateway holds one login session; make one
 * gateway per automation account.
 *
 * Every change is verified by reading the page again and is idempotent: asking for a state
 * that already holds succeeds and says so in its `outcome`. Failures are PinterestError
 * subclasses (see errors.ts) carrying the evidence kept.
 */
export interface PinterestBusinessGateway {
  /** @throws InvalidCredentials | ChallengeRequired | RateLimited | Transient | UnexpectedPage */
  login(credentials: PinterestCredentials): Promise<LoginResult>;

  /** Finishes a login that threw ChallengeRequired, with the 6-digit code. */
  resumeLogin(code: string): Promise<LoginResult>;

  /** Reads members, invitations, assets, partners and every grant of one business. */
  fetchSnapshot(businessId: string, options?: SnapshotOptions): Promise<BusinessSnapshot>;

  /** Removes a person and, with them, every asset permission they had. */
  removeMember(businessId: string, memberId: string): Promise<RemoveMemberResult>;

  inviteMembers(
    businessId: string,
    emails: readonly string[],
    role: BusinessRole,
  ): Promise<InviteMembersResult>;

  changeRole(businessId: string, memberId: string, role: BusinessRole): Promise<ChangeRoleResult>;

  /** Sets exactly these permissions on the asset; an empty list removes the person's access. */
  setAssetPermissions(
    businessId: string,
    memberId: string,
    assetId: string,
    permissions: readonly AssetPermission[],
  ): Promise<SetAssetPermissionsResult>;

  cancelInvite(businessId: string, email: string): Promise<CancelInviteResult>;

  /** Ends the login session (the browser stays up for other gateways). */
  logout(): Promise<void>;

  /** Ends the session and releases the browser. */
  close(): Promise<void>;
}
