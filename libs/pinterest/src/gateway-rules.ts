import { InvalidRequest, maskEmail } from './errors';
import { ASSET_PERMISSIONS, type AssetPermission, type SnapshotGrant } from './types';

// What both adapters (browser and API) decide alike, so that they answer the port the same way.

export const samePermissions = (
  a: readonly AssetPermission[],
  b: readonly AssetPermission[],
): boolean => a.length === b.length && a.every((p) => b.includes(p));

export const sortPermissions = (perms: readonly AssetPermission[]): AssetPermission[] =>
  [...new Set(perms)].sort((x, y) => ASSET_PERMISSIONS.indexOf(x) - ASSET_PERMISSIONS.indexOf(y));

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/** The emails an invitation asks for, trimmed and once each; a malformed one refuses them all. */
export function requestedEmails(emails: readonly string[]): string[] {
  const requested = [...new Set(emails.map((e) => e.trim()).filter(Boolean))];
  const malformed = requested.filter((e) => !EMAIL.test(e));
  if (malformed.length > 0) {
    throw new InvalidRequest(`not email addresses: ${malformed.map(maskEmail).join(', ')}`);
  }
  return requested;
}

/**
 * Collects a snapshot's grants in asset order (then in the order they are placed); a grant on
 * an asset no list showed is left out with a warning.
 */
export function grantsByAsset(
  assetIds: readonly string[],
  warnings: string[],
): { place(grant: SnapshotGrant): void; grants(): SnapshotGrant[] } {
  const byAsset = new Map<string, SnapshotGrant[]>(assetIds.map((id) => [id, []]));
  return {
    place(grant) {
      const list = byAsset.get(grant.assetId);
      if (list) list.push(grant);
      else
        warnings.push(
          `${grant.principalType} ${grant.principalId} has asset ${grant.assetId}, which no asset list shows`,
        );
    },
    grants: () => [...byAsset.values()].flat(),
  };
}
