// PLACEHOLDER (i8-notify): the deprovision report belongs to the "core" part of issue 8. This file
// holds the agreed collection, item type and index under core's names, and keeps only what an
// announcement changes (announcedAt, announcementId); core's projection replaces it.
import type { DeprovisionEvent } from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export const DEPROVISION_REPORT = 'deprovision_report';

export interface ReportAsset {
  assetId: string;
  assetName: string | null;
  assetType: string | null;
  permissions: string[];
}

/** One leaver of one integration (the fields the announcement reads). */
export interface DeprovisionReportItem extends Document {
  workspaceId: string;
  integrationId: string;
  memberId: string;
  name: string;
  email: string;
  identityId: string;
  leftAt: string;
  access: { businessRole: string; assets: ReportAsset[] };
  status: string;
  announcedAt: string | null;
  announcementId: string | null;
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
    const event = recorded as unknown as DeprovisionEvent;
    if (event.type !== 'DeprovisionReportAnnounced') return;
    for (const memberId of event.data.memberIds) {
      const item = await ctx.get<DeprovisionReportItem>(DEPROVISION_REPORT, memberId);
      if (!item) continue;
      ctx.put<DeprovisionReportItem>(DEPROVISION_REPORT, {
        ...item,
        announcedAt: recorded.metadata.occurredAt,
        announcementId: event.data.notificationId,
      });
    }
  },
};
