import {
  type CheckForUpdatesFinished,
  type CheckForUpdatesRequested,
  type DeprovisionEvent,
  type MemberBecameLeaver,
  type MemberEvent,
  removalIsOurs,
} from '@app/domain';

export type ReportStatus =
  'pending' | 'removing' | 'removed' | 'verified' | 'absent' | 'failed' | 'blocked' | 'reinstated';

export const REPORT_STATUSES: readonly ReportStatus[] = [
  'pending',
  'removing',
  'removed',
  'verified',
  'absent',
  'failed',
  'blocked',
  'reinstated',
];

/** Items whose removal ended and wait for a complete check to prove it. */
export const AWAITING_PROOF: ReportStatus[] = ['removed', 'absent'];
/** Items still holding access: what they hold follows what checks observe. */
export const HOLDING: ReportStatus[] = ['pending', 'failed', 'blocked', 'removing', 'reinstated'];

/** How far one leaver's removal got: what the live report and the export as of a point share. */
export interface ReportProgress {
  identityId: string;
  leftAt: string;
  reason: string;
  status: ReportStatus;
  /** Why the item is blocked (`automation_account`), else null. */
  blockedReason: string | null;
  applyId: string | null;
  removalTaskId: string | null;
  removedAt: string | null;
  verifiedAt: string | null;
  verifiedRemovalSec: number | null;
  lastError: { kind: string; message: string; evidence: string[] } | null;
  announcedAt: string | null;
  announcementId: string | null;
  /** The check asked for after this person was gone: its completion is the proof. */
  verificationTaskId: string | null;
}

/** The events that move a leaver's progress once they are a leaver. */
export type ReportItemEvent =
  | Extract<
      MemberEvent,
      {
        type:
          | 'MemberDiscovered'
          | 'MemberLeftBusiness'
          | 'MemberReinstated'
          | 'MemberRemovalRequested'
          | 'MemberRemoved'
          | 'MemberRemovalFailed';
      }
    >
  | CheckForUpdatesRequested
  | CheckForUpdatesFinished
  | Extract<DeprovisionEvent, { type: 'DeprovisionReportApplied' | 'DeprovisionReportAnnounced' }>;

/** The progress of someone who just became a leaver. */
export function leaverProgress(data: MemberBecameLeaver['data']): ReportProgress {
  const automation = data.automationAccount === true;
  return {
    identityId: data.identityId,
    leftAt: data.leftAt,
    reason: data.reason,
    status: automation ? 'blocked' : 'pending',
    blockedReason: automation ? 'automation_account' : null,
    applyId: null,
    removalTaskId: null,
    removedAt: null,
    verifiedAt: null,
    verifiedRemovalSec: null,
    lastError: null,
    announcedAt: null,
    announcementId: null,
    verificationTaskId: null,
  };
}

/**
 * The report's status rules, one event at a time: pending (left, still on Pinterest) → removing
 * → removed (by us) or absent (gone without us) → verified once a check requested after they
 * were gone completed; failed, blocked, reinstated beside. The item itself comes back when the
 * event changes nothing, so callers can tell. Both the live projection and the export as of a
 * point call it, so the two cannot disagree.
 */
export function evolveReportItem<T extends ReportProgress & { memberId: string }>(
  item: T,
  event: ReportItemEvent,
  at: string,
): T {
  switch (event.type) {
    case 'MemberDiscovered':
      // Back on Pinterest after being gone: a leaver who holds access again.
      if (['removed', 'absent', 'verified'].includes(item.status)) {
        return {
          ...item,
          status: 'pending',
          removedAt: null,
          verifiedAt: null,
          verifiedRemovalSec: null,
          verificationTaskId: null,
        };
      }
      return item;
    case 'MemberLeftBusiness':
      if (HOLDING.includes(item.status) && item.status !== 'reinstated')
        return { ...item, status: 'absent', removedAt: at };
      return item;
    case 'MemberReinstated':
      return { ...item, status: 'reinstated' };
    case 'MemberRemovalRequested':
      if (HOLDING.includes(item.status))
        return { ...item, status: 'removing', removalTaskId: event.data.taskId, lastError: null };
      return item;
    case 'MemberRemoved':
      if (HOLDING.includes(item.status)) {
        return {
          ...item,
          status: removalIsOurs(event.data) ? 'removed' : 'absent',
          removalTaskId: event.data.taskId,
          removedAt: at,
        };
      }
      return item;
    case 'MemberRemovalFailed': {
      const { kind, message, evidence } = event.data.failure;
      return {
        ...item,
        status: 'failed',
        removalTaskId: event.data.taskId,
        lastError: { kind, message, evidence },
      };
    }
    case 'CheckForUpdatesRequested':
      // Every item already gone waits for this check: if it completes, Pinterest no longer
      // had them when it was read.
      if (AWAITING_PROOF.includes(item.status))
        return { ...item, verificationTaskId: event.data.taskId };
      return item;
    case 'CheckForUpdatesFinished': {
      if (
        event.data.result !== 'completed' ||
        !AWAITING_PROOF.includes(item.status) ||
        item.verificationTaskId !== event.data.taskId
      )
        return item;
      const sec = Math.max(0, Math.round((Date.parse(at) - Date.parse(item.leftAt)) / 1000));
      return {
        ...item,
        status: 'verified',
        verifiedAt: at,
        verifiedRemovalSec: sec,
        verificationTaskId: null,
      };
    }
    case 'DeprovisionReportApplied': {
      const i = event.data.memberIds.indexOf(item.memberId);
      if (i < 0) return item;
      return { ...item, applyId: event.data.applyId, removalTaskId: event.data.taskIds[i] };
    }
    case 'DeprovisionReportAnnounced':
      if (!event.data.memberIds.includes(item.memberId)) return item;
      return { ...item, announcedAt: at, announcementId: event.data.notificationId };
  }
}
