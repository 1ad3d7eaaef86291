// PLACEHOLDER (i8-notify): the deprovision report belongs to the "core" part of issue 8. This file
// holds the agreed collection, document type and index, and keeps only what an announcement
// changes (announcedAt, announcementId); core's projection replaces it.
import type { DeprovisionReportEvent } from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export const DEPROVISION_REPORT = 'deprovision_report';

export interface DeprovisionReportAsset {
  assetId: string;
  assetName: string | null;
  assetType: string;
  permissions: string[];
}

/** One leaver of one integration. */
export interface DeprovisionReportDoc extends Document {
  /** The member id. */
  id: string;
  workspaceId: string;
  integrationId: string;
  memberId: string;
  name: string;
  email: string;
  identityId: string | null;
  leftAt: string;
  access: { businessRole: string; assets: DeprovisionReportAsset[] };
  status: string;
  announcedAt: string | null;
  announcementId: string | null;
  /** Whether the announcement reached anyone (false: no recipients, no mail server, failed). */
  announcementDelivered?: boolean | null;
}

export const deprovisionReportProjection: Projection = {
  name: 'deprovision-report',
  version: 1,
  collections: [
    {
      name: DEPROVISION_REPORT,
      // The report of one integration by status, oldest leaver first.
      indexes: [['integrationId', 'status', 'leftAt']],
    },
  ],
  filter: { eventTypes: ['DeprovisionReportAnnounced'] },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as DeprovisionReportEvent;
    if (event.type !== 'DeprovisionReportAnnounced') return;
    for (const memberId of event.data.memberIds) {
      const doc = await ctx.get<DeprovisionReportDoc>(DEPROVISION_REPORT, memberId);
      if (!doc) continue;
      ctx.put<DeprovisionReportDoc>(DEPROVISION_REPORT, {
        ...doc,
        announcedAt: recorded.metadata.occurredAt,
        announcementId: event.data.notificationId,
        announcementDelivered: event.data.delivered,
      });
    }
  },
};
