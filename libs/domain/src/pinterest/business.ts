/**
 * Pinterest Business Manager as the domain sees it: what a check observes. The gateway's
 * snapshot is mapped into these types, so the domain does not depend on how it was read.
 */
export type BusinessRole = 'employee' | 'manager';

export type AssetType = 'AD_ACCOUNT' | 'PROFILE' | 'CATALOG';

export const AD_ACCOUNT_PERMISSIONS = [
  'ADMIN',
  'ANALYST',
  'CAMPAIGN_MANAGER',
  'FINANCE_MANAGER',
  'AUDIENCE_MANAGER',
  'CATALOGS_MANAGER',
  'FINANCE_EDIT',
  'FINANCE_VIEW',
] as const;
export const PROFILE_PERMISSIONS = ['PROFILE_PUBLISHER'] as const;
export const CATALOG_PERMISSIONS = ['CATALOGS_MANAGER', 'CATALOGS_VIEWER'] as const;

export type AssetPermission =
  | (typeof AD_ACCOUNT_PERMISSIONS)[number]
  | (typeof PROFILE_PERMISSIONS)[number]
  | (typeof CATALOG_PERMISSIONS)[number];

export function permissionsFor(type: AssetType): readonly AssetPermission[] {
  switch (type) {
    case 'AD_ACCOUNT':
      return AD_ACCOUNT_PERMISSIONS;
    case 'PROFILE':
      return PROFILE_PERMISSIONS;
    case 'CATALOG':
      return CATALOG_PERMISSIONS;
  }
}

/** assetId → permissions, permissions sorted, assets with no permission left out. */
export type AssetGrants = Record<string, AssetPermission[]>;

export interface ObservedMember {
  pinterestUserId: string;
  name: string;
  email: string;
  businessRole: BusinessRole;
  assets: AssetGrants;
}

export interface ObservedInvite {
  email: string;
  role: BusinessRole;
  status: 'PENDING' | 'ACCEPTED' | 'DECLINED' | 'CANCELLED' | 'EXPIRED';
}

export interface ObservedAsset {
  assetId: string;
  type: AssetType;
  name: string;
}

export interface ObservedPartner {
  partnerId: string;
  name: string;
  assets: AssetGrants;
  people: { id: string; name: string; email: string }[];
}

export interface ObservedBusiness {
  businessId: string;
  members: ObservedMember[];
  invites: ObservedInvite[];
  assets: ObservedAsset[];
  partners: ObservedPartner[];
  /**
   * Whether the reading knows it saw everyone (the list's own count agreed, nothing amiss).
   * Only a complete observation can tell that someone absent from it has left.
   */
  complete: boolean;
  /** What the reading found amiss, in words; empty when complete. */
  warnings: string[];
  /** Where what made it incomplete was kept: screenshots, page HTML, traces. */
  evidence: string[];
}

/** Canonical form: sorted permissions, no empty entries, so equal grants compare equal. */
export function normalizeGrants(grants: Record<string, readonly string[]>): AssetGrants {
  const out: AssetGrants = {};
  for (const assetId of Object.keys(grants).sort()) {
    const perms = [...new Set(grants[assetId])].sort() as AssetPermission[];
    if (perms.length > 0) out[assetId] = perms;
  }
  return out;
}

export function samePermissions(
  a: readonly string[] | undefined,
  b: readonly string[] | undefined,
): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((p, i) => p === y[i]);
}

/** Per asset, the permissions before and after, for every asset whose permissions differ. */
export function diffGrants(
  before: AssetGrants,
  after: AssetGrants,
): { assetId: string; from: AssetPermission[]; to: AssetPermission[] }[] {
  const ids = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return ids
    .filter((id) => !samePermissions(before[id], after[id]))
    .map((id) => ({ assetId: id, from: before[id] ?? [], to: after[id] ?? [] }));
}
