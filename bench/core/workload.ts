import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '@app/eventstore';

/**
 * The synthetic log: streams named like the product's (`member-…`, `identity-…`, …), event
 * types per category, data of about 300 bytes of JSON and the full metadata envelope.
 */
const CATEGORIES = [
  {
    name: 'member',
    share: 6,
    types: ['MemberDiscovered', 'MemberRoleChanged', 'MemberAssetGranted'],
  },
  {
    name: 'identity',
    share: 2,
    types: ['IdentityProvisioned', 'IdentityUpdated', 'IdentityLinked'],
  },
  { name: 'asset', share: 1, types: ['AssetDiscovered', 'AssetPermissionChanged'] },
  { name: 'integration', share: 1, types: ['SyncStarted', 'SyncCompleted'] },
];
const SHARES = CATEGORIES.reduce((sum, c) => sum + c.share, 0);
const ROLES = ['owner', 'admin', 'collaborator', 'analyst'];

export function streamName(index: number): string {
  return `${categoryOf(index).name}-${index.toString(36).padStart(4, '0')}x${index}`;
}

function categoryOf(index: number) {
  let slot = index % SHARES;
  for (const category of CATEGORIES) {
    if (slot < category.share) return category;
    slot -= category.share;
  }
  return CATEGORIES[0];
}

const WORKSPACE = 'ws-7f3a2c1e-bench';
const OCCURRED = new Date('2026-03-01T09:00:00.000Z').getTime();

/** One event of stream `streamIndex` at `revision`; ~300 bytes of data JSON. */
export function makeEvent(streamIndex: number, revision: number): NewEvent {
  const category = categoryOf(streamIndex);
  const type = category.types[revision % category.types.length];
  const n = streamIndex * 1000 + revision;
  const data = {
    subjectId: `${category.name}-${streamIndex}`,
    businessId: 'biz-549755813888',
    email: `person.${streamIndex}@example-company.com`,
    displayName: `Person Number ${streamIndex}`,
    role: ROLES[n % ROLES.length],
    assets: [
      { id: `ad-${(n * 7919) % 100000}`, kind: 'ad_account', permission: 'ADMIN' },
      { id: `pf-${(n * 104729) % 100000}`, kind: 'profile', permission: 'VIEW' },
    ],
    observedAt: new Date(OCCURRED + n * 1000).toISOString(),
    source: 'pinterest-sync',
    sequence: revision,
  };
  const metadata: EventMetadata = {
    workspaceId: WORKSPACE,
    actor: 'pinterest',
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: data.observedAt,
    schemaVersion: 1,
  };
  return { id: randomUUID(), type, data, metadata };
}
