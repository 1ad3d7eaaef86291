import type { DomainEvent } from '../shared/decider';
import type { IdentityAttributeName, IdentityPersonalData } from './identity.attributes';

interface IdentityRef {
  /** The SCIM resource id. */
  identityId: string;
  workspaceId: string;
}

/** A user created by the IdP; `active: false` when it arrives already deactivated. */
export type IdentityProvisioned = DomainEvent<
  'IdentityProvisioned',
  IdentityRef & { externalId: string | null; active: boolean; personal: IdentityPersonalData }
>;

/**
 * Attributes changed by a PUT or a PATCH. `changed` lists them; each one is present with its
 * whole new value (`emails` is the full new list), so a consumer never needs the old state to
 * know the new one. `active` never changes here: see Deprovisioned / Reactivated.
 */
export type IdentityUpdated = DomainEvent<
  'IdentityUpdated',
  IdentityRef & {
    changed: IdentityAttributeName[];
    externalId?: string | null;
    personal?: Partial<IdentityPersonalData>;
  }
>;

export type GuestKind = 'guest' | 'local_partner';

/**
 * A person outside the corporate directory given an identity by an admin: a guest user or a
 * local partner, vouched for by a sponsor (an active identity of the workspace) until
 * `expiresAt`. Not the IdP's: SCIM neither lists nor changes it.
 */
export type GuestIdentityInvited = DomainEvent<
  'GuestIdentityInvited',
  IdentityRef & {
    kind: GuestKind;
    sponsorIdentityId: string;
    expiresAt: string;
    personal: IdentityPersonalData;
  }
>;

/** Why a guest stopped being active: its end came, its sponsor left the IdP, or an admin ended it. */
export type GuestEndReason = 'guest_expired' | 'sponsor_left' | 'guest_ended';

/**
 * The identity is no longer active: `deactivated` (active=false, still readable and
 * reactivatable) or `deleted` (SCIM DELETE: gone from the API, its history stays in the log).
 * A DELETE of an already deactivated identity records a second one with `deleted`. A guest
 * ends with a `GuestEndReason` and stays listed, inactive.
 */
export type IdentityDeprovisioned = DomainEvent<
  'IdentityDeprovisioned',
  IdentityRef & { reason: 'deactivated' | 'deleted' | GuestEndReason }
>;

/** active went from false back to true. */
export type IdentityReactivated = DomainEvent<'IdentityReactivated', IdentityRef>;

export type IdentityEvent =
  | IdentityProvisioned
  | GuestIdentityInvited
  | IdentityUpdated
  | IdentityDeprovisioned
  | IdentityReactivated;

export const IDENTITY_EVENT_TYPES: readonly IdentityEvent['type'][] = [
  'IdentityProvisioned',
  'GuestIdentityInvited',
  'IdentityUpdated',
  'IdentityDeprovisioned',
  'IdentityReactivated',
];

export const IDENTITY_CATEGORY = 'identity';
export const identityStream = (identityId: string): string => `${IDENTITY_CATEGORY}-${identityId}`;
