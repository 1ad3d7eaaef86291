import type { CatalogEvent } from '@app/domain';
import type { RecordedEvent } from '@app/eventstore';
import type { Projection } from '@app/projections';
import type { Document } from '@app/readmodels';

export interface AssetDoc extends Document {
  integrationId: string;
  assetId: string;
  assetType: string;
  name: string;
  present: boolean;
}

export const ASSETS = 'assets';
export const assetDocId = (integrationId: string, assetId: string): string =>
  `${integrationId}:${assetId}`;

/** Asset names and types, to show next to a member's permissions. */
export const assetsProjection: Projection = {
  name: 'assets',
  version: 1,
  collections: [{ name: ASSETS, indexes: ['integrationId', 'assetType'] }],
  filter: { eventTypes: ['AssetDiscovered', 'AssetRenamed', 'AssetGone'] },
  async handle(recorded: RecordedEvent, ctx) {
    const event = recorded as unknown as CatalogEvent;
    if (event.type === 'AssetDiscovered') {
      const d = event.data;
      ctx.put<AssetDoc>(ASSETS, {
        id: assetDocId(d.integrationId, d.assetId),
        integrationId: d.integrationId,
        assetId: d.assetId,
        assetType: d.assetType,
        name: d.name,
        present: true,
      });
    } else if (event.type === 'AssetRenamed' || event.type === 'AssetGone') {
      const id = assetDocId(event.data.integrationId, event.data.assetId);
      const current = await ctx.get<AssetDoc>(ASSETS, id);
      if (!current) return;
      ctx.put<AssetDoc>(
        ASSETS,
        event.type === 'AssetRenamed'
          ? { ...current, name: event.data.name }
          : { ...current, present: false },
      );
    }
  },
};
