import type { DeprovisionReportItem } from '../../libs/governance/src/deprovision/deprovision-report.projection';

/**
 * A pending item of the deprovision report as its projection writes it, for suites that seed
 * the report directly (the announcement and its mail) instead of running the leave flow.
 */
export function pendingReportItem(
  fields: Pick<
    DeprovisionReportItem,
    'id' | 'workspaceId' | 'integrationId' | 'name' | 'email' | 'identityId' | 'leftAt'
  > &
    Partial<DeprovisionReportItem>,
): DeprovisionReportItem {
  return {
    memberId: fields.id,
    reason: 'deactivated',
    access: { businessRole: 'employee', assets: [] },
    status: 'pending',
    blockedReason: null,
    applyId: null,
    removalTaskId: null,
    removedAt: null,
    verifiedAt: null,
    verifiedRemovalSec: null,
    lastError: null,
    announcedAt: null,
    announcementId: null,
    verificationTaskId: null,
    updatedAt: fields.leftAt,
    ...fields,
  };
}
