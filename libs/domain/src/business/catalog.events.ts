import type { DomainEvent } from '../shared/decider';
import type { AssetGrants, AssetType, BusinessRole, ObservedInvite } from '../pinterest/business';

export interface PartnerPerson {
  id: string;
  name: string;
  email: string;
}

export type AssetDiscovered = DomainEvent<
  'AssetDiscovered',
  { integrationId: string; assetId: string; assetType: AssetType; name: string }
>;
export type AssetRenamed = DomainEvent<
  'AssetRenamed',
  { integrationId: string; assetId: string; name: string }
>;
export type AssetGone = DomainEvent<'AssetGone', { integrationId: string; assetId: string }>;
export type PartnerDiscovered = DomainEvent<
  'PartnerDiscovered',
  {
    integrationId: string;
    partnerId: string;
    name: string;
    assets: AssetGrants;
    people: PartnerPerson[];
  }
>;
export type PartnerAccessChanged = DomainEvent<
  'PartnerAccessChanged',
  {
    integrationId: string;
    partnerId: string;
    from: AssetGrants;
    to: AssetGrants;
    people: PartnerPerson[];
  }
>;
export type InvitationObserved = DomainEvent<
  'InvitationObserved',
  {
    integrationId: string;
    email: string;
    role: BusinessRole;
    status: ObservedInvite['status'];
    previousStatus: ObservedInvite['status'] | null;
  }
>;

export type CatalogEvent =
  | AssetDiscovered
  | AssetRenamed
  | AssetGone
  | PartnerDiscovered
  | PartnerAccessChanged
  | InvitationObserved;

/** Assets, partners and invitations of one integration's business. */
export const businessStream = (integrationId: string): string => `business-${integrationId}`;
