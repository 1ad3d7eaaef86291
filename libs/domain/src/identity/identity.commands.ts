import type { GuestEndReason, GuestKind } from './identity.events';
import type { IdentityPatchOperation } from './scim-patch';
import type { ScimUserInput } from './scim-user.parser';

interface IdentityTarget {
  identityId: string;
  /** The caller's workspace: an identity of another workspace is not found. */
  workspaceId: string;
}

export type ProvisionIdentity = IdentityTarget & { type: 'ProvisionIdentity'; user: ScimUserInput };
/** PUT: every attribute is replaced; an `active` left out keeps the status. */
export type ReplaceIdentity = IdentityTarget & { type: 'ReplaceIdentity'; user: ScimUserInput };
export type PatchIdentity = IdentityTarget & {
  type: 'PatchIdentity';
  operations: readonly IdentityPatchOperation[];
};
export type DeleteIdentity = IdentityTarget & { type: 'DeleteIdentity' };

/**
 * An admin invites a guest. `sponsor` is the sponsor identity as its own stream says (null:
 * none in this workspace), read by the caller since no single stream holds both; `now` is
 * the instant `expiresAt` must follow.
 */
export type InviteGuest = IdentityTarget & {
  type: 'InviteGuest';
  guest: {
    name: string;
    email: string;
    kind: GuestKind;
    sponsorIdentityId: string;
    expiresAt: string;
  };
  sponsor: { active: boolean } | null;
  now: string;
};

/**
 * Ends a guest. `guest_expired` ends it only once its `expiresAt` has come by `now`;
 * `sponsor_left` only if `sponsorIdentityId` is its sponsor; both are no-ops on a guest
 * already ended (a scheduler or a saga may fire twice). `guest_ended` is an admin's request.
 */
export type EndGuest = IdentityTarget & {
  type: 'EndGuest';
  reason: GuestEndReason;
  now: string;
  sponsorIdentityId?: string;
};

export type IdentityCommand =
  ProvisionIdentity | ReplaceIdentity | PatchIdentity | DeleteIdentity | InviteGuest | EndGuest;
