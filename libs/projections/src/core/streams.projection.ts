import type { Position, RecordedEvent } from '@app/eventstore';
import { streamCategory } from '@app/eventstore';
import type { Document } from '@app/readmodels';
import type { Projection, ProjectionContext } from '../projection';

export interface StreamSummary extends Document {
  category: string;
  eventCount: number;
  lastRevision: number;
  lastEventType: string;
  /** Opaque: shown to operators and fed back to `events --from`, never ordered by. */
  lastPosition: Position;
  firstRecordedAt: string;
  lastRecordedAt: string;
}

export const STREAMS_COLLECTION = 'streams';

/** The operators' index of the log: every stream, its category, size and last event. */
export const streamsProjection: Projection = {
  name: 'streams',
  // v2: positions became opaque text (and are not an order to index).
  version: 2,
  collections: [{ name: STREAMS_COLLECTION, indexes: ['category', 'lastRecordedAt'] }],
  filter: {},
  async handle(event: RecordedEvent, ctx: ProjectionContext) {
    const current = await ctx.get<StreamSummary>(STREAMS_COLLECTION, event.stream);
    ctx.put<StreamSummary>(STREAMS_COLLECTION, {
      id: event.stream,
      category: streamCategory(event.stream),
      eventCount: (current?.eventCount ?? 0) + 1,
      lastRevision: event.revision,
      lastEventType: event.type,
      lastPosition: event.position,
      firstRecordedAt: current?.firstRecordedAt ?? event.recordedAt,
      lastRecordedAt: event.recordedAt,
    });
  },
};
