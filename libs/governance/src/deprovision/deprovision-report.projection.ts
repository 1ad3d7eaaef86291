import type {
  AssetGrants,
  BusinessRole,
  CatalogEvent,
  CheckForUpdatesFinished,
  CheckForUpdatesRequested,
  DeprovisionEvent,
  MemberBecameLeaver,
  MemberEvent,
} from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection, ProjectionContext } from '@app/projections';
import type { Document } from '@app/readmodels';
import {
  AWAITING_PROOF,
  evolveReportItem,
  HOLDING,
  leaverProgress,
  REPORT_STATUSES,
  type ReportProgress,
  type ReportStatus,
} from './report-item';

export { REPORT_STATUSES, type ReportStatus } from './report-item';

export interface ReportAsset {
  assetId: string;
  assetName: string | null;
  assetType: string | null;
  permissions: string[];
}

/** One leaver of one integration: what they held, and how far their removal got. */
export interface DeprovisionReportItem extends Document, ReportProgress {
  workspaceId: string;
  integrationId: string;
  memberId: string;
  name: string;
  email: string;
  access: { businessRole: BusinessRole; assets: ReportAsset[] };
  updatedAt: string;
}

/** The item a MemberBecameLeaver writes: the member as last seen, not yet removed. */
export function newReportItem(
  member: Pick<
    DeprovisionReportItem,
    'workspaceId' | 'integrationId' | 'memberId' | 'name' | 'email' | 'access'
  >,
  leaver: MemberBecameLeaver['data'],
  at: string,
): DeprovisionReportItem {
  const { workspaceId, integrationId, memberId, name, email, access } = member;
  const { identityId, leftAt, reason, ...progress } = leaverProgress(leaver);
  // The key order of the documents written before this builder existed.
  return {
    id: memberId,
    workspaceId,
    integrationId,
    memberId,
    name,
    email,
    identityId,
    leftAt,
    reason,
    access,
    ...progress,
    updatedAt: at,
  };
}

/** Per integration: the counts by status, the proof times, the last announcement. */
export interface DeprovisionReportMeta extends Document {
  workspaceId: string;
  integrationId: string;
  counts: Record<ReportStatus, number>;
  /** verifiedRemovalSec of every verified item, ascending (median and max). */
  verifiedRemovalSecs: number[];
  announcement: { lastAt: string; delivered: boolean; notificationId: string } | null;
  lastApply: {
    applyId: string;
    at: string;
    appliedBy: string;
    members: number;
    confirmMassRemoval: boolean;
  } | null;
}

/** What this projection remembers of every member, to say what a leaver held. */
interface MemberShadow extends Document {
  integrationId: string;
  name: string;
  email: string;
  businessRole: BusinessRole;
  assets: AssetGrants;
}

interface AssetShadow extends Document {
  name: string;
  assetType: string;
}

export const DEPROVISION_REPORT = 'deprovision_report';
export const DEPROVISION_REPORT_META = 'deprovision_report_meta';
const MEMBER_SHADOW = 'deprovision_report_members';
const ASSET_SHADOW = 'deprovision_report_assets';

const assetKey = (integrationId: string, assetId: string) => `${integrationId}:${assetId}`;

function emptyCounts(): Record<ReportStatus, number> {
  return Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0])) as Record<ReportStatus, number>;
}

function insertSorted(values: number[], value: number): number[] {
  const out = [...values];
  let i = out.length;
  while (i > 0 && out[i - 1] > value) i -= 1;
  out.splice(i, 0, value);
  return out;
}

async function access(
  ctx: ProjectionContext,
  integrationId: string,
  businessRole: BusinessRole,
  grants: AssetGrants,
): Promise<DeprovisionReportItem['access']> {
  const assets: ReportAsset[] = [];
  for (const [assetId, permissions] of Object.entries(grants)) {
    const asset = await ctx.get<AssetShadow>(ASSET_SHADOW, assetKey(integrationId, assetId));
    assets.push({
      assetId,
      assetName: asset?.name ?? null,
      assetType: asset?.assetType ?? null,
      permissions: [...permissions],
    });
  }
  return { businessRole, assets };
}

/** Writes an item and moves the integration's counts (and proof times) with it. */
async function save(
  ctx: ProjectionContext,
  before: DeprovisionReportItem | null,
  after: DeprovisionReportItem,
): Promise<void> {
  ctx.put<DeprovisionReportItem>(DEPROVISION_REPORT, after);
  if (before?.status === after.status && after.status !== 'verified') return;
  const meta = await metaOf(ctx, after.integrationId, after.workspaceId);
  const counts = { ...meta.counts };
  if (before) counts[before.status] -= 1;
  counts[after.status] += 1;
  let secs = meta.verifiedRemovalSecs;
  if (before?.status === 'verified' && before.verifiedRemovalSec !== null) {
    const i = secs.indexOf(before.verifiedRemovalSec);
    if (i >= 0) secs = [...secs.slice(0, i), ...secs.slice(i + 1)];
  }
  if (after.status === 'verified' && after.verifiedRemovalSec !== null)
    secs = insertSorted(secs, after.verifiedRemovalSec);
  ctx.put<DeprovisionReportMeta>(DEPROVISION_REPORT_META, {
    ...meta,
    counts,
    verifiedRemovalSecs: secs,
  });
}

async function metaOf(
  ctx: ProjectionContext,
  integrationId: string,
  workspaceId: string,
): Promise<DeprovisionReportMeta> {
  return (
    (await ctx.get<DeprovisionReportMeta>(DEPROVISION_REPORT_META, integrationId)) ?? {
      id: integrationId,
      workspaceId,
      integrationId,
      counts: emptyCounts(),
      verifiedRemovalSecs: [],
      announcement: null,
      lastApply: null,
    }
  );
}

async function each(
  ctx: ProjectionContext,
  where: Record<string, unknown>,
  sortField: 'leftAt' | 'id',
  visit: (item: DeprovisionReportItem) => Promise<void>,
): Promise<void> {
  // Collected first: the visits write, and a page must not move under its cursor.
  const items: DeprovisionReportItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.find<DeprovisionReportItem>(DEPROVISION_REPORT, {
      where: where as never,
      sort: [{ field: sortField, direction: 'asc' }],
      limit: 1000,
      cursor,
    });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  for (const item of items) await visit(item);
}

const MEMBER_TYPES = [
  'MemberDiscovered',
  'MemberProfileChanged',
  'MemberBusinessRoleChanged',
  'MemberAssetPermissionsChanged',
  'MemberLeftBusiness',
  'MemberBecameLeaver',
  'MemberReinstated',
  'MemberRemovalRequested',
  'MemberRemoved',
  'MemberRemovalFailed',
] as const;

type Handled =
  | Extract<MemberEvent, { type: (typeof MEMBER_TYPES)[number] }>
  | Extract<CatalogEvent, { type: 'AssetDiscovered' | 'AssetRenamed' }>
  | CheckForUpdatesRequested
  | CheckForUpdatesFinished
  | DeprovisionEvent;

/**
 * The deprovision report, one document per leaver member: pending (left, still on Pinterest)
 * → removing → removed (by us) or absent (gone without us) → verified once a later complete
 * check has read the business without them; failed, blocked (the automation account),
 * reinstated beside. Proof only comes from a check requested after the person was gone and
 * that completed: a check that did not complete read a partial snapshot and proves nothing.
 */
export const deprovisionReportProjection: Projection = {
  name: 'deprovision-report',
  version: 1,
  collections: [
    {
      name: DEPROVISION_REPORT,
      // The report by status, the announcer's pending items (in id order), the whole report,
      // and the items a check will prove.
      indexes: [
        ['integrationId', 'status', 'leftAt'],
        ['integrationId', 'status'],
        ['integrationId', 'leftAt'],
        ['integrationId', 'verificationTaskId'],
      ],
    },
    { name: DEPROVISION_REPORT_META, indexes: [] },
    { name: MEMBER_SHADOW, indexes: [] },
    { name: ASSET_SHADOW, indexes: [] },
  ],
  filter: {
    eventTypes: [
      ...MEMBER_TYPES,
      'AssetDiscovered',
      'AssetRenamed',
      'CheckForUpdatesRequested',
      'CheckForUpdatesFinished',
      'DeprovisionReportApplied',
      'DeprovisionReportAnnounced',
    ],
  },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as Handled;
    const at = recorded.metadata.occurredAt;
    const workspaceId = recorded.metadata.workspaceId;
    switch (event.type) {
      case 'AssetDiscovered':
      case 'AssetRenamed': {
        const id = assetKey(event.data.integrationId, event.data.assetId);
        const current = await ctx.get<AssetShadow>(ASSET_SHADOW, id);
        const assetType =
          event.type === 'AssetDiscovered' ? event.data.assetType : (current?.assetType ?? '');
        ctx.put<AssetShadow>(ASSET_SHADOW, { id, name: event.data.name, assetType });
        return;
      }
      case 'CheckForUpdatesRequested':
        await each(
          ctx,
          { integrationId: event.data.integrationId, status: { in: AWAITING_PROOF } },
          'leftAt',
          (item) => save(ctx, item, { ...evolveReportItem(item, event, at), updatedAt: at }),
        );
        return;
      case 'CheckForUpdatesFinished':
        if (event.data.result !== 'completed') return;
        await each(
          ctx,
          { integrationId: event.data.integrationId, verificationTaskId: event.data.taskId },
          'id',
          async (item) => {
            const next = evolveReportItem(item, event, at);
            if (next !== item) await save(ctx, item, { ...next, updatedAt: at });
          },
        );
        return;
      case 'DeprovisionReportApplied': {
        const d = event.data;
        for (const memberId of d.memberIds) {
          const item = await ctx.get<DeprovisionReportItem>(DEPROVISION_REPORT, memberId);
          if (item) await save(ctx, item, { ...evolveReportItem(item, event, at), updatedAt: at });
        }
        const meta = await metaOf(ctx, d.integrationId, workspaceId);
        ctx.put<DeprovisionReportMeta>(DEPROVISION_REPORT_META, {
          ...meta,
          lastApply: {
            applyId: d.applyId,
            at,
            appliedBy: d.appliedBy,
            members: d.memberIds.length,
            confirmMassRemoval: d.confirmMassRemoval,
          },
        });
        return;
      }
      case 'DeprovisionReportAnnounced': {
        const d = event.data;
        for (const memberId of d.memberIds) {
          const item = await ctx.get<DeprovisionReportItem>(DEPROVISION_REPORT, memberId);
          if (item) await save(ctx, item, { ...evolveReportItem(item, event, at), updatedAt: at });
        }
        const meta = await metaOf(ctx, d.integrationId, workspaceId);
        ctx.put<DeprovisionReportMeta>(DEPROVISION_REPORT_META, {
          ...meta,
          announcement: { lastAt: at, delivered: d.delivered, notificationId: d.notificationId },
        });
        return;
      }
      case 'DeprovisionVerificationRequested':
        return;
      default:
        return onMember(event, recorded, ctx);
    }
  },
};

async function onMember(
  event: Extract<MemberEvent, { type: (typeof MEMBER_TYPES)[number] }>,
  recorded: RecordedEvent,
  ctx: ProjectionContext,
): Promise<void> {
  const at = recorded.metadata.occurredAt;
  const { memberId, integrationId } = event.data;
  const shadow = await ctx.get<MemberShadow>(MEMBER_SHADOW, memberId);
  const item = await ctx.get<DeprovisionReportItem>(DEPROVISION_REPORT, memberId);
  let nextShadow: MemberShadow | null = shadow;
  let next: DeprovisionReportItem | null = item;
  switch (event.type) {
    case 'MemberDiscovered':
      nextShadow = {
        id: memberId,
        integrationId,
        name: event.data.personal.name,
        email: event.data.personal.email,
        businessRole: event.data.businessRole,
        assets: event.data.assets,
      };
      if (item) next = evolveReportItem(item, event, at);
      break;
    case 'MemberProfileChanged':
      if (shadow) nextShadow = { ...shadow, ...event.data.personal };
      if (item) next = { ...item, ...event.data.personal };
      break;
    case 'MemberBusinessRoleChanged':
      if (shadow) nextShadow = { ...shadow, businessRole: event.data.to };
      break;
    case 'MemberAssetPermissionsChanged':
      if (shadow) {
        const assets = { ...shadow.assets };
        if (event.data.to.length > 0) assets[event.data.assetId] = event.data.to;
        else delete assets[event.data.assetId];
        nextShadow = { ...shadow, assets };
      }
      break;
    case 'MemberBecameLeaver':
      next = newReportItem(
        {
          workspaceId: recorded.metadata.workspaceId,
          integrationId,
          memberId,
          name: shadow?.name ?? '',
          email: shadow?.email ?? '',
          access: { businessRole: shadow?.businessRole ?? 'employee', assets: [] },
        },
        event.data,
        at,
      );
      break;
    case 'MemberLeftBusiness':
    case 'MemberReinstated':
    case 'MemberRemovalRequested':
    case 'MemberRemoved':
    case 'MemberRemovalFailed':
      if (item) next = evolveReportItem(item, event, at);
      break;
  }
  if (nextShadow && nextShadow !== shadow) {
    ctx.put<MemberShadow>(MEMBER_SHADOW, nextShadow);
    if (item && next === item && HOLDING.includes(item.status)) next = { ...item };
  }
  if (!next || next === item) return;
  // What a leaver holds follows the member while they hold it; once gone, it stays what it was.
  if (HOLDING.includes(next.status) && nextShadow) {
    next = {
      ...next,
      access: await access(ctx, integrationId, nextShadow.businessRole, nextShadow.assets),
    };
  }
  await save(ctx, item, { ...next, updatedAt: at });
}
