import {
  deprovisionReportStream,
  integrationStream,
  type MemberRemoved,
  removalIsOurs,
} from '@app/domain';
import type { EventStore, RecordedEvent } from '@app/eventstore';
import type { Collection, ReadModelStore, Where } from '@app/readmodels';
import type { ReportStatus } from '../../deprovision/deprovision-report.projection';
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

interface ItemState extends Omit<ReportRowAt, 'name' | 'email' | 'businessRole' | 'assets'> {
  verificationTaskId: string | null;
  /** The seq at which the access shown was last followed (while the leaver held it). */
  accessSeq: number | null;
}

const AWAITING_PROOF: ReportStatus[] = ['removed', 'absent'];
const HOLDING: ReportStatus[] = ['pending', 'failed', 'blocked', 'removing', 'reinstated'];
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

/** The live projection's rules (deprovision-report.projection.ts), over one leaver's steps. */
function fold(memberId: string, steps: Step[], upToSeq: number): ItemState | null {
  let item = null as ItemState | null;
  for (const step of steps) {
    const d = step.data;
    const at = step.occurredAt;
    const before: ItemState | null = item;
    switch (step.type) {
      case 'MemberBecameLeaver': {
        const automation = d.automationAccount === true;
        item = {
          memberId,
          identityId: String(d.identityId),
          leftAt: String(d.leftAt),
          reason: String(d.reason),
          status: automation ? 'blocked' : 'pending',
          blockedReason: automation ? 'automation_account' : null,
          applyId: null,
          removalTaskId: null,
          removedAt: null,
          verifiedAt: null,
          verifiedRemovalSec: null,
          lastError: null,
          announcedAt: null,
          verificationTaskId: null,
          accessSeq: null,
        };
        break;
      }
      case 'MemberDiscovered':
        if (item && ['removed', 'absent', 'verified'].includes(item.status)) {
          item = {
            ...item,
            status: 'pending',
            removedAt: null,
            verifiedAt: null,
            verifiedRemovalSec: null,
            verificationTaskId: null,
          };
        }
        break;
      case 'MemberLeftBusiness':
        if (item && HOLDING.includes(item.status) && item.status !== 'reinstated')
          item = { ...item, status: 'absent', removedAt: at };
        break;
      case 'MemberReinstated':
        if (item) item = { ...item, status: 'reinstated' };
        break;
      case 'MemberRemovalRequested':
        if (item && HOLDING.includes(item.status))
          item = { ...item, status: 'removing', removalTaskId: String(d.taskId), lastError: null };
        break;
      case 'MemberRemoved':
        if (item && HOLDING.includes(item.status)) {
          item = {
            ...item,
            status: removalIsOurs(d as unknown as MemberRemoved['data']) ? 'removed' : 'absent',
            removalTaskId: String(d.taskId),
            removedAt: at,
          };
        }
        break;
      case 'MemberRemovalFailed':
        if (item) {
          const failure = d.failure as { kind: string; message: string; evidence: string[] };
          item = {
            ...item,
            status: 'failed',
            removalTaskId: String(d.taskId),
            lastError: { kind: failure.kind, message: failure.message, evidence: failure.evidence },
          };
        }
        break;
      case 'CheckForUpdatesRequested':
        if (item && AWAITING_PROOF.includes(item.status))
          item = { ...item, verificationTaskId: String(d.taskId) };
        break;
      case 'CheckForUpdatesFinished':
        if (
          item &&
          d.result === 'completed' &&
          AWAITING_PROOF.includes(item.status) &&
          item.verificationTaskId === d.taskId
        ) {
          const sec = Math.max(0, Math.round((Date.parse(at) - Date.parse(item.leftAt)) / 1000));
          item = {
            ...item,
            status: 'verified',
            verifiedAt: at,
            verifiedRemovalSec: sec,
            verificationTaskId: null,
          };
        }
        break;
      case 'DeprovisionReportApplied': {
        const ids = d.memberIds as string[];
        const i = ids.indexOf(memberId);
        if (item && i >= 0)
          item = { ...item, applyId: String(d.applyId), removalTaskId: (d.taskIds as string[])[i] };
        break;
      }
      case 'DeprovisionReportAnnounced':
        if (item && (d.memberIds as string[]).includes(memberId))
          item = { ...item, announcedAt: at };
        break;
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
  const { verificationTaskId: _v, accessSeq: _a, ...rest } = item;
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
