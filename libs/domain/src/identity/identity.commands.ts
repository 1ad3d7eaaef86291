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

export type IdentityCommand = ProvisionIdentity | ReplaceIdentity | PatchIdentity | DeleteIdentity;
