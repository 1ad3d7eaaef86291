import { deprovisionReportStream, integrationStream, type MemberBecameLeaver } from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/eventstore';
import type { Collection, ReadModelStore, Where } from '@app/readmodels';
import {
  evolveReportItem,
  HOLDING,
  leaverProgress,
  type ReportItemEvent,
  type ReportProgress,
  type ReportStatus,
} from '../../deprovision/report-item';
import {
  AUDIT_HISTORY,
  AUDIT_MEMBER_VERSIONS,
  AUDIT_POSITIONS,
  type HistoryDoc,
  type MemberVersionDoc,
  type PositionDoc,
} from '../audit.projection';
import type { AuditService, LogPoint } from '../audit.service';

/** One row of a deprovision report as of a log position. */
export interface ReportRowAt {
  memberId: string;
  name: string;
  email: string;
  identityId: string;
  leftAt: string;
  reason: string;
  status: ReportStatus;
  blockedReason: string | null;
  businessRole: string;
  assets: {
    assetId: string;
    assetName: string | null;
    assetType: string | null;
    permissions: string[];
  }[];
  applyId: string | null;
  removalTaskId: string | null;
  removedAt: string | null;
  verifiedAt: string | null;
  verifiedRemovalSec: number | null;
  lastError: { kind: string; message: string; evidence: string[] } | null;
  announcedAt: string | null;
}

/** An event of the log placed at its audit seq: the member's, the integration's, the report's. */
interface Step {
  seq: number;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

interface ItemState extends ReportProgress {
  memberId: string;
  /** The seq at which the access shown was last followed (while the leaver held it). */
  accessSeq: number | null;
}

const ITEM_EVENTS = new Set<string>([
  'MemberDiscovered',
  'MemberLeftBusiness',
  'MemberReinstated',
  'MemberRemovalRequested',
  'MemberRemoved',
  'MemberRemovalFailed',
  'CheckForUpdatesRequested',
  'CheckForUpdatesFinished',
  'DeprovisionReportApplied',
  'DeprovisionReportAnnounced',
]);
const BATCH = 500;

/**
 * The deprovision report of an integration as it was at a log position, recomputed from the
 * log the way the tabs as of an instant are: each leaver's events from the audit projection's
 * history, the integration's checks and the report's applies and announcements placed at their
 * seq, folded by the same rules as the live report's projection; what a leaver held comes from
 * their member version (the audit projection's) at the last seq they held it. No live read
 * model is read, so more events, a rebuild or a restart cannot change the answer.
 */
export async function deprovisionReportAt(
  readModels: ReadModelStore,
  events: EventStore,
  audit: AuditService,
  integrationId: string,
  point: LogPoint,
): Promise<ReportRowAt[]> {
  if (point.seq === 0) return [];
  const history = readModels.collection<HistoryDoc>(AUDIT_HISTORY);
  // Leavers: a MemberBecameLeaver recorded up to the point (not an access change: change false).
  const leavers = new Set<string>();
  await walk(history, { integrationId, change: false, seq: { lte: point.seq } }, (d) => {
    if (d.type === 'MemberBecameLeaver' && d.memberId) leavers.add(d.memberId);
  });
  if (leavers.size === 0) return [];
  const shared = [
    ...(await streamSteps(readModels, events, integrationStream(integrationId), point.seq)),
    ...(await streamSteps(readModels, events, deprovisionReportStream(integrationId), point.seq)),
  ];
  const rows: ReportRowAt[] = [];
  for (const memberId of [...leavers].sort()) {
    const own: Step[] = [];
    await walk(history, { subject: `member:${memberId}`, seq: { lte: point.seq } }, (d) =>
      own.push({
        seq: d.seq,
        type: d.type,
        occurredAt: d.occurredAt,
        data: (d.data ?? {}) as Record<string, unknown>,
      }),
    );
    const item = fold(
      memberId,
      [...own, ...shared].sort((a, b) => a.seq - b.seq),
      point.seq,
    );
    if (!item) continue;
    rows.push(await withAccess(readModels, audit, integrationId, item, point.seq));
  }
  return rows.sort((a, b) =>
    a.leftAt < b.leftAt ? -1 : a.leftAt > b.leftAt ? 1 : a.memberId < b.memberId ? -1 : 1,
  );
}

/** The live report's rules (evolveReportItem, the projection's own), over one leaver's steps. */
function fold(memberId: string, steps: Step[], upToSeq: number): ItemState | null {
  let item = null as ItemState | null;
  for (const step of steps) {
    const before: ItemState | null = item;
    if (step.type === 'MemberBecameLeaver') {
      item = {
        memberId,
        ...leaverProgress(step.data as unknown as MemberBecameLeaver['data']),
        accessSeq: null,
      };
    } else if (item && ITEM_EVENTS.has(step.type)) {
      item = evolveReportItem(
        item,
        { type: step.type, data: step.data } as unknown as ReportItemEvent,
        step.occurredAt,
      );
    }
    // What a leaver holds follows the member while they hold it; once gone, it stays.
    if (item && before && HOLDING.includes(before.status) && !HOLDING.includes(item.status))
      item = { ...item, accessSeq: step.seq - 1 };
    else if (item && HOLDING.includes(item.status)) item = { ...item, accessSeq: null };
  }
  return item && { ...item, accessSeq: item.accessSeq ?? upToSeq };
}

async function withAccess(
  readModels: ReadModelStore,
  audit: AuditService,
  integrationId: string,
  item: ItemState,
  upToSeq: number,
): Promise<ReportRowAt> {
  const seq = Math.min(item.accessSeq ?? upToSeq, upToSeq);
  const found = await readModels.collection<MemberVersionDoc>(AUDIT_MEMBER_VERSIONS).find({
    where: { memberId: item.memberId, fromSeq: { lte: seq } },
    sort: [{ field: 'fromSeq', direction: 'desc' }],
    limit: 1,
  });
  const doc = found.items[0]?.doc;
  const names = await audit.assetNamesAt(integrationId, seq);
  // The live report's announcementId is not a column of the export.
  const { verificationTaskId: _v, announcementId: _n, accessSeq: _a, ...rest } = item;
  return {
    ...rest,
    name: doc?.name ?? '',
    email: doc?.email ?? '',
    businessRole: doc?.businessRole ?? 'employee',
    assets: Object.entries(doc?.assets ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([assetId, permissions]) => ({
        assetId,
        assetName: names.get(assetId)?.name ?? null,
        assetType: names.get(assetId)?.assetType ?? null,
        permissions: [...permissions],
      })),
  };
}

/** A stream's events up to `upToSeq`, placed at their audit seq (the log's own order). */
async function streamSteps(
  readModels: ReadModelStore,
  events: EventStore,
  stream: string,
  upToSeq: number,
): Promise<Step[]> {
  const positions = readModels.collection<PositionDoc>(AUDIT_POSITIONS);
  const recorded: RecordedEvent[] = await events.readStream(stream);
  const steps: Step[] = [];
  for (const e of recorded) {
    const at = await positions.get(e.position);
    // A stream is in log order: the first event past the point ends it.
    if (!at || at.seq > upToSeq) break;
    steps.push({
      seq: at.seq,
      type: e.type,
      occurredAt: e.metadata.occurredAt,
      data: (e.data ?? {}) as Record<string, unknown>,
    });
  }
  return steps;
}

async function walk(
  collection: Collection<HistoryDoc>,
  where: Where,
  each: (doc: HistoryDoc) => void,
): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await collection.find({
      where,
      sort: [{ field: 'seq', direction: 'asc' }],
      limit: BATCH,
      cursor,
    });
    for (const d of page.items) each(d);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
