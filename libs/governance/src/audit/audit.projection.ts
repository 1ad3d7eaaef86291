import type { AssetGrants } from '@app/domain';
import type { Position, RecordedEvent } from '@app/eventstore';
import { streamCategory } from '@app/eventstore';
import type { Projection, ProjectionContext } from '@app/projections';
import type { Document, FindOptions, Page, Where } from '@app/readmodels';
import {
  MEMBER_TAB_COUNTS,
  MEMBERS,
  type MemberDoc,
  type MemberTabCountsDoc,
  membersProjection,
} from '../read-models/members.projection';
import { summarize } from './audit-summary';

/**
 * The log, indexed for questions about the past. Positions are opaque, so they cannot be
 * ordered in a read model: this projection numbers every event it sees (`seq`, 1, 2, …, in
 * log order, the same numbers on every rebuild because it reads the whole log in order) and
 * keeps, per event, its position and `recordedAt`. Every as-of structure below is keyed by
 * `seq`, and an instant or a position is turned into a `seq` by one index lookup.
 */

/** position → seq, recordedAt: instants and positions from the wire become a `seq`. */
export const AUDIT_POSITIONS = 'audit_positions';
/** One entry per member, identity or partner event: the histories and access changes. */
export const AUDIT_HISTORY = 'audit_history';
/** The members read model's document, versioned: valid for fromSeq ≤ seq < toSeq. */
export const AUDIT_MEMBER_VERSIONS = 'audit_member_versions';
/** Who could act on the business (scope `business`) or on an asset, from when to when. */
export const AUDIT_ACCESS_INTERVALS = 'audit_access_intervals';
/** The tab counts of an integration after each change of them. */
export const AUDIT_TAB_COUNTS = 'audit_tab_counts';
/** Asset names after each discovery or rename. */
export const AUDIT_ASSET_NAMES = 'audit_asset_names';
/** A partner's reach (assets, people), versioned like the members. */
export const AUDIT_PARTNER_VERSIONS = 'audit_partner_versions';
/** Members ever matched to an identity, for the identity's history. */
export const AUDIT_IDENTITY_LINKS = 'audit_identity_links';
/** The projection's own working state: the counter, the current member and count documents. */
const AUDIT_STATE = 'audit_state';

/** `toSeq` of a version or interval still open. */
export const OPEN = Number.MAX_SAFE_INTEGER;

export interface PositionDoc extends Document {
  seq: number;
  recordedAt: string;
}

export interface HistoryDoc extends Document {
  workspaceId: string;
  /** `member:<id>`, `identity:<id>` or `partner:<integrationId>:<partnerId>`. */
  subject: string;
  integrationId: string | null;
  memberId: string | null;
  /** Whether access changes list it (grants, revocations, role changes, matches, …). */
  change: boolean;
  /** Assets the event touches, for the access-changes filter. */
  assetIds: string[];
  seq: number;
  position: Position;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: string;
  /** The key behind `actor` (its person is resolved when read, so that erasure reaches it). */
  actorKeyId: string | null;
  reason: string | null;
  correlationId: string;
  causationId: string | null;
  summary: string;
  data: unknown;
}

export interface MemberVersionDoc extends Document {
  workspaceId: string;
  integrationId: string;
  memberId: string;
  tab: MemberDoc['tab'];
  name: string;
  fromSeq: number;
  toSeq: number;
  doc: MemberDoc;
}

/** When and how an access began or ended. */
export interface AccessMark {
  seq: number;
  position: Position;
  at: string;
  by: string;
  /** `requested` through the service (a saga's outcome), else `observed` on Pinterest. */
  how: 'observed' | 'requested';
}

export interface AccessIntervalDoc extends Document {
  workspaceId: string;
  integrationId: string;
  memberId: string;
  /** `business`, or an asset id. */
  scope: string;
  /** The business role (scope `business`) or the asset's permissions during the interval. */
  access: string[];
  fromSeq: number;
  toSeq: number;
  granted: AccessMark;
  revoked: AccessMark | null;
  /** Start of the unbroken access this interval continues (a permission change keeps it). */
  since: AccessMark;
}

export interface TabCountsVersionDoc extends Document {
  integrationId: string;
  seq: number;
  unmatched: number;
  onboarded: number;
  exempted: number;
}

export interface AssetNameDoc extends Document {
  integrationId: string;
  assetId: string;
  fromSeq: number;
  name: string;
  assetType: string | null;
}

export interface PartnerVersionDoc extends Document {
  workspaceId: string;
  integrationId: string;
  partnerId: string;
  name: string;
  assets: AssetGrants;
  people: { name: string; email: string }[];
  fromSeq: number;
  toSeq: number;
  since: AccessMark;
}

interface CounterDoc extends Document {
  seq: number;
}
/** Where a member's open version and open access intervals are (their documents hold the rest). */
interface MemberStateDoc extends Document {
  versionId: string;
  /** scope → id of the open interval. */
  intervals: Record<string, string>;
}
interface PartnerStateDoc extends Document {
  versionId: string;
}

/** Event types that access changes list (unknown member types are history, not changes). */
const CHANGE_TYPES = new Set([
  'MemberDiscovered',
  'MemberBusinessRoleChanged',
  'MemberAssetPermissionsChanged',
  'MemberLeftBusiness',
  'MemberMatched',
  'MemberExempted',
  'MemberUnexempted',
  'MemberRemoved',
  'PartnerDiscovered',
  'PartnerAccessChanged',
]);

const seqId = (seq: number): string => String(seq).padStart(16, '0');

const markOf = (event: RecordedEvent, seq: number): AccessMark => ({
  seq,
  position: event.position,
  at: event.recordedAt,
  by: event.metadata.actor,
  how: typeof (event.data as { taskId?: unknown }).taskId === 'string' ? 'requested' : 'observed',
});

function assetIdsOf(data: Record<string, unknown>): string[] {
  const ids = new Set<string>();
  if (typeof data.assetId === 'string') ids.add(data.assetId);
  for (const key of ['assets', 'revokedAssets', 'from', 'to']) {
    const grants = data[key];
    if (grants && typeof grants === 'object' && !Array.isArray(grants)) {
      for (const id of Object.keys(grants)) ids.add(id);
    }
  }
  return [...ids].sort();
}

/** The members projection's own fold, run against this projection's copy of its documents. */
function membersContext(
  ctx: ProjectionContext,
  current: MemberDoc | null,
  written: { member?: MemberDoc; counts?: MemberTabCountsDoc },
): ProjectionContext {
  const refuse = (): never => {
    throw new Error('the members fold reads by id only');
  };
  return {
    async get<T extends Document>(collection: string, id: string): Promise<T | null> {
      if (collection === MEMBERS) {
        if (written.member?.id === id) return written.member as unknown as T;
        // The fold reads only the member of the event: `current` (null for a new one).
        return (current?.id === id ? current : null) as T | null;
      }
      if (collection === MEMBER_TAB_COUNTS) {
        if (written.counts?.id === id) return written.counts as unknown as T;
        return ctx
          .get<T>(AUDIT_STATE, `counts:${id}`)
          .then((d) => (d ? ({ ...d, id } as T) : null));
      }
      return refuse();
    },
    put<T extends Document>(collection: string, doc: T): void {
      if (collection === MEMBERS) written.member = doc as unknown as MemberDoc;
      else if (collection === MEMBER_TAB_COUNTS)
        written.counts = doc as unknown as MemberTabCountsDoc;
      else refuse();
    },
    delete: refuse,
    find: refuse as <T extends Document>(c: string, o: FindOptions) => Promise<Page<T>>,
    count: refuse as (c: string, w?: Where) => Promise<number>,
  };
}

async function nameOfAsset(
  ctx: ProjectionContext,
  integrationId: string,
  assetId: string,
): Promise<string> {
  const current = await ctx.get<{ id: string; name: string }>(
    AUDIT_STATE,
    `asset:${integrationId}:${assetId}`,
  );
  return current?.name || `asset ${assetId}`;
}

async function summaryOf(
  ctx: ProjectionContext,
  event: RecordedEvent,
  integrationId: string | null,
  subjectName: string,
): Promise<string> {
  const data = (event.data ?? {}) as Record<string, unknown>;
  const names = new Map<string, string>();
  for (const assetId of assetIdsOf(data)) {
    names.set(
      assetId,
      integrationId ? await nameOfAsset(ctx, integrationId, assetId) : `asset ${assetId}`,
    );
  }
  return summarize(event.type, data, {
    actor: event.metadata.actor,
    subjectName,
    assetName: (id) => names.get(id) ?? `asset ${id}`,
  });
}

function historyDoc(
  event: RecordedEvent,
  seq: number,
  subject: string,
  fields: { integrationId: string | null; memberId: string | null; summary: string },
): HistoryDoc {
  const data = (event.data ?? {}) as Record<string, unknown>;
  return {
    id: seqId(seq),
    workspaceId: event.metadata.workspaceId,
    subject,
    integrationId: fields.integrationId,
    memberId: fields.memberId,
    change: CHANGE_TYPES.has(event.type),
    assetIds: assetIdsOf(data),
    seq,
    position: event.position,
    type: event.type,
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.recordedAt,
    actor: event.metadata.actor,
    actorKeyId: typeof event.metadata.actorKeyId === 'string' ? event.metadata.actorKeyId : null,
    reason: typeof data.reason === 'string' ? data.reason : null,
    correlationId: event.metadata.correlationId,
    causationId: event.metadata.causationId,
    summary: fields.summary,
    data: event.data,
  };
}

/** Access held per scope: the business role while present, and each asset's permissions. */
function accessOf(doc: MemberDoc | null): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!doc || !doc.present) return out;
  out.set('business', [doc.businessRole]);
  for (const [assetId, perms] of Object.entries(doc.assets)) {
    if (perms.length > 0) out.set(assetId, [...perms]);
  }
  return out;
}

async function moveIntervals(
  ctx: ProjectionContext,
  event: RecordedEvent,
  seq: number,
  before: MemberDoc | null,
  after: MemberDoc,
  openIntervals: Record<string, string>,
): Promise<Record<string, string>> {
  const intervals = { ...openIntervals };
  const was = accessOf(before);
  const now = accessOf(after);
  const mark = markOf(event, seq);
  for (const scope of new Set([...was.keys(), ...now.keys()])) {
    const old = was.get(scope);
    const next = now.get(scope);
    if (old && next && old.join(',') === next.join(',')) continue;
    const open = intervals[scope];
    let since = mark;
    if (open) {
      const current = await ctx.get<AccessIntervalDoc>(AUDIT_ACCESS_INTERVALS, open);
      if (current) {
        ctx.put<AccessIntervalDoc>(AUDIT_ACCESS_INTERVALS, {
          ...current,
          toSeq: seq,
          revoked: mark,
        });
        since = current.since;
      }
    }
    if (next) {
      const id = `${after.id}:${scope}:${seqId(seq)}`;
      ctx.put<AccessIntervalDoc>(AUDIT_ACCESS_INTERVALS, {
        id,
        workspaceId: after.workspaceId,
        integrationId: after.integrationId,
        memberId: after.id,
        scope,
        access: next,
        fromSeq: seq,
        toSeq: OPEN,
        granted: mark,
        revoked: null,
        since: old ? since : mark,
      });
      intervals[scope] = id;
    } else {
      delete intervals[scope];
    }
  }
  return intervals;
}

/** Fields of a member document that differ between two versions, `updatedAt` aside. */
const sameVersion = (a: MemberDoc, b: MemberDoc): boolean =>
  JSON.stringify({ ...a, updatedAt: null }) === JSON.stringify({ ...b, updatedAt: null });

async function handleMember(ctx: ProjectionContext, event: RecordedEvent, seq: number) {
  const data = event.data as { memberId: string; integrationId: string; identityId?: string };
  const state = await ctx.get<MemberStateDoc>(AUDIT_STATE, `member:${data.memberId}`);
  const open = state
    ? await ctx.get<MemberVersionDoc>(AUDIT_MEMBER_VERSIONS, state.versionId)
    : null;
  const before = open?.doc ?? null;
  const written: { member?: MemberDoc; counts?: MemberTabCountsDoc } = {};
  await membersProjection.handle(event, membersContext(ctx, before, written));
  const after = written.member ?? before;

  ctx.put<HistoryDoc>(
    AUDIT_HISTORY,
    historyDoc(event, seq, `member:${data.memberId}`, {
      integrationId: data.integrationId,
      memberId: data.memberId,
      summary: await summaryOf(
        ctx,
        event,
        data.integrationId,
        after?.name ?? before?.name ?? `member ${data.memberId}`,
      ),
    }),
  );
  if (event.type === 'MemberMatched' && typeof data.identityId === 'string') {
    ctx.put(AUDIT_IDENTITY_LINKS, {
      id: `${data.identityId}:${data.memberId}`,
      identityId: data.identityId,
      memberId: data.memberId,
    });
  }
  if (written.counts) {
    const { id, unmatched, onboarded, exempted } = written.counts;
    ctx.put(AUDIT_STATE, { ...written.counts, id: `counts:${id}` });
    ctx.put<TabCountsVersionDoc>(AUDIT_TAB_COUNTS, {
      id: `${id}:${seqId(seq)}`,
      integrationId: id,
      seq,
      unmatched,
      onboarded,
      exempted,
    });
  }
  // An event that changes nothing but `updatedAt` (an attempt, a repeated observation) opens
  // no version: as of an instant, a member shows the `updatedAt` of its last real change.
  if (!written.member || !after || (before && sameVersion(before, after))) return;
  const versionId = `${after.id}:${seqId(seq)}`;
  if (open) ctx.put<MemberVersionDoc>(AUDIT_MEMBER_VERSIONS, { ...open, toSeq: seq });
  ctx.put<MemberVersionDoc>(AUDIT_MEMBER_VERSIONS, {
    id: versionId,
    workspaceId: after.workspaceId,
    integrationId: after.integrationId,
    memberId: after.id,
    tab: after.tab,
    name: after.name,
    fromSeq: seq,
    toSeq: OPEN,
    doc: after,
  });
  const intervals = await moveIntervals(ctx, event, seq, before, after, state?.intervals ?? {});
  ctx.put<MemberStateDoc>(AUDIT_STATE, { id: `member:${after.id}`, versionId, intervals });
}

async function handleIdentity(ctx: ProjectionContext, event: RecordedEvent, seq: number) {
  const data = event.data as {
    identityId: string;
    personal?: { userName?: string; displayName?: string | null };
  };
  const key = `identity:${data.identityId}`;
  const known = await ctx.get<{ id: string; name: string }>(AUDIT_STATE, key);
  const name =
    data.personal?.displayName ?? data.personal?.userName ?? known?.name ?? data.identityId;
  if (name !== known?.name) ctx.put(AUDIT_STATE, { id: key, name });
  ctx.put<HistoryDoc>(
    AUDIT_HISTORY,
    historyDoc(event, seq, key, {
      integrationId: null,
      memberId: null,
      summary: await summaryOf(ctx, event, null, name),
    }),
  );
}

async function handleBusiness(ctx: ProjectionContext, event: RecordedEvent, seq: number) {
  const data = event.data as {
    integrationId: string;
    assetId?: string;
    assetType?: string;
    name?: string;
    partnerId?: string;
    assets?: AssetGrants;
    to?: AssetGrants;
    people?: { name: string; email: string }[];
  };
  if ((event.type === 'AssetDiscovered' || event.type === 'AssetRenamed') && data.assetId) {
    const stateId = `asset:${data.integrationId}:${data.assetId}`;
    const known = await ctx.get<{ id: string; assetType: string | null }>(AUDIT_STATE, stateId);
    const assetType = data.assetType ?? known?.assetType ?? null;
    ctx.put(AUDIT_STATE, { id: stateId, name: data.name ?? '', assetType });
    ctx.put<AssetNameDoc>(AUDIT_ASSET_NAMES, {
      id: `${data.integrationId}:${data.assetId}:${seqId(seq)}`,
      integrationId: data.integrationId,
      assetId: data.assetId,
      fromSeq: seq,
      name: data.name ?? '',
      assetType,
    });
    return;
  }
  if (event.type !== 'PartnerDiscovered' && event.type !== 'PartnerAccessChanged') return;
  if (!data.partnerId) return;
  const stateId = `partner:${data.integrationId}:${data.partnerId}`;
  const state = await ctx.get<PartnerStateDoc>(AUDIT_STATE, stateId);
  const open = state
    ? await ctx.get<PartnerVersionDoc>(AUDIT_PARTNER_VERSIONS, state.versionId)
    : null;
  const name = data.name ?? open?.name ?? data.partnerId;
  ctx.put<HistoryDoc>(
    AUDIT_HISTORY,
    historyDoc(event, seq, stateId, {
      integrationId: data.integrationId,
      memberId: null,
      summary: await summaryOf(ctx, event, data.integrationId, name),
    }),
  );
  const assets = (event.type === 'PartnerDiscovered' ? data.assets : data.to) ?? {};
  if (open) ctx.put<PartnerVersionDoc>(AUDIT_PARTNER_VERSIONS, { ...open, toSeq: seq });
  if (Object.keys(assets).length === 0) {
    ctx.delete(AUDIT_STATE, stateId);
    return;
  }
  const versionId = `${data.integrationId}:${data.partnerId}:${seqId(seq)}`;
  ctx.put<PartnerVersionDoc>(AUDIT_PARTNER_VERSIONS, {
    id: versionId,
    workspaceId: event.metadata.workspaceId,
    integrationId: data.integrationId,
    partnerId: data.partnerId,
    name,
    assets,
    people: (data.people ?? []).map((p) => ({ name: p.name, email: p.email })),
    fromSeq: seq,
    toSeq: OPEN,
    since: open?.since ?? markOf(event, seq),
  });
  ctx.put<PartnerStateDoc>(AUDIT_STATE, { id: stateId, versionId });
}

export const auditProjection: Projection = {
  name: 'audit',
  // Its member versions are the members projection's fold: a change of that fold rebuilds both.
  version: 1000 * membersProjection.version + 2,
  collections: [
    // Events appended together share their recordedAt: `seq` orders them.
    { name: AUDIT_POSITIONS, indexes: [['recordedAt', 'seq']] },
    {
      name: AUDIT_HISTORY,
      indexes: [
        ['subject', 'seq'],
        ['integrationId', 'change', 'seq'],
        ['workspaceId', 'change', 'seq'],
      ],
    },
    {
      name: AUDIT_MEMBER_VERSIONS,
      indexes: [
        ['integrationId', 'tab', 'name'],
        ['integrationId', 'toSeq'],
        ['memberId', 'fromSeq'],
      ],
    },
    {
      name: AUDIT_ACCESS_INTERVALS,
      indexes: [['integrationId', 'scope', 'toSeq']],
    },
    { name: AUDIT_TAB_COUNTS, indexes: [['integrationId', 'seq']] },
    { name: AUDIT_ASSET_NAMES, indexes: [['integrationId', 'fromSeq']] },
    { name: AUDIT_PARTNER_VERSIONS, indexes: [['integrationId', 'toSeq']] },
    { name: AUDIT_IDENTITY_LINKS, indexes: [['identityId']] },
    { name: AUDIT_STATE, indexes: [] },
  ],
  // Every event: the numbering must count the whole log so that each position has its seq.
  filter: {},
  async handle(event: RecordedEvent, ctx: ProjectionContext) {
    const counter = await ctx.get<CounterDoc>(AUDIT_STATE, 'seq');
    const seq = (counter?.seq ?? 0) + 1;
    ctx.put<CounterDoc>(AUDIT_STATE, { id: 'seq', seq });
    ctx.put<PositionDoc>(AUDIT_POSITIONS, {
      id: event.position,
      seq,
      recordedAt: event.recordedAt,
    });
    switch (streamCategory(event.stream)) {
      case 'member':
        return handleMember(ctx, event, seq);
      case 'identity':
        return handleIdentity(ctx, event, seq);
      case 'business':
        return handleBusiness(ctx, event, seq);
    }
  },
};
