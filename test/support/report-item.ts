import {
  type DeprovisionReportItem,
  newReportItem,
} from '../../libs/governance/src/deprovision/deprovision-report.projection';

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
    ...newReportItem(
      {
        workspaceId: fields.workspaceId,
        integrationId: fields.integrationId,
        memberId: fields.id,
        name: fields.name,
        email: fields.email,
        access: { businessRole: 'employee', assets: [] },
      },
      {
        memberId: fields.id,
        integrationId: fields.integrationId,
        identityId: fields.identityId,
        leftAt: fields.leftAt,
        reason: 'deactivated',
      },
      fields.leftAt,
    ),
    ...fields,
  };
}
